"""The kiosk's colours, measured: text 4.5:1 on what it is drawn on, borders and bars 3:1."""

import pytest

from kiosk import theme


@pytest.mark.parametrize("name", list(theme.PALETTES))
def test_every_pair_of_colours_the_screens_draw_reads(name):
    assert theme.shortfalls(name) == []


def test_both_palettes_name_the_same_colours_and_every_pair_is_in_them():
    default, high = (set(p) for p in theme.PALETTES.values())
    assert default == high
    assert {c for pair in theme.CONTRASTS for c in (pair.fore, pair.back)} <= default


def test_the_contrast_ratio_is_wcags():
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast("#ffffff", "#ffffff") == 1.0


def test_the_old_palette_would_have_failed():
    """The borders (#ddd6cc on white) and the white words on the green band did not read."""
    assert theme.contrast("#ddd6cc", "#ffffff") < theme.GRAPHIC_RATIO
    assert theme.contrast("#ffffff", "#2e8b57") < theme.TEXT_RATIO


def test_the_high_contrast_palette_is_at_least_as_strong_for_body_text():
    for fore, back in (("ink", "background"), ("muted", "background"), ("accentInk", "accent")):
        high, default = (theme.contrast(p[fore], p[back]) for p in
                         (theme.PALETTES["high-contrast"], theme.PALETTES["default"]))
        assert high >= default
