"""A language switched on the home screen goes back to the site's after the idle time."""

import pytest

pytest.importorskip("PySide6.QtQuick")

from kiosk.app import KioskWindow
from kiosk.idle import After


@pytest.fixture
def view(qtbot, site_dir):
    from access.bootstrap import open_site

    site = open_site()
    window = KioskWindow.over(site, bus=None, provider=None)
    window.window.show()
    window.kiosk.start()
    yield window
    window.close()
    site.store.close()


def test_a_language_switched_on_home_goes_back_after_the_idle_time(qtbot, view):
    kiosk = view.kiosk
    kiosk.idle_ms = 200
    assert kiosk.screen == "home" and kiosk.language == "fr"
    kiosk.toggleLanguage()  # a visitor reads in English, then walks away without a touch
    assert kiosk.language == "en" and kiosk.s["home.tap"] == "Tap your badge"
    qtbot.waitUntil(lambda: kiosk.language == "fr", timeout=3000)
    assert kiosk.screen == "home" and kiosk.s["home.tap"] == "Badgez votre carte"


def test_the_reset_hook_puts_the_sites_language_back_and_renders_again(qtbot, view):
    kiosk = view.kiosk
    kiosk.set_language("en")
    dash = kiosk.model("dash")
    qtbot.waitUntil(lambda: "homeCount" in dash.state, timeout=5000)
    assert dash.state["homeCount"].endswith(" in")
    kiosk.reset_language()
    assert kiosk.language == "fr" and dash.state["homeCount"].endswith("présent")


def test_on_home_in_the_sites_language_nothing_waits(qtbot, view):
    kiosk = view.kiosk
    kiosk.touched()
    assert kiosk.screen == "home" and not kiosk.idle.waiting
    kiosk.toggleLanguage()  # another language on home waits to go back for the next person
    assert kiosk.idle.waiting and kiosk.idle.policy().then is After.HOME
    kiosk.toggleLanguage()  # the site's language again: nothing waits any more
    assert kiosk.language == "fr" and not kiosk.idle.waiting
