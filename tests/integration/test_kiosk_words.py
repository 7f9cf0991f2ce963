"""Issue 17's loose ends at the kiosk, offscreen, through a real mosquitto and a real SQLite file,
on a fixed clock: a pass sold while the door is closed tells the truth and is the next opening
day's; every screen says "opens next" in the same words; a visitor who pays twice gets one pass
and the second payment is kept, flagged for the treasurer."""

from datetime import UTC, datetime
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("PySide6.QtQuick")

from sqlalchemy import select

from access.hub.jobs import HubJobs
from access.services import day_passes
from access.services.day_passes import CodeRefused
from access.store.models import DayPass, LedgerEntry, Membership
from tests.integration import test_kiosk
from tests.integration.cli_helpers import run
from tests.integration.test_treasurer_month_report import pdf_text

site, view, node = test_kiosk.site, test_kiosk.view, test_kiosk.node
PARIS = ZoneInfo("Europe/Paris")
SATURDAY_BEFORE_DST_ENDS = datetime(2026, 10, 24, 19, 30, tzinfo=PARIS)  # closed since 18:00
"""Clocks go back that night (03:00 CEST -> 02:00 CET); Sunday is closed; Monday opens at 08:00."""
CHRISTMAS = datetime(2026, 12, 25, 14, 0, tzinfo=PARIS)  # a Friday, a holiday: closed all day


@pytest.fixture
def door_hours(site_dir, site):
    """The sample's own hours and holidays (the kiosk tests open all hours): visitors-door is
    Mon-Fri 08:00-20:00, Sat 10:00-18:00, closed on 2026-12-25."""
    rules = site_dir / "rules.toml"
    rules.write_text(resources.files("access.samples").joinpath("rules.toml").read_text())
    result = run("rules", "apply", str(rules))
    assert result.code == 0, result.err
    return site


def _at(site, when: datetime) -> None:
    site.now = lambda: when.astimezone(UTC)


def _pass_row(site, pass_id: int) -> tuple[datetime, datetime]:
    with site.store.read() as session:
        sold = session.get_one(DayPass, pass_id)
        window = session.scalars(select(Membership).where(Membership.member_id == sold.member_id)).one()
        return window.valid_from.astimezone(UTC), window.valid_until.astimezone(UTC)


def _sell_cash(qtbot, view, cents: int):
    flow = view.kiosk.model("pass")
    view.kiosk.go("pass")
    qtbot.waitUntil(lambda: flow.state.get("step") == "amount" and bool(flow.state.get("presets")),
                    timeout=5000)
    warned = flow.state["shutNow"]
    flow.choose(cents)
    qtbot.waitUntil(lambda: flow.state.get("step") == "pay", timeout=5000)
    flow.cashDone()
    qtbot.waitUntil(lambda: flow.state.get("step") == "done" and flow.state.get("door") == "later",
                    timeout=5000)
    qtbot.waitUntil(lambda: bool(flow.state.get("code")), timeout=5000)
    return flow, warned


def test_a_pass_sold_on_a_dst_saturday_evening_is_mondays_and_the_screens_say_so(
        qtbot, view, node, door_hours):
    site = door_hours
    _at(site, SATURDAY_BEFORE_DST_ENDS)
    flow, warned = _sell_cash(qtbot, view, 500)
    # before payment: the door is closed, when it opens, and the day the pass is for
    assert warned == ("La porte est fermée\u00a0: elle ouvre lundi à 08:00. "
                      "Votre pass sera valable lundi, de 08:00 à 20:00.")
    assert flow.state["doorText"] == "La porte est fermée\u00a0: elle ouvre lundi à 08:00."
    assert flow.state["codeHint"] == ("Tapez-le sur l'écran «\u00a0J'ai un code\u00a0»\u00a0: il ouvre "
                                      "la porte lundi, de 08:00 à 20:00.")
    assert "04:00" not in flow.state["codeHint"] + flow.state["doorText"]
    assert any("lundi 26 octobre 2026" in line for line in flow.state["receipt"])
    assert not [t for t, _ in node.commands if t.endswith("/unlock")]  # nothing opened at night
    # the door's rule says the same: Monday's service day, cut-off to cut-off, in winter time
    valid_from, valid_until = _pass_row(site, flow.sold.id)
    assert valid_from == datetime(2026, 10, 26, 3, 0, tzinfo=UTC)  # 04:00 CET
    assert valid_until == datetime(2026, 10, 27, 3, 0, tzinfo=UTC)
    code = flow.state["code"]
    view.kiosk.go_home()

    # Sunday noon, at the door-code screen: closed, opens tomorrow; Monday 08:05: it opens
    keypad = view.kiosk.model("code")
    _at(site, datetime(2026, 10, 25, 12, 0, tzinfo=PARIS))
    view.kiosk.go("code")
    keypad.submit(code)
    qtbot.waitUntil(lambda: keypad.state.get("message", "").startswith("La porte est fermée"), timeout=5000)
    assert keypad.state["message"] == "La porte est fermée pour votre pass\u00a0: elle ouvre demain à 08:00."
    _at(site, datetime(2026, 10, 26, 8, 5, tzinfo=PARIS))
    keypad.submit(code)
    qtbot.waitUntil(lambda: keypad.state.get("opened") is True, timeout=5000)
    assert node.commands[-1][0].endswith("/cmd/entrance/unlock")


