"""Issue 17's journeys at the kiosk, offscreen, through a real mosquitto and a real SQLite file:
a paying visitor is never lost, a door tap never resets a flow, a refusal gives a way out."""

import msgspec
import pytest

pytest.importorskip("PySide6.QtQuick")

from PySide6.QtQuick import QQuickItem
from sqlalchemy import select

from access.domain.decide import Reason
from access.hub.jobs import HubJobs
from access.services import day_passes
from access.services.ledger import PaymentMethod
from access.store.models import DayPass, LedgerEntry, OnlineCheckout
from tests.integration import test_kiosk

# the kiosk's fixtures: a site with Ada and Bob, the kiosk window, the entrance node's player
site, view, node = test_kiosk.site, test_kiosk.view, test_kiosk.node


def _flow(view):
    return view.kiosk.model("pass")


def _wait_step(qtbot, flow, step: str, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: flow.state.get("step") == step and not flow.state.get("busy"), timeout=timeout)


def _item(view, name: str) -> QQuickItem:
    """The drawn item with this objectName (Repeater delegates included)."""
    todo = [view.window.contentItem()]
    while todo:
        item = todo.pop()
        if item.objectName() == name:
            return item
        todo.extend(item.childItems())
    raise AssertionError(f"no item {name!r} on screen")


def _to_qr(qtbot, view, cents: int):
    """Home -> day pass -> one tap on an amount -> the payment screen with its QR code."""
    flow = _flow(view)
    view.kiosk.go("pass")
    _wait_step(qtbot, flow, "amount")
    flow.choose(cents)
    qtbot.waitUntil(lambda: flow.state.get("qr", "").startswith("data:image/png;base64,"), timeout=5000)
    assert flow.state["step"] == "pay" and flow.state["amount"] == f"Montant\u00a0: {cents // 100},00\u00a0€"
    return flow


def _ledger(site) -> list[tuple[str, int, str | None]]:
    with site.store.read() as session:
        return [tuple(row) for row in session.execute(
            select(LedgerEntry.kind, LedgerEntry.cents, LedgerEntry.method).order_by(LedgerEntry.id))]


def test_a_payment_completing_after_the_idle_time_ends_with_the_pass_and_the_door_open(
        qtbot, view, node, site):
    provider = view.kiosk.ctx.provider
    provider.paid_after = None  # the visitor takes their time on their phone
    view.kiosk.idle_ms = 300
    flow = _to_qr(qtbot, view, 1200)
    qtbot.wait(1500)  # five idle times
    assert view.kiosk.screen == "pass" and flow.state["step"] == "pay"
    assert view.kiosk.idle.warning is False  # not even a question while a payment may come
    (checkout_id, _, _), = provider.created
    provider.pay(checkout_id)
    _wait_step(qtbot, flow, "done")
    qtbot.waitUntil(lambda: flow.state.get("door") == "opened", timeout=5000)
    assert flow.state["doorText"] == "La porte est ouverte\u00a0: entrez\u00a0!"
    topic, body = node.commands[-1]
    assert topic.endswith("/cmd/entrance/unlock") and f"day pass #{flow.sold.id}" in body["actor"]
    assert _ledger(site) == [("charge", -1200, None), ("payment", 1200, "online")]
    qtbot.wait(1000)  # the done screen waits for the visitor too
    assert view.kiosk.screen == "pass" and flow.state["step"] == "done"


def test_a_door_tap_in_the_middle_of_a_sale_is_a_banner_and_the_sale_goes_on(qtbot, view, node, site):
    view.kiosk.banner_timer.setInterval(400)
    view.kiosk.ctx.provider.paid_after = None
    flow = _to_qr(qtbot, view, 1000)
    node.decide(1)  # Ada badges in at the door while the visitor is paying
    qtbot.waitUntil(lambda: "Ada" in view.kiosk.banner.get("text", ""), timeout=5000)
    assert view.kiosk.screen == "pass" and flow.state["step"] == "pay"
    assert _item(view, "banner").isVisible() and "enregistré" in view.kiosk.banner["text"]
    qtbot.waitUntil(lambda: view.kiosk.banner.get("text") == "", timeout=3000)
    qtbot.wait(600)
    assert view.kiosk.screen == "pass" and flow.state["step"] == "pay" and flow.state["qr"]
    flow.cashDone()  # the visitor paid cash after all
    _wait_step(qtbot, flow, "done")
    assert _ledger(site) == [("charge", -1000, None), ("payment", 1000, "cash")]


