"""Every screen at 800x480, 1024x600 and 1280x800, in French and English, with a busy day's real
numbers (17/20 in, six machines, 30 names, long names) and the keyboard open on every field:
no text is cut off, no two texts or controls overlap, and the keyboard never covers the field
being typed in or the button after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
import pytest

pytest.importorskip("PySide6.QtQuick")

from PySide6.QtCore import QRectF
from PySide6.QtGui import QAccessible, QGuiApplication
from PySide6.QtQuick import QQuickItem

from kiosk.app import SIZES, KioskWindow
from kiosk.screenshots import BUSY_SCENES, KEYBOARD_SCENES, SCENES, open_keyboard, stage, text_fields

WEDNESDAY = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # the busy scenes draw 15:40 of this day


@pytest.fixture
def site(site_dir):
    from access.bootstrap import open_site

    opened = open_site()
    opened.now = lambda: WEDNESDAY
    yield opened
    opened.store.close()


SPOKEN_ROLES = {QAccessible.Role.Button, QAccessible.Role.EditableText, QAccessible.Role.CheckBox,
                QAccessible.Role.RadioButton, QAccessible.Role.ListItem}
"""What a control says it is to a screen reader (and to this test)."""


@dataclass
class Shape:
    what: str
    item: QQuickItem
    rect: QRectF


def _is(item: QQuickItem, class_name: str) -> bool:
    return bool(item.inherits(class_name))  # type: ignore[arg-type]


def _visible_rect(item: QQuickItem) -> QRectF:
    """The part of ``item`` that can be seen: clipped by every clipping ancestor."""
    rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
    parent = item.parentItem()
    while parent is not None:
        if parent.clip():
            rect = rect.intersected(parent.mapRectToScene(QRectF(0, 0, parent.width(), parent.height())))
        parent = parent.parentItem()
    return rect


ENUMS = {"horizontalAlignment": ("alignH", 1), "verticalAlignment": ("alignV", 32),
         "wrapMode": ("wrapping", 0), "fontSizeMode": ("fitting", 0)}


def _enum(item: QQuickItem, name: str) -> int:
    """An enum property of a Text, as a number: PySide6 has no converter for QQuickText's enums,
    so Label.qml repeats them as ints (a Text that is not a Label gets the Text defaults)."""
    mirror, default = ENUMS[name]
    value = item.property(mirror)
    return default if value is None else int(value)


def _painted(text: QQuickItem) -> QRectF:
    """Where a Text's letters are: its content box, placed by its alignment."""
    width, height = text.width(), text.height()
    content_w = min(text.property("contentWidth"), width)
    content_h = min(text.property("contentHeight"), height)
    h_align, v_align = _enum(text, "horizontalAlignment"), _enum(text, "verticalAlignment")
    dx = {1: 0.0, 2: width - content_w, 4: (width - content_w) / 2}.get(h_align, 0.0)  # Left, Right, HCenter
    dy = {32: 0.0, 64: height - content_h, 128: (height - content_h) / 2}.get(v_align, 0.0)
    rect = text.mapRectToScene(QRectF(dx, dy, content_w, content_h))
    clip = _visible_rect(text)
    return rect.intersected(clip) if not clip.isEmpty() else QRectF()


def _inside(item: QQuickItem, ancestor: QQuickItem) -> bool:
    parent = item.parentItem()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parentItem()
    return False


OVERLAYS = ("banner", "idleWarning", "keyboard")
"""Layers drawn over the screen on purpose, lowest first (their z in Main.qml): the door-tap
banner lies over the top bar, the idle question veils the whole screen, the keyboard covers
the screen's lower part (it lifts the field and the button after it above itself). Each may
cover what is under it; its own texts and controls are held to the same rules as a screen's."""


@dataclass
class Layer:
    name: str
    item: QQuickItem | None  # None: the screen itself
    texts: list[Shape]
    controls: list[Shape]