def test_on_a_holiday_the_pass_is_for_the_next_opening_day_in_english_too(qtbot, view, node, door_hours):
    site = door_hours
    _at(site, CHRISTMAS)
    view.kiosk.set_language("en")
    dash = view.kiosk.model("dash")
    dash.refresh()
    qtbot.waitUntil(lambda: dash.state.get("hoursToday") == "Closed: opens tomorrow at 10:00", timeout=5000)
    flow, warned = _sell_cash(qtbot, view, 1000)
    assert warned == ("The door is closed: it opens tomorrow at 10:00. "
                      "Your pass will be valid tomorrow, from 10:00 to 18:00.")
    assert flow.state["doorText"] == "The door is closed: it opens tomorrow at 10:00."
    assert flow.state["codeHint"].endswith("it opens the door tomorrow, from 10:00 to 18:00.")
    valid_from, _ = _pass_row(site, flow.sold.id)
    assert valid_from == datetime(2026, 12, 26, 3, 0, tzinfo=UTC)  # Saturday's 04:00
    with pytest.raises(CodeRefused):  # not on the holiday itself
        day_passes.check_code(site, flow.state["code"])
    _at(site, datetime(2026, 12, 26, 10, 30, tzinfo=PARIS))
    assert day_passes.check_code(site, flow.state["code"]).pass_id == flow.sold.id


def test_a_pass_sold_before_opening_is_todays_and_says_when_the_door_opens(qtbot, view, node, door_hours):
    site = door_hours
    _at(site, datetime(2026, 12, 2, 7, 30, tzinfo=PARIS))  # a Wednesday: opens at 08:00
    flow, warned = _sell_cash(qtbot, view, 500)
    assert warned == ("La porte est fermée\u00a0: elle ouvre aujourd'hui à 08:00. "
                      "Votre pass sera valable aujourd'hui, de 08:00 à 20:00.")
    valid_from, valid_until = _pass_row(site, flow.sold.id)
    assert valid_from == site.now() and valid_until == datetime(2026, 12, 3, 3, 0, tzinfo=UTC)


# --- paid twice: the cash box, then the QR code on the phone ------------------------------------

NOVEMBER = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # the CLI's fixed clock (cli_clock)


def _ledger(site) -> list[tuple[int | None, str, int, str | None]]:
    with site.store.read() as session:
        return [tuple(row) for row in session.execute(select(
            LedgerEntry.member_id, LedgerEntry.kind, LedgerEntry.cents, LedgerEntry.method)
            .order_by(LedgerEntry.id))]


def _passes(site) -> list[int]:
    with site.store.read() as session:
        return list(session.scalars(select(DayPass.id)))


def _to_qr(qtbot, view, flow, cents: int) -> str:
    view.kiosk.go(flow)
    model = view.kiosk.model(flow)
    qtbot.waitUntil(lambda: model.state.get("step") == "amount" and not model.state.get("busy")
                    and bool(model.state.get("presets")), timeout=5000)
    model.choose(cents)
    qtbot.waitUntil(lambda: model.state.get("qr", "").startswith("data:image/png"), timeout=5000)
    (checkout_id, _, _), = view.kiosk.ctx.provider.created
    return checkout_id


def _paying(site, view):
    """The CLI's fixed clock on the kiosk too; a provider whose payer pays when the test says."""
    _at(site, NOVEMBER)
    provider = view.kiosk.ctx.provider
    provider.paid_after = None
    return provider


def _hub_asks(site, provider, rounds: int = 1) -> None:
    """The hub's job that confirms pending checkouts, asking the provider the kiosk used."""
    jobs = HubJobs(site, lambda name, run: run())
    jobs.provider = provider
    for _ in range(rounds):
        jobs.confirm_checkouts()


def _month_twice() -> tuple[int, int, str]:
    import json

    month = run("report", "month", "2026-11", "--json")
    assert month.code == 0, month.err
    figures = json.loads(month.out)
    listing = run("payments", "twice")
    assert listing.code == 0, listing.err
    return figures["paid_twice"], figures["paid_twice_cents"], listing.out


