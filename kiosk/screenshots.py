"""``seuil kiosk --screenshots DIR``: every screen, both languages, three sizes (and turned), as PNG.

The screens are filled from the site's own database (the demo's, or a real one: nothing is
written) and from a made-up tap and day pass for the screens that need a person.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

import msgspec
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickItem

from access.domain.decide import Reason
from access.domain.membership import MembershipStatus
from access.services.context import Site
from access.services.day_passes import CodeCheck, SoldPass
from access.services.rules import current as current_rules
from access.services.screens.welcome import Presence, TapSeen, Welcome
from access.services.top_ups import TopUp
from access.texts import LANGUAGES
from kiosk.app import SIZES, KioskWindow
from kiosk.controller import Kiosk
from kiosk.door_opening import Door
from kiosk.online_payment import qr_data_url
from kiosk.sample_day import busy_day, busy_roll_call


def settle(ms: int = 60) -> None:
    """Let Qt lay out and draw (and the background thread answer)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    QCoreApplication.processEvents()


def wait_idle(kiosk: Kiosk, timeout_ms: int = 5000) -> None:
    waited = 0
    while kiosk.background.pending and waited < timeout_ms:
        settle(20)
        waited += 20
    settle()


def sample_welcome(site: Site, *, allowed: bool = True, reason: Reason = Reason.ALLOWED,
                   until: datetime | None = None) -> Welcome:
    """``until``: the decision's date, as the node sends it."""
    now = site.now()
    today = site.today()
    tap = TapSeen(str(uuid.uuid4()), now, "front-door", allowed, reason, 1, until)
    return Welcome(tap, "Camille", Presence.IN if allowed else Presence.NONE, MembershipStatus.ACTIVE,
                   "monthly",
                   site.clock.day_end(today), today.replace(day=28) if today.day < 28 else today, 12,
                   -350 if reason is Reason.NOT_ENOUGH_CREDIT else 1250, 800, site.currency,
                   ["Prusa MK4", "Brother Innov-is"], today if allowed else None,
                   site.config.site.credit_floor, plan_label=_plan_label(site, "monthly"))


def _plan_label(site: Site, plan: str) -> str:
    """What rules.toml calls ``plan`` (as the welcome screen says it)."""
    found = current_rules(site).rules.plan(plan)
    return (found.description or found.name) if found else plan


SCENES = ("home", "welcome", "welcome-out", "denied-expired", "denied-starts", "denied-credit",
          "denied-hours", "pass-amount", "pass-closed", "pass-pay", "pass-card", "pass-done",
          "pass-done-nodoor", "pass-done-later", "pass-done-twice",
          "pass-details", "pass-details-mail", "pass-banner", "pass-idle", "topup-amount", "topup-pay",
          "topup-done", "topup-twice", "code", "code-wrong", "code-closed",
          "dashboard", "dashboard-crowded", "rollcall", "rollcall-crowded")
SAMPLE_CONTACT = "06 12 34 56 78 · bonjour@laruche.example"
"""The team's contact on the screenshots of a site that has not set ``[site] contact``."""
KEYBOARD_SCENES = ("pass-details", "pass-details-mail")
"""Scenes with a text field: they are also drawn with the keyboard open on each field."""
BUSY_SCENES = ("home", "dashboard", "dashboard-crowded", "rollcall", "rollcall-crowded")
"""Scenes drawn with the made-up busy day (``kiosk.sample_day``) rather than the site's data."""


def busy_now(site: Site) -> datetime:
    """A quarter to four in the afternoon of today, on the site's clock: a busy hour."""
    return site.clock.at(datetime.combine(site.today(), time(15, 40)))


def show_busy_day(kiosk: Kiosk, *, crowded: bool = False) -> None:
    """The dashboard's facts, states and readers of a busy day (nothing is written)."""
    facts, states, status = busy_day(busy_now(kiosk.site), crowded=crowded)
    dash = kiosk.model("dash")
    dash.facts = facts
    dash.states = {state.resource: state for state in states}
    dash.nodes = status
    dash.render()
    roll = kiosk.model("roll")
    roll.roll = busy_roll_call(busy_now(kiosk.site), crowded=crowded)
    roll.render()


def open_keyboard(view: KioskWindow, field: QQuickItem) -> None:
    """Touch ``field`` as a visitor would: it takes the focus and the keyboard opens."""
    field.forceActiveFocus()
    QGuiApplication.inputMethod().show()
    settle(150)


def text_fields(view: KioskWindow) -> list[QQuickItem]:
    """The visible fields one types in, in the screen being shown."""
    found: list[QQuickItem] = []

    def walk(item: QQuickItem) -> None:
        for child in item.childItems():
            if not child.isVisible():
                continue
            if child.inherits("QQuickTextInput") or child.inherits("QQuickTextEdit"):  # type: ignore[arg-type]
                found.append(child)
            walk(child)

    walk(view.window.contentItem())
    return found