def layers(view: KioskWindow) -> list[Layer]:
    """The screen shown and each overlay open over it, lowest first, with their visible texts
    and controls (what a finger can touch). The keyboard is Qt's: its keys are not walked,
    only the room it takes."""
    screen = Layer("screen", None, [], [])
    found = {name: Layer(name, None, [], []) for name in OVERLAYS}
    stage_item = view.window.findChild(QQuickItem, "screen").parentItem()
    whole = stage_item.mapRectToScene(QRectF(0, 0, stage_item.width(), stage_item.height()))

    def walk(item: QQuickItem, layer: Layer) -> None:
        for child in item.childItems():
            if not child.isVisible() or child.opacity() == 0:
                continue
            here = layer
            if child.objectName() in found:
                here = found[child.objectName()]
                here.item = child
                if child.objectName() == "keyboard":
                    continue
            if _is(child, "QQuickText") and child.property("text"):
                if not _is(item, "QQuickTextInput") and not _is(item, "QQuickTextField"):
                    here.texts.append(Shape(f"text {child.property('text')!r}", child, _painted(child)))
            elif _is(child, "QQuickTextInput"):
                here.controls.append(Shape(f"field {child.objectName()!r}", child, _visible_rect(child)))
            elif _is(child, "QQuickMouseArea") and child.isEnabled():
                rect = _visible_rect(child)
                # all but a full-screen touch catcher (every touch restarts the idle time; the
                # idle question's veil keeps a touch on itself)
                if rect.width() < whole.width() - 1 or rect.height() < whole.height() - 1:
                    here.controls.append(Shape(f"control in {child.parentItem().objectName() or 'item'}",
                                               child.parentItem(), rect))
            walk(child, here)

    walk(view.window.contentItem(), screen)
    keyboard = found["keyboard"]
    if keyboard.item is not None and not keyboard.item.property("active"):
        keyboard.item = None  # closed: below the screen's bottom edge
    return [screen] + [found[name] for name in OVERLAYS if found[name].item is not None]


def _overlap(a: QRectF, b: QRectF) -> bool:
    both = a.intersected(b)
    return both.width() > 1 and both.height() > 1


def problems_in(view: KioskWindow, scene: str) -> list[str]:
    """Each layer on its own (what an overlay above it covers is out of sight, not a fault)."""
    found = []
    shown = layers(view)
    keyboard_open = any(layer.name == "keyboard" for layer in shown)
    window = QRectF(0, 0, view.window.width(), view.window.height())
    for n, layer in enumerate(shown):
        covers = [_visible_rect(above.item) for above in shown[n + 1:] if above.item is not None]
        texts = [t for t in layer.texts if not t.rect.isEmpty()
                 and not any(_overlap(t.rect, c) for c in covers)]
        controls = [c for c in layer.controls if not c.rect.isEmpty()
                    and not any(_overlap(c.rect, cover) for cover in covers)]
        where = scene if layer.item is None else f"{scene} ({layer.name})"
        found += _layer_problems(where, texts, controls, None if keyboard_open else window)
    return found


def _layer_problems(scene: str, texts: list[Shape], controls: list[Shape],
                    window: QRectF | None) -> list[str]:
    """``window``: the screen's rectangle, for the "runs off the screen" check (None while the
    keyboard is open: it lifts the screen, by design)."""
    found = []
    for shape in texts:
        text = shape.item
        if window is not None and not window.contains(shape.rect.adjusted(1, 1, -1, -1)):
            found.append(f"{scene}: runs off the screen: {shape.what}")
        if text.property("truncated"):
            found.append(f"{scene}: cut off: {shape.what}")
        elif text.width() > 0 and text.property("contentWidth") > text.width() + 1 \
                and _enum(text, "wrapMode") == 0 and _enum(text, "fontSizeMode") == 0:
            found.append(f"{scene}: wider than its box: {shape.what}")
        if text.property("font").pixelSize() < 14:
            found.append(f"{scene}: under 14 px: {shape.what}")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if _overlap(a.rect, b.rect):
                found.append(f"{scene}: {a.what} overlaps {b.what}")
        for control in controls:
            if _overlap(a.rect, control.rect) and not _inside(a.item, control.item):
                found.append(f"{scene}: {a.what} overlaps a {control.what}")
    for control in controls:
        spoken = QAccessible.queryAccessibleInterface(control.item)
        name = spoken.text(QAccessible.Text.Name) if spoken is not None else ""
        role = spoken.role() if spoken is not None else None
        if not name or role not in SPOKEN_ROLES:
            found.append(f"{scene}: a {control.what} has no accessible name or role ({name!r}, {role})")
    for i, a in enumerate(controls):
        for b in controls[i + 1:]:
            if _overlap(a.rect, b.rect) and not _inside(a.item, b.item) and not _inside(b.item, a.item):
                found.append(f"{scene}: {a.what} overlaps {b.what}")
    return found


