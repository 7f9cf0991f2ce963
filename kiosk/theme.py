"""The kiosk's colours, in one place: the default palette and a high-contrast one.

``Theme.qml`` reads the palette ``[kiosk] theme`` names (through ``Kiosk.theme``), so the
colours the screens draw are the ones listed here, and ``CONTRASTS`` says which pairs meet which
other on screen: text on its background needs a contrast ratio of at least 4.5:1, borders,
bars and disabled controls 3:1 (WCAG 2.1, 1.4.3 and 1.4.11). A test measures every pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ThemeName = Literal["default", "high-contrast"]

TEXT_RATIO = 4.5
GRAPHIC_RATIO = 3.0

PALETTES: dict[ThemeName, dict[str, str]] = {
    "default": {
        "background": "#f6f3ee",
        "card": "#ffffff",
        "ink": "#1f2a2e",
        "muted": "#55636a",
        "accent": "#1b6e62",       # primary buttons, today's bars, the count
        "accentInk": "#ffffff",
        "warm": "#f0b65a",         # the day-pass tile (ink on it)
        "typical": "#9a5b00",      # the typical day's markers on the chart
        "bad": "#b03024",          # refusals, offline readers, errors
        "badInk": "#ffffff",
        "badBackground": "#fbeeee",
        "busy": "#a85a12",         # a machine in use
        "ok": "#23704a",           # online, free, sent
        "okInk": "#ffffff",
        "line": "#857d73",         # borders of buttons and fields
        "track": "#ddd6cc",        # the empty part of a gauge, dividers (decoration only)
        "disabled": "#e4dfd8",     # a control that cannot be touched now
        "disabledInk": "#5e5850",
        "notice": "#fff4dc",       # a reminder's box
        "keyline": "#1f2a2e",      # the capacity line and the "now" marker on the chart
    },
    "high-contrast": {
        "background": "#ffffff",
        "card": "#ffffff",
        "ink": "#000000",
        "muted": "#2b2b2b",
        "accent": "#003d8f",
        "accentInk": "#ffffff",
        "warm": "#ffd34d",
        "typical": "#7a3d00",
        "bad": "#9b0000",
        "badInk": "#ffffff",
        "badBackground": "#ffffff",
        "busy": "#7a3d00",
        "ok": "#005a2b",
        "okInk": "#ffffff",
        "line": "#000000",
        "track": "#b3b3b3",
        "disabled": "#e0e0e0",
        "disabledInk": "#3d3d3d",
        "notice": "#fff1c2",
        "keyline": "#000000",
    },
}


@dataclass(frozen=True)
class Pair:
    """A colour drawn on another: ``fore`` on ``back``, needing ``ratio`` (what it is, in ``why``)."""

    fore: str
    back: str
    ratio: float
    why: str


def _text(fore: str, backs: tuple[str, ...], why: str) -> list[Pair]:
    return [Pair(fore, back, TEXT_RATIO, why) for back in backs]


def _graphic(fore: str, backs: tuple[str, ...], why: str) -> list[Pair]:
    return [Pair(fore, back, GRAPHIC_RATIO, why) for back in backs]


PAGES = ("background", "card", "badBackground")
CONTRASTS: tuple[Pair, ...] = tuple(
    _text("ink", (*PAGES, "warm", "notice", "disabled"), "body text, the day-pass tile, a reminder")
    + _text("muted", ("background", "card"), "hints, legends, hour labels")
    + _text("accent", ("background", "card"), "the count, a welcome")
    + _text("accentInk", ("accent",), "a primary button's word")
    + _text("bad", PAGES, "a refusal, an error")
    + _text("badInk", ("bad",), "the offline band")
    + _text("ok", ("background", "card"), "sent, opened")
    + _text("okInk", ("ok",), "the all-online band")
    + _text("busy", ("background", "card"), "a machine in use")
    + _graphic("disabledInk", ("disabled",), "a disabled button's word")
    + _graphic("line", ("background", "card", "disabled"), "button and field borders")
    + _graphic("accent", ("background", "track"), "today's bars, the gauge")
    + _graphic("typical", ("background",), "the typical day's markers")
    + _graphic("keyline", ("background", "card"), "the capacity line, the now marker")
    + _graphic("bad", ("background", "track"), "the gauge when full, a machine out of service")
    + _graphic("busy", ("background",), "a machine in use (dot)")
    + _graphic("ok", ("background",), "a free machine (dot)")
)


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` (WCAG 2.1)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fore: str, back: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(fore), luminance(back)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def shortfalls(name: ThemeName) -> list[str]:
    """Every pair of ``name``'s palette under its ratio, in words (none: the palette passes)."""
    palette = PALETTES[name]
    found = []
    for pair in CONTRASTS:
        ratio = contrast(palette[pair.fore], palette[pair.back])
        if ratio < pair.ratio:
            found.append(f"{name}: {pair.fore} on {pair.back} is {ratio:.2f}:1, "
                         f"needs {pair.ratio}:1 ({pair.why})")
    return found