def stage(view: KioskWindow, scene: str) -> None:
    kiosk = view.kiosk
    site = kiosk.site
    QGuiApplication.inputMethod().hide()
    kiosk.go_home()
    wait_idle(kiosk)
    if scene.startswith("welcome") or scene.startswith("denied"):
        facts = sample_welcome(site)
        if scene == "welcome-out":
            facts = replace(facts, presence=Presence.OUT, forgot_checkout_on=None)
        elif scene == "denied-expired":
            ended = site.today() - timedelta(days=20)
            facts = replace(sample_welcome(site, allowed=False, reason=Reason.MEMBERSHIP_EXPIRED,
                                           until=site.clock.day_end(ended)),
                            status=MembershipStatus.EXPIRED, last_day=ended, days_left=None)
        elif scene == "denied-starts":
            starts = site.today() + timedelta(days=8)
            facts = replace(sample_welcome(site, allowed=False, reason=Reason.MEMBERSHIP_NOT_STARTED,
                                           until=site.clock.day_start(starts)),
                            status=MembershipStatus.UPCOMING, starts_on=starts, days_left=None)
        elif scene == "denied-credit":
            facts = sample_welcome(site, allowed=False, reason=Reason.NOT_ENOUGH_CREDIT)
        elif scene == "denied-hours":
            opens = site.clock.at(datetime.combine(site.today() + timedelta(days=1), time(8, 0)))
            facts = replace(sample_welcome(site, allowed=False, reason=Reason.OUTSIDE_HOURS),
                            opens_at=opens, resource_label="Porte d'entrée")
        kiosk.model("welcome")._show(facts)
    elif scene.startswith("pass"):
        flow = kiosk.model("pass")
        kiosk.go("pass")
        wait_idle(kiosk)
        step = scene.removeprefix("pass-")
        for suffix in ("-mail", "-nodoor", "-later", "-twice"):
            step = step.removesuffix(suffix)
        tomorrow = site.today() + timedelta(days=1)
        opens, closes = (site.clock.at(datetime.combine(tomorrow, time(8, 0))),
                         site.clock.at(datetime.combine(tomorrow, time(20, 0))))
        flow.show_email = scene.endswith("-mail")  # the e-mail form, as on a site with [mail]
        flow.show_methods = ("cash", "online")  # side by side, as on a site with HelloAsso
        if step == "closed" and flow.offer is not None:  # after the hours: said before payment
            flow.offer = replace(flow.offer, opens_at=opens, opens_until=closes)
        if step in ("pay", "banner"):
            flow.cents, flow.step = 1000, "pay"
            flow.online.qr = qr_data_url("https://www.helloasso.com/associations/example/checkout/123")
        elif step in ("card", "done", "details"):
            now = site.now()
            flow.cents, flow.step = 1000, step
            flow.sold = SoldPass(42, 1, "Camille", 1000, site.currency, "cash", "daypass:42", now,
                                 site.clock.day_end(site.today()), None)
            flow.code, flow.code_qr = "482913", qr_data_url("482913")
            flow.door.state = Door.NO_ANSWER if scene.endswith("-nodoor") else Door.OPENED
            if scene.endswith("-later"):  # sold after the hours: tomorrow's pass
                flow.door.state, flow.shut_now = Door.IDLE, True
                flow.later = CodeCheck(42, 1, "Camille", site.clock.day_end(tomorrow), "front-door",
                                       "visitors-door", closes, opens)
            if scene.endswith("-twice"):  # cash, then the QR code too
                flow.paid_twice_cents = 1000
        flow.render()
        if step == "banner":  # a member taps at the door while the visitor pays
            kiosk.model("welcome").facts = sample_welcome(site)
            kiosk.model("welcome").render()
            kiosk._set_banner(str(kiosk.model("welcome").state["banner"]), True)
        elif step == "idle":
            kiosk.idle.warn()
    elif scene.startswith("topup"):
        topup = kiosk.model("topup")
        topup.start(1, "Camille", -350)
        topup.show_methods = ("cash", "online")
        kiosk.go("topup")
        if scene != "topup-amount":
            topup.cents, topup.step = 2000, "pay"
            topup.online.qr = qr_data_url("https://www.helloasso.com/associations/example/checkout/124")
        if scene in ("topup-done", "topup-twice"):
            topup._topped(TopUp(1, "Camille", 2000, "cash", 7, 1650))
        if scene == "topup-twice":
            topup.paid_twice_cents, topup.balance_cents = 2000, 3650
        topup.render()
    elif scene.startswith("code"):
        kiosk.go("code")
        model = kiosk.model("code")
        if scene == "code-wrong":
            model.message_key = "code.wrong"
        elif scene == "code-closed":  # tomorrow's pass typed tonight
            model.message_key = "code.closed_until"
            model.opens_at = site.clock.at(datetime.combine(site.today() + timedelta(days=1), time(8, 0)))
        model.render()
    else:
        kiosk.go(scene.removesuffix("-crowded"))
    wait_idle(kiosk)
    if scene in BUSY_SCENES:
        show_busy_day(kiosk, crowded=scene.endswith("-crowded"))
        settle()


def render_all(site: Site, out: Path, *, scenes: tuple[str, ...] = SCENES) -> list[Path]:
    """Every scene at every size in both languages (and with the keyboard open on each field),
    plus the 800x480 layout turned a quarter for a panel mounted on its side: the layout stays
    landscape (the kiosk has no portrait layout), the image is 480 wide."""
    written = []
    if not site.config.site.contact:  # show the "Contact the team" button as a site with one has it
        site.config = msgspec.structs.replace(site.config,
            site=msgspec.structs.replace(site.config.site, contact=SAMPLE_CONTACT))
    sizes = [(w, h, 0) for w, h in SIZES] + [(SIZES[0][1], SIZES[0][0], 90)]
    for width, height, rotation in sizes:
        view = KioskWindow.over(site, bus=None, provider=None, size=(width, height), rotation=rotation)
        view.window.show()
        view.kiosk.start()
        folder = f"{height}x{width}-turned-90" if rotation else f"{width}x{height}"
        for language in LANGUAGES:
            for scene in scenes:
                view.kiosk.default_language = language
                stage(view, scene)
                path = out / folder / language / f"{scene}.png"
                view.grab(path)
                written.append(path)
                if scene in KEYBOARD_SCENES:
                    for n, field in enumerate(text_fields(view)):
                        open_keyboard(view, field)
                        path = out / folder / language / f"{scene}-keyboard{n + 1 if n else ''}.png"
                        view.grab(path)
                        written.append(path)
        view.close()
    return written