def test_cash_then_the_qr_code_makes_one_pass_and_keeps_the_second_payment_for_the_treasurer(
        qtbot, view, node, site, cli_clock, tmp_path):
    provider = _paying(site, view)
    checkout = _to_qr(qtbot, view, "pass", 1000)
    flow = view.kiosk.model("pass")
    flow.cashDone()  # the cash is in the box...
    qtbot.waitUntil(lambda: flow.state.get("step") == "done" and bool(flow.state.get("code")), timeout=5000)
    provider.pay(checkout)  # ...and the phone's payment goes through as well
    qtbot.waitUntil(lambda: bool(flow.state.get("paidTwice")), timeout=5000)
    assert flow.state["paidTwice"] == ("Vous avez aussi payé 10,00\u00a0€\u00a0: pas de second pass, "
                                       "c'est noté. Un·e bénévole vous le rend ou le garde en don.")
    visitor = flow.sold.member_id
    assert _passes(site) == [flow.sold.id]  # one pass
    # nothing lost, nothing counted twice: the second payment is the visitor's credit
    assert _ledger(site) == [(visitor, "charge", -1000, None), (visitor, "payment", 1000, "cash"),
                             (visitor, "payment", 1000, "online")]
    _hub_asks(site, provider)  # the hub asks too: nothing more
    assert len(_ledger(site)) == 3 and _passes(site) == [flow.sold.id]
    count, cents, listing = _month_twice()
    assert (count, cents) == (1, 1000)
    assert f"daypass:{flow.sold.id}" in listing and "€10.00" in listing and "refund" in listing
    pdf = tmp_path / "2026-11.pdf"  # the board's report says it too
    assert run("report", "month", "2026-11", "--pdf", str(pdf)).code == 0
    assert "Dont payé deux fois pour un même pass ou une recharge : 1 (10,00 €)" in pdf_text(pdf)


def test_a_visitor_who_paid_cash_and_left_then_paid_on_the_phone_is_kept_by_the_hub(
        qtbot, view, node, site, cli_clock):
    provider = _paying(site, view)
    checkout = _to_qr(qtbot, view, "pass", 800)
    flow = view.kiosk.model("pass")
    flow.cashDone()
    qtbot.waitUntil(lambda: flow.state.get("step") == "done", timeout=5000)
    pass_id = flow.sold.id
    view.kiosk.go_home()  # they walk away; the checkout is left to the slow poll and the hub
    provider.pay(checkout)
    _hub_asks(site, provider, rounds=2)  # a second round finds it final
    assert _passes(site) == [pass_id]
    assert [kind for _, kind, _, _ in _ledger(site)] == ["charge", "payment", "payment"]
    assert sum(c for _, _, c, _ in _ledger(site)) == 800  # the visitor's credit: held for them
    count, cents, listing = _month_twice()
    assert (count, cents) == (1, 800) and "online" in listing


def test_the_phone_payment_crossing_the_cash_keeps_the_cash_as_the_second_payment(
        qtbot, view, node, site, cli_clock):
    provider = _paying(site, view)
    checkout = _to_qr(qtbot, view, "pass", 1200)
    flow = view.kiosk.model("pass")
    flow.online.poll.stop()  # the screen has not asked yet...
    flow.online.poll.setInterval(60_000)
    provider.pay(checkout)
    _hub_asks(site, provider)  # ...when the hub makes the pass from the phone's payment
    (online_pass,) = _passes(site)
    flow.cashDone()  # and the visitor touches "I put 12,00 € in the box"
    qtbot.waitUntil(lambda: flow.state.get("step") == "done" and bool(flow.state.get("paidTwice")),
                    timeout=5000)
    assert flow.sold.id == online_pass and _passes(site) == [online_pass]
    assert [(kind, cents, method) for _, kind, cents, method in _ledger(site)] == [
        ("charge", -1200, None), ("payment", 1200, "online"), ("payment", 1200, "cash")]
    count, cents, listing = _month_twice()
    assert (count, cents) == (1, 1200) and "cash" in listing


def test_a_top_up_paid_in_cash_then_on_the_phone_is_on_the_balance_once_each_and_flagged(
        qtbot, view, node, site, cli_clock):
    from access.services import top_ups

    provider = _paying(site, view)
    view.kiosk.model("topup").start(1, "Ada", 0)
    checkout = _to_qr(qtbot, view, "topup", 2000)
    topup = view.kiosk.model("topup")
    topup.cashDone()
    qtbot.waitUntil(lambda: topup.state.get("step") == "done", timeout=5000)
    provider.pay(checkout)
    qtbot.waitUntil(lambda: bool(topup.state.get("paidTwice")), timeout=5000)
    assert topup.state["paidTwice"] == ("Vous avez aussi payé 20,00 € : c'est ajouté à votre "
                                        "solde (40,00 €). Un·e bénévole peut vous le rendre.")
    assert top_ups.balance(site, 1) == 4000  # both are hers, neither counted twice
    assert [(kind, cents, method) for _, kind, cents, method in _ledger(site)] == [
        ("payment", 2000, "cash"), ("payment", 2000, "online")]
    count, cents, listing = _month_twice()
    assert (count, cents) == (1, 2000) and "entry:" in listing
