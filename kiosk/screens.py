"""The screens past home: their view-models over an open site, and the bus wired to them.

This module brings SQLAlchemy and the services with it (most of a cold start's imports), so
the kiosk's start imports it after the home screen's first frame, on the worker thread
(``kiosk.app.ColdStart``); the home screen is drawn from the config alone (``kiosk.controller``).
"""

from __future__ import annotations

from dataclasses import dataclass

from access.bootstrap import site_from_config
from access.bus.client import mqtt_login
from access.config import Config
from access.payments.provider import PaymentProvider, from_config
from access.services.context import Site
from access.services.rules import entrance_node
from kiosk.bus import KioskBus
from kiosk.dashboard import DashboardModel
from kiosk.day_pass import DayPassModel
from kiosk.door_code import DoorCodeModel
from kiosk.roll_call import RollCallModel
from kiosk.top_up import TopUpModel
from kiosk.viewmodel import KioskContext, ViewModel
from kiosk.welcome import WelcomeModel


@dataclass(frozen=True)
class Screens:
    """One view-model per screen, built on the GUI thread (they are QObjects)."""

    ctx: KioskContext
    welcome: WelcomeModel
    day_pass: DayPassModel
    code: DoorCodeModel
    dash: DashboardModel
    top_up: TopUpModel
    roll: RollCallModel

    @classmethod
    def over(cls, ctx: KioskContext) -> Screens:
        return cls(ctx, WelcomeModel(ctx), DayPassModel(ctx), DoorCodeModel(ctx), DashboardModel(ctx),
                   TopUpModel(ctx), RollCallModel(ctx))

    @property
    def models(self) -> tuple[ViewModel, ...]:
        return (self.welcome, self.day_pass, self.code, self.dash, self.roll, self.top_up)

    def listen(self, bus: KioskBus) -> None:
        """The retained states and statuses go to the screens that show them."""
        bus.node_status.connect(self.dash.node_status)
        bus.resource_state.connect(self.dash.resource_state)
        bus.backup_status.connect(self.dash.backup_status)
        bus.resource_state.connect(self.code.door_state)
        bus.resource_state.connect(self.day_pass.door_state)

    def stop(self) -> None:
        self.day_pass.online.stop()
        self.top_up.online.stop()


@dataclass(frozen=True)
class Opened:
    """What the start-up opens on the worker thread, for the GUI thread to wire."""

    site: Site
    entrance: str
    """The node whose taps the kiosk shows (read from the rules in force when not configured)."""
    provider: PaymentProvider | None


def open_site_for(config: Config) -> Opened:
    """The database (its schema checked), the entrance and the provider: on the worker thread."""
    site = site_from_config(config)
    return Opened(site, entrance_node(site), provider_for(site))


def provider_for(site: Site) -> PaymentProvider | None:
    return from_config(site.config)


def make_bus(site: Site, entrance: str | None = None) -> KioskBus:
    config = site.config
    login = mqtt_login(config, "kiosk")
    return KioskBus(config.mqtt.url, config.site.id, entrance or entrance_node(site), username=login.username,
                    password=login.password, client_id=login.client_id, ca_file=login.ca_file)