def test_back_after_payment_never_abandons_the_paid_pass(qtbot, view, node, site):
    flow = _to_qr(qtbot, view, 700)
    flow.cashDone()
    _wait_step(qtbot, flow, "done")
    qtbot.waitUntil(lambda: bool(flow.state.get("code")), timeout=5000)
    code = flow.state["code"]
    flow.back()
    qtbot.wait(200)
    assert view.kiosk.screen == "pass" and flow.state["step"] == "done" and flow.state["code"] == code
    flow.details()
    _wait_step(qtbot, flow, "details")
    flow.back()
    _wait_step(qtbot, flow, "done")
    assert day_passes.check_code(site, code).pass_id == flow.sold.id


def test_back_while_the_phone_pays_still_ends_on_the_paid_pass(qtbot, view, node, site):
    provider = view.kiosk.ctx.provider
    provider.paid_after = None
    flow = _to_qr(qtbot, view, 1500)
    (checkout_id, _, _), = provider.created
    flow.back()  # "Retour" as the payment goes through on the phone
    _wait_step(qtbot, flow, "amount")
    provider.pay(checkout_id)
    _wait_step(qtbot, flow, "done")
    assert flow.sold is not None and flow.sold.cents == 1500 and flow.sold.method == "online"


def test_the_idle_warning_counts_down_then_goes_home_and_a_touch_stays(qtbot, view):
    view.kiosk.idle_ms = 200
    view.kiosk.idle.warning_s = 2
    view.kiosk.set_language("en")
    view.kiosk.go("code")
    qtbot.waitUntil(lambda: view.kiosk.idle.warning, timeout=3000)
    assert view.kiosk.screen == "code" and view.kiosk.idle.seconds == 2
    warning = _item(view, "idleWarning")
    assert warning.isVisible()
    assert _item(view, "idleCountdown").property("text") == "Back to the start in 2 s"
    view.kiosk.touched()  # "I'm here"
    assert view.kiosk.idle.warning is False and view.kiosk.screen == "code"
    qtbot.waitUntil(lambda: view.kiosk.idle.warning, timeout=3000)
    qtbot.waitUntil(lambda: view.kiosk.screen == "home", timeout=5000)
    assert view.kiosk.idle.warning is False and view.kiosk.language == "fr"


def test_a_visitor_who_walks_away_before_paying_still_gets_a_pass_when_they_pay(qtbot, view, site):
    provider = view.kiosk.ctx.provider
    provider.paid_after = None
    flow = _to_qr(qtbot, view, 900)
    (checkout_id, _, _), = provider.created
    flow.back()
    flow.back()  # the next person leaves the screen: home
    qtbot.waitUntil(lambda: view.kiosk.screen == "home", timeout=3000)
    provider.pay(checkout_id)  # the first visitor pays on the pavement
    jobs = HubJobs(site, lambda name, run: run())
    jobs.provider = provider  # the hub's job, asking the provider the kiosk used
    jobs.confirm_checkouts()
    with site.store.read() as session:
        sold = session.execute(select(DayPass.amount_cents, DayPass.method)).one()
        state = session.scalars(select(OnlineCheckout.state)).one()
    assert tuple(sold) == (900, "online") and state == "paid"
    assert _ledger(site) == [("charge", -900, None), ("payment", 900, "online")]


def test_the_sixth_digit_opens_the_door(qtbot, view, node, site):
    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille", with_code=True)
    view.kiosk.go("code")
    qtbot.waitUntil(lambda: view.kiosk.screen == "code", timeout=3000)
    pad = _item(view, "keypad")
    pad.setProperty("value", sold.code[:5])
    qtbot.wait(300)
    assert node.commands == []
    pad.setProperty("value", sold.code)  # the sixth digit: no "Open" button to find
    qtbot.waitUntil(lambda: bool(view.kiosk.model("code").state.get("opened")), timeout=5000)
    assert pad.property("value") == "" and node.commands[0][0].endswith("/cmd/entrance/unlock")


