"""The kiosk's root view-model: which screen, which language, the idle return, the taps."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from access.bus.schemas import DecisionEvent
from access.payments.provider import PaymentProvider
from access.services.context import Site
from access.texts import Language
from kiosk import strings
from kiosk.background import Background
from kiosk.bus import KioskBus
from kiosk.dashboard import DashboardModel
from kiosk.day_pass import DayPassModel
from kiosk.door_code import DoorCodeModel
from kiosk.roll_call import RollCallModel
from kiosk.viewmodel import KioskContext
from kiosk.welcome import WelcomeModel

log = logging.getLogger(__name__)

SCREENS = ("home", "welcome", "pass", "code", "dashboard", "rollcall")
REFRESH_MS = 60_000
WELCOME_MS = 8_000


class Kiosk(QObject):
    screenChanged = Signal()
    languageChanged = Signal()
    connectedChanged = Signal()

    def __init__(self, site: Site, *, bus: KioskBus | None, provider: PaymentProvider | None,
                 language: Language | None = None) -> None:
        super().__init__()
        self.site = site
        self.bus = bus
        self.default_language: Language = language or site.config.site.locale
        self._language: Language = self.default_language
        self._screen = "home"
        self._connected = False
        self.background = Background(self)
        self.ctx = KioskContext(site, bus, self.background, provider, lambda: self._language, self.go)
        self._welcome = WelcomeModel(self.ctx)
        self._pass = DayPassModel(self.ctx)
        self._code = DoorCodeModel(self.ctx)
        self._dash = DashboardModel(self.ctx)
        self._roll = RollCallModel(self.ctx)
        self.models = (self._welcome, self._pass, self._code, self._dash, self._roll)
        self.idle_ms = site.config.kiosk.idle_seconds * 1000
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(self.idle_ms)
        self.idle.timeout.connect(self.go_home)
        self.refresher = QTimer(self)
        self.refresher.setInterval(REFRESH_MS)
        self.refresher.timeout.connect(self._dash.refresh)
        if bus is not None:
            bus.decision.connect(self.on_decision)
            bus.node_status.connect(self._dash.node_status)
            bus.resource_state.connect(self._dash.resource_state)
            bus.resource_state.connect(self._code.door_state)
            bus.connected.connect(self._set_connected)

    def start(self) -> None:
        self._dash.refresh()
        self.refresher.start()
        if self.bus is not None:
            self.bus.start()

    def stop(self) -> None:
        self.refresher.stop()
        self.idle.stop()
        self._pass.poll.stop()
        if self.bus is not None:
            self.bus.stop()
        self.background.stop()

    # --- properties for QML -------------------------------------------------------------------

    def _get_screen(self) -> str:
        return self._screen

    def _get_language(self) -> str:
        return self._language

    def _get_strings(self) -> dict[str, str]:
        return strings.table(self._language)

    def _get_connected(self) -> bool:
        return self._connected

    # PySide6's stubs do not know Signal as notify= nor type names as strings.
    screen = Property(str, _get_screen, notify=screenChanged)  # type: ignore[arg-type]
    language = Property(str, _get_language, notify=languageChanged)  # type: ignore[arg-type]
    s = Property("QVariantMap", _get_strings, notify=languageChanged)  # type: ignore[arg-type]
    connected = Property(bool, _get_connected, notify=connectedChanged)  # type: ignore[arg-type]
    welcome = Property(QObject, lambda self: self._welcome, constant=True)
    dayPass = Property(QObject, lambda self: self._pass, constant=True)
    doorCode = Property(QObject, lambda self: self._code, constant=True)
    dash = Property(QObject, lambda self: self._dash, constant=True)
    roll = Property(QObject, lambda self: self._roll, constant=True)

    # --- actions ------------------------------------------------------------------------------

    @Slot(str)
    def go(self, screen: str) -> None:
        if screen not in SCREENS:
            raise ValueError(f"no screen {screen!r}")
        if screen == "pass" and self._screen != "pass":
            self._pass.start()
        if screen == "code":
            self._code.reset()
        if screen in ("dashboard", "rollcall", "home"):
            self._dash.refresh()
        if screen == "rollcall" and self._screen != "rollcall":
            self._roll.refresh()
        self._screen = screen
        self.screenChanged.emit()
        self.touched()
        if screen == "welcome":
            self.idle.start(min(WELCOME_MS, self.idle_ms))

    @Slot()
    def go_home(self) -> None:
        for model in self.models:
            model.reset()
        self._language = self.default_language  # the next person starts in the site's language
        self.languageChanged.emit()
        self._render_all()
        self.go("home")
        self.idle.stop()

    @Slot()
    def touched(self) -> None:
        """Any touch: the idle return waits again (never on the fire roll-call: an emergency)."""
        if self._screen == "rollcall":
            self.idle.stop()
        elif self._screen != "home":
            self.idle.start(self.idle_ms)

    @Slot()
    def toggleLanguage(self) -> None:
        self.set_language("en" if self._language == "fr" else "fr")

    def set_language(self, language: Language) -> None:
        self._language = language
        self.languageChanged.emit()
        self._render_all()
        self.touched()

    def _render_all(self) -> None:
        for model in self.models:
            model.render()

    def _set_connected(self, connected: bool) -> None:
        self._connected = connected
        self.connectedChanged.emit()

    def on_decision(self, decision: DecisionEvent) -> None:
        if self._pass.waiting_for_card() and self._screen == "pass" and not decision.allowed:
            self._pass.card_tapped(decision)  # a spare badge (refused at the door until bound)
            return
        if self._screen == "rollcall":  # the list stays: a volunteer's badge shows full names
            self._roll.tap(decision)
            self._dash.refresh()
            return
        self._welcome.tap(decision)
        self._dash.refresh()

    def model(self, name: str) -> Any:
        return {"welcome": self._welcome, "pass": self._pass, "code": self._code, "dash": self._dash,
                "roll": self._roll}[name]
