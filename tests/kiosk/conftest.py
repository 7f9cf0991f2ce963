"""The kiosk's view-models without a QML engine or a broker.

A bare ``QCoreApplication`` (the view-models are QObjects with timers; nothing is drawn), a
temporary SQLite site made by ``seuil init``, and ``InlineBackground``: a stand-in for
``kiosk.background.Background`` that runs the work at once on the calling thread and delivers
the result, so a test reads the state map the QML would read right after the action.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

pytest.importorskip("PySide6.QtCore")

from PySide6.QtCore import QCoreApplication

from access.bootstrap import open_site
from access.bus.schemas import ResourceState
from access.services.members import add_member
from access.services.site_init import init_site
from kiosk.viewmodel import KioskContext

MORNING = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)  # 09:00 in Paris, a Wednesday


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """These tests last: Qt allows one application per process, and a bare QCoreApplication made
    here would leave the QML tests (which need a QGuiApplication) none they can use."""
    here = [item for item in items if "tests/kiosk/" in item.nodeid]
    items[:] = [item for item in items if "tests/kiosk/" not in item.nodeid] + here


class InlineBackground:
    """``Background``'s stand-in: ``call()`` now, on this thread, then ``done`` or ``failed``.

    A failure with no ``failed`` callback is raised (the real one only logs it): in a test, a
    bug crashes loudly.
    """

    def __init__(self) -> None:
        self.calls = 0
        self.pending = 0

    def run(self, call: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[Exception], None] | None = None) -> None:
        self.calls += 1
        try:
            result = call()
        except Exception as error:
            if failed is None:
                raise
            failed(error)
            return
        done(result)

    def stop(self) -> None:
        pass


class FakeBus:
    """The kiosk's MQTT link, as far as the view-models use it: ``unlock`` the entrance, whose
    node then reports its state (``node_unlocks``), as a real entrance node does."""

    entrance = "entrance"

    def __init__(self, *, online: bool = True, now: Callable[[], datetime] = lambda: MORNING) -> None:
        self.online = online
        self.unlocks: list[str] = []
        self.now = now
        """The kiosk's and the node's clock (the site's: MORNING unless a test moves it)."""

    def unlock(self, actor: str) -> datetime | None:
        if not self.online:
            return None
        self.unlocks.append(actor)
        return self.now()

    def node_unlocks(self, model) -> None:
        """The entrance node opened the door and says so (its retained state)."""
        now = self.now()
        model.door_state(ResourceState(resource="front-door", node=self.entrance, ts=now,
                                       state="unlocked", until=now + timedelta(seconds=3)))


@pytest.fixture(scope="session")
def core_app() -> QCoreApplication:
    """A bare QCoreApplication (or the application another test already made: one per process)."""
    return QCoreApplication.instance() or QCoreApplication([])


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A fresh sample site in a temporary folder (SQLite), with Ada, a monthly member, at MORNING."""
    for variable in ("SEUIL_DATABASE_URL", "SEUIL_MQTT_URL", "SEUIL_CONFIG"):
        monkeypatch.delenv(variable, raising=False)
    made = init_site(tmp_path / "site", site_name="La Ruche")
    opened = open_site(made.config_path)
    opened.now = lambda: MORNING
    add_member(opened, "Ada Lovelace", email="ada@example.org", groups=["members"], plan="monthly",
               first_day=MORNING.date().replace(day=1))
    yield opened
    opened.store.close()


class Screens:
    """Where the view-models asked to go, in order."""

    def __init__(self) -> None:
        self.visited: list[str] = []

    def go(self, screen: str) -> None:
        self.visited.append(screen)


@pytest.fixture
def screens() -> Screens:
    return Screens()


@pytest.fixture
def make_ctx(core_app, site, screens):
    """``make_ctx(language="en", bus=FakeBus(), provider=None)``: a KioskContext over the test site."""

    def make(*, language: str = "en", bus: Any = None, provider: Any = None) -> KioskContext:
        return KioskContext(site, bus, InlineBackground(), provider, lambda: language, screens.go)

    return make