def test_a_refusal_offers_a_day_pass_the_team_and_ok_and_stays_20_seconds(qtbot, view, node, site):
    site.config = msgspec.structs.replace(site.config,
        site=msgspec.structs.replace(site.config.site, contact="06 12 34 56 78"))
    node.decide(2, allowed=False, reason=Reason.MEMBERSHIP_EXPIRED)
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    state = view.kiosk.model("welcome").state
    assert [w["action"] for w in state["ways"]] == ["pass", "contact", "ok"]
    assert [w["label"] for w in state["ways"]] == ["Prendre un pass journée", "Contacter l'équipe", "OK"]
    assert state["contact"] == "06 12 34 56 78"
    assert _item(view, "refusalBand").isVisible()
    tile_height = _item(view, "way_pass").height()
    view.kiosk.go_home()
    qtbot.wait(100)
    assert tile_height >= _item(view, "dayPassButton").height() * 0.6  # a tile, not a small button
    node.decide(2, allowed=False, reason=Reason.MEMBERSHIP_EXPIRED)
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    assert view.kiosk.idle.policy().ms == 20_000
    view.kiosk.wayOut("pass")
    assert view.kiosk.screen == "pass"


def test_a_member_refused_for_credit_tops_up_at_the_kiosk_and_a_door_tap_does_not_reset_it(
        qtbot, view, node, site):
    view.kiosk.ctx.provider.paid_after = None
    view.kiosk.idle_ms = 300
    node.decide(1, allowed=False, reason=Reason.NOT_ENOUGH_CREDIT)
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    assert view.kiosk.model("welcome").state["ways"][0]["hint"] == "ici, en espèces ou en ligne"
    view.kiosk.wayOut("topup")
    assert view.kiosk.screen == "topup"
    topup = view.kiosk.model("topup")
    topup.choose(2000)
    qtbot.waitUntil(lambda: topup.state.get("qr", "").startswith("data:image/png"), timeout=5000)
    assert _item(view, "qr").isVisible() and _item(view, "cashDone").isVisible()
    node.decide(2)  # Bob comes in meanwhile
    qtbot.waitUntil(lambda: "Bob" in view.kiosk.banner.get("text", ""), timeout=5000)
    qtbot.wait(1000)  # past the idle time: the checkout may be paid any second
    assert view.kiosk.screen == "topup" and topup.state["step"] == "pay"
    topup.cashDone()
    qtbot.waitUntil(lambda: topup.state.get("step") == "done", timeout=5000)
    assert "Nouveau solde\u00a0: 20,00\u00a0€" in _item(view, "topUpDone").property("text")
    assert _ledger(site) == [("payment", 2000, "cash")]


def test_the_teams_contact_opened_by_one_refused_member_is_closed_for_the_next(qtbot, view, node, site):
    """The welcome screen is made once and kept between taps: what one person opened on it
    must not be open for the next."""
    from PySide6.QtCore import QMetaObject

    site.config = msgspec.structs.replace(site.config,
        site=msgspec.structs.replace(site.config.site, contact="06 12 34 56 78"))
    node.decide(2, allowed=False, reason=Reason.MEMBERSHIP_EXPIRED)
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    qtbot.waitUntil(lambda: _item(view, "way_contact").isVisible(), timeout=3000)
    QMetaObject.invokeMethod(_item(view, "way_contact"), "take")  # the finger on "Contacter l'équipe"
    qtbot.waitUntil(lambda: _item(view, "contactBox").isVisible(), timeout=3000)
    view.kiosk.go_home()
    node.decide(2, allowed=False, reason=Reason.MEMBERSHIP_EXPIRED)
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    qtbot.wait(100)
    assert _item(view, "refusalBand").isVisible()
    assert not _item(view, "contactBox").isVisible()
