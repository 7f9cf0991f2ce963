"""A cold start: the home screen from the config alone, then the database, the screens and the bus."""

import os
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

pytest.importorskip("PySide6.QtQuick")

from PySide6.QtCore import Qt

from kiosk.app import ColdStart, KioskWindow
from kiosk.bus import KioskBus
from kiosk.controller import Kiosk
from kiosk.screens import Screens
from tests.integration import test_kiosk
from tests.integration.test_kiosk import Node, _item, shown
from tests.support.slow_link import SlowLink

site = test_kiosk.site  # the fixture: a site with Ada, open all hours

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def starting(qtbot, site):
    """The kiosk as ``seuil kiosk`` starts it: a window over the config, nothing else open yet."""
    view = KioskWindow(Kiosk(site.config))
    view.window.show()
    qtbot.waitExposed(view.window)
    yield view
    view.close()


def _text(view, name: str) -> str:
    item = _item(view.window.contentItem(), name)
    assert item is not None and item.isVisible(), f"no {name!r} on screen"
    return str(item.property("text"))


def test_the_home_screen_is_drawn_and_usable_before_the_database_is_open(qtbot, starting, site):
    """The site's name, the words and the tiles come from the config; the counts say "one
    moment"; a tile touched meanwhile opens its screen once the screens are there."""
    kiosk = starting.kiosk
    assert not kiosk.ready and kiosk.screens is None
    assert _text(starting, "siteLine").startswith("La Ruche")
    assert _text(starting, "tapTitle") == "Badgez votre carte"
    assert _text(starting, "peopleIn") == "Un instant…"
    assert _item(starting.window.contentItem(), "dayPassButton").isVisible()
    kiosk.toggleLanguage()  # the language switch works already
    assert _text(starting, "tapTitle") == "Tap your badge"
    kiosk.go("pass")  # a visitor touches "Day pass" in the first second
    assert kiosk.screen == "home"
    kiosk.attach(Screens.over(kiosk.context(site, None, None)))
    kiosk.start()
    assert kiosk.screen == "pass"  # not lost
    qtbot.waitUntil(lambda: kiosk.model("pass").state.get("step") == "amount", timeout=5000)
    assert kiosk.language == "en"


def test_the_hours_and_the_counts_replace_the_loading_state_once_the_site_is_open(qtbot, starting, site):
    kiosk = starting.kiosk
    kiosk.attach(Screens.over(kiosk.context(site, None, None)))
    kiosk.start()
    qtbot.waitUntil(lambda: _text(starting, "peopleIn") == "0 / 20 présent", timeout=5000)
    assert _text(starting, "siteLine") == "La Ruche · Ouvert aujourd'hui 00:00\u201324:00"


def test_a_cold_start_opens_the_site_after_the_first_frame_then_welcomes_a_tap(qtbot, site, broker):
    """``ColdStart``, as ``seuil kiosk`` wires it: READY at the first frame, then the site, the
    entrance (from the rules in force) and the bus; a member's tap then shows the welcome."""
    view = KioskWindow(Kiosk(site.config))
    events: list[str] = []
    failures: list[Exception] = []
    start = ColdStart(view.kiosk, site.config, ready=lambda: events.append("ready"), failed=failures.append)
    view.window.frameSwapped.connect(start.first_frame, Qt.ConnectionType.SingleShotConnection)
    node = Node(broker, site.config.site.id)
    try:
        view.window.show()
        qtbot.waitUntil(lambda: view.kiosk.bus is not None and view.kiosk.bus.is_connected, timeout=10_000)
        assert events == ["ready"] and not failures
        node.decide(1)
        qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
        assert shown(view)["title"] == "Bonjour Ada\u00a0!"
    finally:
        node.stop()
        view.close()


def test_on_a_slow_link_the_kiosk_is_connected_once_the_broker_has_its_subscriptions(qtbot, broker):
    """A kiosk on a weak Wi-Fi: its subscriptions reach mosquitto 0.4 s after it is let in. It
    says "connected" only once they are in place, so the tap the entrance decides at that moment
    shows on screen (it used to say so at once, and that member got no welcome)."""
    link = SlowLink(broker.port, delay_s=0.4)
    bus = KioskBus(link.url, "la-ruche", "entrance", client_id="kiosk-on-wifi")
    decisions: list[object] = []
    bus.decision.connect(decisions.append)
    node = Node(broker, "la-ruche")
    try:
        bus.start()
        qtbot.waitUntil(lambda: bus.is_connected, timeout=10_000)
        node.decide(1)
        qtbot.waitUntil(lambda: len(decisions) == 1, timeout=5000)
        assert decisions[0].member_id == 1
        link.close()  # the Wi-Fi goes: the kiosk no longer says it is connected
        qtbot.waitUntil(lambda: not bus.is_connected, timeout=10_000)
    finally:
        node.stop()
        bus.stop()
        link.close()


def test_a_cold_start_that_cannot_open_the_database_says_why(qtbot, site, site_dir):
    """A database that is not there (a wrong path, a card not mounted): the failure comes back
    to the GUI thread (``seuil kiosk`` logs it and exits 1, and systemd says so)."""
    missing = msgspec.structs.replace(site.config.database, url=f"sqlite:///{site_dir / 'missing' / 'x.db'}")
    config = msgspec.structs.replace(site.config, database=missing)
    view = KioskWindow(Kiosk(config))
    failures: list[Exception] = []
    start = ColdStart(view.kiosk, config, ready=lambda: None, failed=failures.append)
    view.window.frameSwapped.connect(start.first_frame, Qt.ConnectionType.SingleShotConnection)
    try:
        view.window.show()
        qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
        assert not view.kiosk.ready
        assert "unable to open database file" in str(failures[0])
    finally:
        view.close()


DRAWS_HOME = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from access.cli.main import build_parser
build_parser(only="kiosk")
from PySide6.QtCore import Qt
from access.config import load_config
from kiosk.app import KioskWindow, application
from kiosk.controller import Kiosk
app = application()
view = KioskWindow(Kiosk(load_config()))
def drawn():
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {"sqlalchemy", "alembic", "paho", "segno"})
    heavy += [m for m in ("access.services.context", "kiosk.screens") if m in sys.modules]
    print("loaded before the first frame:", heavy)
    app.quit()
view.window.frameSwapped.connect(drawn, Qt.ConnectionType.SingleShotConnection)
view.window.show()
app.exec()
"""


def test_the_first_frame_needs_neither_the_database_layer_nor_the_bus(site_dir):
    """What makes the cold start fast: the CLI's kiosk command, the Qt app and the home screen
    import no SQLAlchemy, no services, no MQTT client (checked in a fresh process)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", DRAWS_HOME], env=env, capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "loaded before the first frame: []" in result.stdout, result.stdout
