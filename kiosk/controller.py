"""The kiosk's root view-model: which screen, which language, the idle return, the taps.

A tap at the entrance shows the welcome (or the refusal) when nobody is in the middle of
something; over a flow (a day pass, a code, the dashboard) it is a banner for a few seconds,
and the flow goes on untouched.

It starts from the config alone, which is all the home screen needs to be drawn (the site's
name, the words, the theme): the screens past home (``kiosk.screens``: the database, the
services) are attached once they are open, a moment after the first frame. A screen asked for
in that moment is shown once they are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from access.config import Config
from access.texts import Language
from kiosk import strings
from kiosk.background import Background
from kiosk.idle import SALE_HOLD_S, After, IdleWatch, Wait
from kiosk.theme import PALETTES
from kiosk.viewmodel import KioskContext, ViewModel

if TYPE_CHECKING:
    from access.bus.schemas import DecisionEvent
    from access.payments.provider import PaymentProvider
    from access.services.context import Site
    from kiosk.bus import KioskBus
    from kiosk.screens import Screens

log = logging.getLogger(__name__)

SCREENS = ("home", "welcome", "pass", "code", "dashboard", "rollcall", "topup")
REFRESH_MS = 60_000
BANNER_MS = 6_000
AFTER_FRAME_MS = 500
"""Work held for the next frame (a dashboard refresh after a tap) waits at most this long."""
WELCOMING = ("home", "welcome")
"""Screens a tap may replace with the welcome; over any other, a banner."""


class Kiosk(QObject):
    screenChanged = Signal()
    languageChanged = Signal()
    connectedChanged = Signal()
    bannerChanged = Signal()
    screensChanged = Signal()
    """The screens past home are attached (``ready``)."""

    def __init__(self, config: Config, *, language: Language | None = None) -> None:
        super().__init__()
        self.config = config
        self.default_language: Language = language or config.site.locale
        self._language: Language = self.default_language
        self._screen = "home"
        self._asked = ""
        """A screen touched on home before the screens were attached: shown once they are."""
        self._connected = False
        self.screens: Screens | None = None
        self.bus: KioskBus | None = None
        self.background = Background(self)
        self.idle_ms = config.kiosk.idle_seconds * 1000
        self.idle = IdleWatch(self._wait, self.go_home, self)
        self._banner: dict[str, object] = {"text": "", "allowed": True}
        self.banner_timer = QTimer(self)
        self.banner_timer.setSingleShot(True)
        self.banner_timer.setInterval(BANNER_MS)
        self.banner_timer.timeout.connect(lambda: self._set_banner("", True))
        self.refresher = QTimer(self)
        self.refresher.setInterval(REFRESH_MS)
        self._after_frame: list[Callable[[], None]] = []
        self.after_frame_timer = QTimer(self)  # no frame comes (nothing changed): run them anyway
        self.after_frame_timer.setSingleShot(True)
        self.after_frame_timer.setInterval(AFTER_FRAME_MS)
        self.after_frame_timer.timeout.connect(self.frame_drawn)

    def context(self, site: Site, bus: KioskBus | None, provider: PaymentProvider | None) -> KioskContext:
        """What the screens' view-models share, over an open site."""
        return KioskContext(site, bus, self.background, provider, lambda: self._language, self.go)

    def attach(self, screens: Screens) -> None:
        """The screens past home, over the open site (and its bus, if any)."""
        self.screens = screens
        self.bus = bus = screens.ctx.bus
        screens.welcome.shown.connect(self._welcome_ready)
        self.refresher.timeout.connect(screens.dash.refresh)
        if bus is not None:
            bus.decision.connect(self.on_decision)
            bus.connected.connect(self._set_connected)
            screens.listen(bus)
        self.screensChanged.emit()

    def start(self) -> None:
        """The I/O of the attached screens: the dashboard's facts, the bus; then the screen asked
        for while they were opening."""
        screens = self._attached()
        screens.dash.refresh()
        self.refresher.start()
        if self.bus is not None:
            self.bus.start()
        asked, self._asked = self._asked, ""
        if asked and self._screen == "home":
            self.go(asked)

    def stop(self) -> None:
        self.refresher.stop()
        self.idle.stop()
        self.banner_timer.stop()
        self.after_frame_timer.stop()
        if self.screens is not None:
            self.screens.stop()
        if self.bus is not None:
            self.bus.stop()
        self.background.stop()

    @property
    def ctx(self) -> KioskContext:
        return self._attached().ctx

    @property
    def site(self) -> Site:
        return self._attached().ctx.site

    def _attached(self) -> Screens:
        if self.screens is None:
            raise RuntimeError("the kiosk's screens are not attached yet")
        return self.screens

    @Slot()
    def frame_drawn(self) -> None:
        """A frame is on the glass (``frameSwapped``): the work held back until then runs now."""
        self.after_frame_timer.stop()
        jobs, self._after_frame = self._after_frame, []
        for job in jobs:
            job()

    def after_frame(self, job: Callable[[], None]) -> None:
        """``job`` once the next frame is drawn: work that must not delay what a tap shows."""
        if job not in self._after_frame:
            self._after_frame.append(job)
        if not self.after_frame_timer.isActive():
            self.after_frame_timer.start()

    # --- properties for QML -------------------------------------------------------------------

    def _get_screen(self) -> str:
        return self._screen

    def _get_language(self) -> str:
        return self._language

    def _get_strings(self) -> dict[str, str]:
        return strings.table(self._language)

    def _get_connected(self) -> bool:
        return self._connected

    def _get_banner(self) -> dict[str, object]:
        return self._banner

    def _get_ready(self) -> bool:
        return self.screens is not None

    def _screen_model(self, name: str) -> QObject | None:
        return None if self.screens is None else self.model(name)

    # PySide6's stubs do not know Signal as notify= nor type names as strings.
    screen = Property(str, _get_screen, notify=screenChanged)  # type: ignore[arg-type]
    language = Property(str, _get_language, notify=languageChanged)  # type: ignore[arg-type]
    s = Property("QVariantMap", _get_strings, notify=languageChanged)  # type: ignore[arg-type]
    connected = Property(bool, _get_connected, notify=connectedChanged)  # type: ignore[arg-type]
    theme = Property("QVariantMap", lambda self: PALETTES[self.config.kiosk.theme],  # type: ignore[arg-type]
                     constant=True)
    textScale = Property(float, lambda self: self.config.kiosk.text_scale, constant=True)
    siteName = Property(str, lambda self: self.config.site.name, constant=True)
    ready = Property(bool, _get_ready, notify=screensChanged)  # type: ignore[arg-type]
    """The screens past home are there (until then, home shows its loading state)."""
    welcome = Property(QObject, lambda self: self._screen_model("welcome"), notify=screensChanged)  # type: ignore[arg-type]
    dayPass = Property(QObject, lambda self: self._screen_model("pass"), notify=screensChanged)  # type: ignore[arg-type]
    doorCode = Property(QObject, lambda self: self._screen_model("code"), notify=screensChanged)  # type: ignore[arg-type]
    dash = Property(QObject, lambda self: self._screen_model("dash"), notify=screensChanged)  # type: ignore[arg-type]
    topUp = Property(QObject, lambda self: self._screen_model("topup"), notify=screensChanged)  # type: ignore[arg-type]
    roll = Property(QObject, lambda self: self._screen_model("roll"), notify=screensChanged)  # type: ignore[arg-type]
    idleWatch = Property(QObject, lambda self: self.idle, constant=True)
    banner = Property("QVariantMap", _get_banner, notify=bannerChanged)  # type: ignore[arg-type]

    # --- actions ------------------------------------------------------------------------------

    @Slot(str)
    def go(self, screen: str) -> None:
        if screen not in SCREENS:
            raise ValueError(f"no screen {screen!r}")
        screens = self.screens
        if screens is None:  # still opening: home stays, and the screen touched follows
            if screen != "home":
                self._asked = screen
            self.touched()
            return
        if screen == "pass" and self._screen != "pass":
            screens.day_pass.start()
        if screen == "code":
            screens.code.reset()
        if screen in ("dashboard", "rollcall", "home"):
            screens.dash.refresh()
        if screen == "rollcall" and self._screen != "rollcall":
            screens.roll.refresh()
        self._screen = screen
        self.screenChanged.emit()
        self.touched()

    @Slot()
    def go_home(self) -> None:
        self._asked = ""
        for model in self._models():
            model.reset()
        self.reset_language()
        self.banner_timer.stop()
        self._set_banner("", True)
        self.go("home")

    def reset_language(self) -> None:
        """The next person starts in the site's language: what the idle return calls (a hook,
        so whatever decides that the person left can call it too)."""
        if self._language != self.default_language:
            self._language = self.default_language
            self.languageChanged.emit()
        self._render_all()

    @Slot()
    def touched(self) -> None:
        """Any touch: a warning goes away, the idle return waits again."""
        self.idle.touched()

    def _wait(self) -> Wait:
        """What this screen does when left alone (asked at every touch and every timeout)."""
        if self._screen == "rollcall":  # the fire roll-call: an emergency, never
            return Wait(0, After.NEVER)
        if self._screen == "home":  # a language switched here goes back for the next person
            return (Wait(self.idle_ms, After.HOME) if self._language != self.default_language
                    else Wait(0, After.NEVER))
        screens = self._attached()  # past home, they are
        if self._screen == "welcome":
            return Wait(screens.welcome.on_screen_ms(), After.HOME)
        if (self._screen == "pass" and screens.day_pass.sale_open()) or (
                self._screen == "topup" and screens.top_up.sale_open()):
            return Wait(SALE_HOLD_S * 1000, After.WARN)
        return Wait(self.idle_ms, After.WARN)

    @Slot()
    def toggleLanguage(self) -> None:
        self.set_language("en" if self._language == "fr" else "fr")

    def set_language(self, language: Language) -> None:
        self._language = language
        self.languageChanged.emit()
        self._render_all()
        self.touched()

    def _models(self) -> tuple[ViewModel, ...]:
        return () if self.screens is None else self.screens.models

    def _render_all(self) -> None:
        for model in self._models():
            model.render()

    def _set_connected(self, connected: bool) -> None:
        self._connected = connected
        self.connectedChanged.emit()

    def on_decision(self, decision: DecisionEvent) -> None:
        screens = self._attached()  # the bus is attached with them
        if screens.day_pass.waiting_for_card() and self._screen == "pass" and not decision.allowed:
            screens.day_pass.card_tapped(decision)  # a spare badge (refused at the door until bound)
            return
        if self._screen == "rollcall":  # the list stays: a volunteer's badge shows full names
            screens.roll.tap(decision)
        else:
            screens.welcome.tap(decision)
        # who is in changed: once what the tap shows is on the glass (the refresh would hold the
        # worker, and the GIL, while the welcome is read and drawn)
        self.after_frame(screens.dash.refresh)

    def _welcome_ready(self) -> None:
        """The tap's facts are in: the welcome screen, or a banner over someone's flow."""
        if self._screen in WELCOMING:
            self.go("welcome")
        else:
            state = self._attached().welcome.current()
            self._set_banner(str(state.get("banner", "")), bool(state.get("allowed", True)))
            self.banner_timer.start()

    def _set_banner(self, text: str, allowed: bool) -> None:
        self._banner = {"text": text, "allowed": allowed}
        self.bannerChanged.emit()

    @Slot()
    def dismissBanner(self) -> None:
        self.banner_timer.stop()
        self._set_banner("", True)

    @Slot(str)
    def wayOut(self, action: str) -> None:
        """A button under a refusal: ``pass`` (a day pass), ``topup`` (the member's credit, when
        the kiosk takes payments), ``ok`` (home); ``contact`` shows the team's contact there."""
        screens = self._attached()
        facts = screens.welcome.facts
        if action == "pass":
            self.go("pass")
        elif action == "topup" and facts is not None and facts.tap.member_id is not None:
            screens.top_up.start(facts.tap.member_id, facts.first_name or "", facts.balance_cents)
            self.go("topup")
        elif action == "ok":
            self.go_home()
        else:
            self.touched()

    def model(self, name: str) -> Any:
        screens = self._attached()
        return {"welcome": screens.welcome, "pass": screens.day_pass, "code": screens.code,
                "dash": screens.dash, "roll": screens.roll, "topup": screens.top_up}[name]