def keyboard_problems(view: KioskWindow, scene: str, field: QQuickItem) -> list[str]:
    """The keyboard is open on ``field``: the field and the button after it are above it, on
    the screen, and the screen kept its size (the keyboard lifts it, never shrinks it)."""
    found = []
    keyboard = view.window.findChild(QQuickItem, "keyboard")
    screen = view.window.findChild(QQuickItem, "screen")
    if not keyboard.property("active"):
        return [f"{scene}: the keyboard did not open on {field.objectName()!r}"]
    top = keyboard.mapRectToScene(QRectF(0, 0, keyboard.width(), keyboard.height())).top()
    if screen.height() < screen.parentItem().height() - 1:
        found.append(f"{scene}: the screen shrank to {screen.height():.0f} px with the keyboard open")
    keep = [field]
    siblings = [s for s in field.parentItem().childItems() if s.isVisible() and s.width() > 0]
    after = siblings[siblings.index(field) + 1:] if field in siblings else []
    keep += after[:1]
    for item in keep:
        rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        if rect.bottom() > top + 0.5:
            found.append(f"{scene}: the keyboard covers {item.objectName() or 'the button after the field'}")
        if rect.top() < -0.5:
            found.append(f"{scene}: {item.objectName() or 'the button after the field'} went off the top")
    return found


def _scene_problems(view: KioskWindow, scenes: tuple[str, ...]) -> list[str]:
    found = []
    for scene in scenes:
        stage(view, scene)
        found += problems_in(view, scene)
        if scene in KEYBOARD_SCENES:
            fields = text_fields(view)
            assert fields, f"{scene} has no text field"
            for field in fields:
                open_keyboard(view, field)
                found += keyboard_problems(view, scene, field)
                found += problems_in(view, f"{scene} + keyboard on {field.objectName()}")
            QGuiApplication.inputMethod().hide()
    return found


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_text_is_cut_off_or_overlapped_on_any_screen(qtbot, site, size, language):
    view = KioskWindow.over(site, bus=None, provider=None, size=size, language=language)
    view.window.show()
    view.kiosk.start()
    try:
        view.kiosk.default_language = language
        found = _scene_problems(view, SCENES)
    finally:
        view.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_busy_screens_hold_a_quarter_larger_text_in_high_contrast(qtbot, site, language):
    kiosk = msgspec.structs.replace(site.config.kiosk, text_scale=1.25, theme="high-contrast")
    site.config = msgspec.structs.replace(site.config, kiosk=kiosk)
    view = KioskWindow.over(site, bus=None, provider=None, size=SIZES[0], language=language)
    view.window.show()
    view.kiosk.start()
    try:
        view.kiosk.default_language = language
        stage(view, "home")
        title = view.window.findChild(QQuickItem, "siteLine")
        assert title.property("font").pixelSize() == pytest.approx(20 * 1.25)
        assert view.window.property("color").name() == "#ffffff"
        found = _scene_problems(view, BUSY_SCENES)
    finally:
        view.close()
    assert found == [], "\n".join(found)


def test_the_keyboard_is_azerty_in_french_and_qwerty_in_english_and_follows_the_switch(qtbot, site):
    view = KioskWindow.over(site, bus=None, provider=None, size=SIZES[0], language="fr")
    view.window.show()
    view.kiosk.start()
    try:
        stage(view, "pass-name")
        keyboard = view.window.findChild(QQuickItem, "keyboard")
        assert keyboard.property("locale") == "fr_FR"
        view.kiosk.toggleLanguage()
        assert keyboard.property("locale") == "en_US"
    finally:
        view.close()
