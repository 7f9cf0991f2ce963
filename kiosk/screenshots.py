"""``seuil kiosk --screenshots DIR``: every screen, both languages, three sizes (and turned), as PNG.

The screens are filled from the site's own database (the demo's, or a real one: nothing is
written) and from a made-up tap and day pass for the screens that need a person.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from access.domain.decide import Reason
from access.domain.membership import MembershipStatus
from access.services.context import Site
from access.services.day_passes import SoldPass
from access.services.screens.welcome import Presence, TapSeen, Welcome
from access.services.top_ups import TopUp
from access.texts import LANGUAGES
from kiosk.app import SIZES, KioskWindow
from kiosk.controller import Kiosk
from kiosk.door_opening import Door
from kiosk.online_payment import qr_data_url


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
                   site.config.site.credit_floor)


SCENES = ("home", "welcome", "welcome-out", "denied-expired", "denied-starts", "denied-credit",
          "denied-hours", "pass-amount", "pass-pay", "pass-card", "pass-done", "pass-done-nodoor",
          "pass-details", "pass-details-mail", "pass-banner", "pass-idle", "topup-amount", "topup-pay",
          "topup-done", "code", "code-wrong",
          "dashboard", "rollcall")
SAMPLE_CONTACT = "06 12 34 56 78 · bonjour@laruche.example"
"""The team's contact on the screenshots of a site that has not set ``[site] contact``."""


def stage(view: KioskWindow, scene: str) -> None:
    kiosk = view.kiosk
    site = kiosk.site
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
        step = scene.removeprefix("pass-").removesuffix("-mail").removesuffix("-nodoor")
        flow.show_email = scene.endswith("-mail")  # the e-mail form, as on a site with [mail]
        flow.show_methods = ("cash", "online")  # side by side, as on a site with HelloAsso
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
        if scene == "topup-done":
            topup._topped(TopUp(1, "Camille", 2000, "cash", 7, 1650))
        topup.render()
    elif scene.startswith("code"):
        kiosk.go("code")
        if scene == "code-wrong":
            model = kiosk.model("code")
            model.message_key = "code.wrong"
            model.render()
    else:
        kiosk.go(scene)
    wait_idle(kiosk)


def render_all(site: Site, out: Path, *, scenes: tuple[str, ...] = SCENES) -> list[Path]:
    written = []
    if not site.config.site.contact:  # show the "Contact the team" button as a site with one has it
        site.config = site.config.model_copy(update={"site": site.config.site.model_copy(
            update={"contact": SAMPLE_CONTACT})})
    sizes = [(w, h, 0) for w, h in SIZES] + [(SIZES[0][1], SIZES[0][0], 90)]
    for width, height, rotation in sizes:
        view = KioskWindow(site, bus=None, provider=None, size=(width, height), rotation=rotation)
        view.window.show()
        view.kiosk.start()
        for language in LANGUAGES:
            for scene in scenes:
                view.kiosk.default_language = language
                stage(view, scene)
                suffix = f"-r{rotation}" if rotation else ""
                path = out / f"{width}x{height}{suffix}" / language / f"{scene}.png"
                view.grab(path)
                written.append(path)
        view.close()
    return written
