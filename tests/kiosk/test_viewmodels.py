"""Each screen's view-model after an action: the state map its QML reads, with no QML and no broker."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from PySide6.QtCore import QCoreApplication

from access.bus.schemas import DecisionEvent, ResourceState
from access.domain.decide import Reason
from access.payments.fake import FakeProvider
from access.services import day_passes
from access.services.ledger import PaymentMethod
from access.store.models import AccessEvent
from kiosk import door_opening
from kiosk.dashboard import DashboardModel
from kiosk.day_pass import DayPassModel
from kiosk.door_code import MAX_TRIES, DoorCodeModel
from kiosk.welcome import WelcomeModel
from tests.kiosk.conftest import MORNING, FakeBus

ADA = 1


def decision(member_id, *, allowed=True, reason=Reason.ALLOWED, at=MORNING, card="a" * 64):
    return DecisionEvent(event_id=uuid.uuid4(), ts=at, node="entrance", seq=1, tap_id=uuid.uuid4(),
                         resource="front-door", card=card, allowed=allowed, reason=reason,
                         rule="members-door" if allowed else None, member_id=member_id,
                         snapshot_version=1)


def test_a_member_who_taps_is_welcomed_by_first_name_and_shown_the_welcome(make_ctx):
    model = WelcomeModel(make_ctx())
    shown = []
    model.shown.connect(lambda: shown.append(model.state["title"]))
    model.tap(decision(ADA))
    state = model.state
    assert shown == ["Hello Ada!"]  # the kiosk shows it: a screen, or a banner over a flow
    assert state["allowed"] is True and state["title"] == "Hello Ada!"
    assert state["presence"] == "in" and state["headline"] == "You are checked in: have a good day!"
    assert state["lines"][0].startswith("Desk membership: until ") and "Balance: €0.00" in state["lines"]
    assert "monthly" not in state["lines"][0]


def test_a_second_tap_checks_the_member_out_and_a_refusal_says_why(make_ctx, site):
    model = WelcomeModel(make_ctx())
    model.tap(decision(ADA))
    with site.store.write() as session:  # the hub stored the first tap
        session.add(AccessEvent(event_id=str(uuid.uuid4()), seq=1, ts=MORNING, node="entrance",
                                resource="front-door", member_id=ADA, allowed=True, reason="allowed"))
    model.tap(decision(ADA, at=MORNING + timedelta(hours=3)))
    assert model.state["presence"] == "out"
    model.tap(decision(None, allowed=False, reason=Reason.UNKNOWN_CARD))
    assert model.state["allowed"] is False and model.state["title"] == "Hello!"
    assert model.state["headline"] == "Access denied"
    assert model.state["lines"][0].startswith("This badge is not registered")


def test_the_welcome_renders_again_in_the_other_language(make_ctx, site):
    language = {"now": "en"}
    ctx = make_ctx()
    ctx.language = lambda: language["now"]
    model = WelcomeModel(ctx)
    model.tap(decision(ADA))
    language["now"] = "fr"
    model.render()
    assert model.state["title"] == "Bonjour Ada\u00a0!"
    model.reset()
    assert model.facts is None


def test_a_day_pass_paid_cash_ends_with_the_door_open_and_the_code_grouped(make_ctx):
    bus = FakeBus()
    model = DayPassModel(make_ctx(bus=bus))
    model.start()
    assert model.state["step"] == "amount" and model.state["stepIndex"] == 0
    assert model.state["steps"] == ["Amount", "Payment", "Come in"]
    assert [p["cents"] for p in model.state["presets"]] == [0, 500, 1000, 1500, 2000]
    assert [p["cents"] for p in model.state["presets"] if p["suggested"]] == [1000]
    model.chooseText("7,00")
    state = model.state
    assert state["step"] == "pay" and state["stepIndex"] == 1 and state["methods"] == ["cash"]
    assert state["amount"] == "Amount: €7.00" and state["cashButton"] == "I put €7.00 in the box"
    assert model.sale_open() is False  # nothing paid, nothing pending: the idle return may come
    model.cashDone()
    model.cashDone()  # a second touch sells nothing more
    state = model.state
    assert state["step"] == "done" and state["stepIndex"] == 2 and state["sold"] is True
    code = state["code"]
    assert len(code) == 6 and state["codeGrouped"] == code[:3] + "\u202f" + code[3:]
    assert state["codeQr"].startswith("data:image/png;base64,")
    assert bus.unlocks == [f"kiosk, day pass #{model.sold.id}"] and state["door"] == "opening"
    bus.node_unlocks(model)
    assert model.state["door"] == "opened" and model.state["doorText"] == "The door is open: come in!"
    assert any("€7.00" in line for line in model.state["receipt"]) and model.state["canEmail"] is False
    assert model.state["amount"] == "Amount: €7.00"  # the amount stays in view
    assert model.sale_open() is True


def test_the_name_comes_after_payment_and_is_optional(make_ctx, site):
    model = DayPassModel(make_ctx(bus=FakeBus(), language="fr"))
    model.start()
    model.choose(500)
    model.cashDone()
    assert model.sold.name == "Visitor" and model.state["name"] == ""
    assert "Visiteur·se — pass journée" in model.state["receipt"][1]  # the row's "Visitor", in French
    model.details()
    assert model.state["step"] == "details"
    model.setName("  Camille   Dupont ")
    assert model.state["step"] == "done" and model.state["name"] == "Camille Dupont"
    assert model.state["receipt"][1].startswith("Camille Dupont — pass journée")
    assert day_passes.sold_pass(site, model.sold.id).name == "Camille Dupont"
    model.details()
    model.setName("   ")  # nothing typed: back to the door, the name kept
    assert model.state["step"] == "done"
    assert day_passes.sold_pass(site, model.sold.id).name == "Camille Dupont"


def test_back_after_payment_stays_on_the_paid_pass(make_ctx, screens):
    model = DayPassModel(make_ctx(bus=FakeBus()))
    model.start()
    model.choose(1000)
    model.back()
    assert model.state["step"] == "amount" and screens.visited == []
    model.choose(1000)
    model.cashDone()
    model.details()
    model.back()
    assert model.state["step"] == "done"
    model.back()
    model.back()
    assert model.state["step"] == "done" and screens.visited == [] and model.sold is not None


def test_an_amount_under_the_floor_is_refused_and_a_free_pass_needs_no_payment(make_ctx, site):
    model = DayPassModel(make_ctx(bus=FakeBus()))
    model.start()
    model.chooseText("douze")
    assert model.state["step"] == "amount" and model.state["error"]
    model.choose(0)  # pay what you can, nothing included: sold at once, no cash box
    assert model.state["step"] == "done" and model.sold is not None and model.sold.cents == 0


def _online(make_ctx, provider, **kiosk):
    ctx = make_ctx(provider=provider, bus=FakeBus())
    config = ctx.site.config
    ctx.site.config = msgspec.structs.replace(config,
        kiosk=msgspec.structs.replace(config.kiosk, payment=("cash", "online"), **kiosk))
    return DayPassModel(ctx)


def test_a_day_pass_paid_online_is_sold_once_the_provider_says_paid(make_ctx):
    provider = FakeProvider(paid_after=2)
    model = _online(make_ctx, provider, credential=("code",))
    model.start()
    model.choose(1500)  # cash and the QR side by side: the checkout opens with the screen
    assert model.state["step"] == "pay" and model.state["methods"] == ["cash", "online"]
    assert model.state["qr"].startswith("data:image/png;base64,") and len(provider.created) == 1
    assert model.sale_open() is True  # a payment may come any second
    model.online.ask()  # what the poll timer does every 2 s
    assert model.sold is None
    model.online.ask()
    model.online.stop()
    assert model.sold is not None and model.sold.method == "online"
    assert model.state["step"] == "done" and model.state["code"] and model.state["canCard"] is False


def test_a_payment_that_lands_after_back_still_ends_on_the_done_screen(make_ctx):
    provider = FakeProvider(paid_after=None)
    model = _online(make_ctx, provider)
    model.start()
    model.choose(1000)
    (checkout_id, _, _), = provider.created
    model.back()  # the visitor goes back to the amounts as their phone pays
    provider.pay(checkout_id)
    model.online.ask()
    assert model.state["step"] == "done" and model.sold is not None and model.sold.cents == 1000
    model.choose(1000)  # a paid pass is not sold twice
    assert len(provider.created) == 1


def test_checkouts_left_behind_are_still_asked_about(make_ctx, site):
    from access.services import checkouts

    provider = FakeProvider(paid_after=None)
    model = _online(make_ctx, provider)
    model.start()
    model.choose(800)
    (checkout_id, _, _), = provider.created
    model.reset()  # the visitor walked away; the screen went home
    model.start()  # the next visitor
    assert model.online.left_behind and model.online.behind.isActive()
    provider.pay(checkout_id)
    model.online.ask_left_behind()
    assert not model.online.left_behind and not model.online.behind.isActive()
    (row,) = [c for c in checkouts._listed(site, True) if c.checkout_id == checkout_id]
    assert row.state == "paid" and row.day_pass_id is not None
    assert model.state["step"] == "amount" and model.sold is None  # not shown to the next visitor


def test_a_valid_code_opens_the_entrance_and_five_wrong_ones_lock_the_keypad(make_ctx, site):
    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille", with_code=True)
    bus = FakeBus()
    model = DoorCodeModel(make_ctx(bus=bus))
    assert model.state == {"message": "", "opened": False, "error": False}
    model.submit(sold.code)
    assert model.state["opened"] is False and model.state["message"] == "Opening the door…"
    bus.node_unlocks(model)
    assert model.state["opened"] is True and "Camille" in model.state["message"]
    assert len(bus.unlocks) == 1 and "day pass" in bus.unlocks[0]
    model.reset()
    for _ in range(MAX_TRIES - 1):
        model.submit("000000")
        assert model.state["error"] is True and model.state["message"] == "Unknown or expired code."
    model.submit("000000")
    assert model.state["message"].startswith("Too many tries: try again in ")
    model.submit(sold.code)  # locked: not even a good code opens
    assert model.state["opened"] is False and len(bus.unlocks) == 1


def test_a_good_code_with_the_broker_away_says_the_door_is_offline(make_ctx, site):
    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille", with_code=True)
    model = DoorCodeModel(make_ctx(bus=FakeBus(online=False)))
    model.submit(sold.code)
    assert model.state["opened"] is False and model.state["error"] is True
    assert model.state["message"] == "The door does not answer. Tell a volunteer."


def test_a_good_code_says_the_door_is_open_only_once_the_node_says_it_unlocked(make_ctx, site,
                                                                               monkeypatch):
    monkeypatch.setattr(door_opening, "CONFIRM_S", 0.05)
    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille", with_code=True)
    bus = FakeBus()  # connected, but the entrance node is down: nobody answers
    model = DoorCodeModel(make_ctx(bus=bus))
    model.submit(sold.code)
    deadline = time.monotonic() + 2
    while model.state["message"] == "Opening the door…" and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert model.state["opened"] is False and len(bus.unlocks) == 1
    assert model.state["message"] == "The door does not answer. Tell a volunteer."
    bus.node_unlocks(model)  # a late answer does not turn it into "open"
    assert model.state["opened"] is False


def test_the_dashboard_counts_who_is_in_and_which_machine_runs(make_ctx, site):
    model = DashboardModel(make_ctx())
    model.refresh()
    state = model.state
    assert state["homeCount"] == "0 / 20 in" and state["names"] == []
    assert {m["level"] for m in state["machines"]} == {"ok"}
    assert state["offline"]  # no node has said it is online yet
    assert [m["name"] for m in state["machines"]] == ["Prusa MK4", "Brother Innov-is"]
    model.resource_state(ResourceState(resource="3d-printer", node="printer", ts=MORNING, state="in_use",
                                       since=MORNING, until=MORNING + timedelta(minutes=90)))
    busy = model.state["machines"][0]
    assert busy["level"] == "busy" and busy["detail"] == "1 h 30 left"
    assert model.state["homeMachines"] != state["homeMachines"]
    for node in site.config.nodes:
        model.node_status(node, "online")
    assert model.state["offline"] == ""


def test_a_node_that_is_not_recording_is_named_on_the_dashboard_banner(make_ctx, site):
    from access.bus.schemas import NodeStatus, encode
    from kiosk.bus import _status

    assert _status(encode(NodeStatus(node="entrance", state="online", recording=False))) \
        == "not-recording"
    assert _status(encode(NodeStatus(node="entrance", state="online"))) == "online"
    model = DashboardModel(make_ctx())
    model.refresh()
    for node in site.config.nodes:
        model.node_status(node, "online")
    model.node_status("entrance", "not-recording")  # its card is full: it opens, records nothing
    # named as the screen names the door it drives, not by its node id
    assert "Not recording" in model.state["offline"] and "Front door" in model.state["offline"]
    assert "entrance" not in model.state["offline"]
    assert "Offline" not in model.state["offline"]


def test_a_refusal_outside_hours_says_when_the_door_opens_next(make_ctx, site):
    from datetime import datetime

    model = WelcomeModel(make_ctx(language="fr"))
    early = MORNING - timedelta(hours=2)  # 07:00 in Paris, a Wednesday: the door opens at 08:00
    model.tap(decision(ADA, allowed=False, reason=Reason.OUTSIDE_HOURS, at=early))
    assert model.state["lines"][1] == "Ouvre aujourd'hui à 08:00"
    assert [w["action"] for w in model.state["ways"]] == ["ok"]  # a day pass opens at the same hours
    saturday_evening = datetime(2026, 11, 21, 18, 0, tzinfo=MORNING.tzinfo)  # 19:00 in Paris
    site.now = lambda: saturday_evening
    model.tap(decision(ADA, allowed=False, reason=Reason.OUTSIDE_HOURS, at=saturday_evening))
    assert model.state["lines"][1] == "Ouvre lundi à 08:00"
    site.now = lambda: saturday_evening.replace(hour=21)  # 22:00 on Saturday: Sunday is closed too
    model.tap(decision(ADA, allowed=False, reason=Reason.OUTSIDE_HOURS, at=site.now()))
    assert model.state["lines"][1] == "Ouvre lundi à 08:00"


def test_every_refusal_has_a_way_out_sized_for_it(make_ctx, site):
    model = WelcomeModel(make_ctx())
    model.tap(decision(None, allowed=False, reason=Reason.UNKNOWN_CARD))
    assert [(w["action"], w["label"]) for w in model.state["ways"]] == [("pass", "Get a day pass"),
                                                                         ("ok", "OK")]
    assert model.on_screen_ms() == 20_000
    site.config = msgspec.structs.replace(site.config,
        site=msgspec.structs.replace(site.config.site, contact="bonjour@laruche.example"))
    model.tap(decision(ADA, allowed=False, reason=Reason.NOT_ENOUGH_CREDIT))
    ways = model.state["ways"]
    assert [w["action"] for w in ways] == ["topup", "contact", "ok"]
    assert ways[0]["hint"] == "here, in cash"  # the kiosk takes it (this site has no online payment)
    assert model.state["contact"] == "bonjour@laruche.example"
    assert model.state["banner"].startswith("Hello Ada! Access denied. Not enough credit")
    model.tap(decision(ADA))
    assert model.state["ways"] == [] and model.on_screen_ms() == 8_000


def test_a_member_short_of_credit_tops_up_in_the_cash_box(make_ctx, site, screens):
    from access.services import top_ups
    from kiosk.top_up import TopUpModel

    model = TopUpModel(make_ctx())
    model.start(ADA, "Ada", -350)
    assert model.state["balance"] == "Balance now: -€3.50" and model.state["step"] == "amount"
    assert [p["cents"] for p in model.state["presets"]] == [500, 1000, 2000, 5000]
    model.chooseText("0")
    assert model.state["step"] == "amount" and model.state["error"]
    model.chooseText("20")
    assert model.state["step"] == "pay" and model.state["amount"] == "Amount: €20.00"
    assert model.sale_open() is False
    model.cashDone()
    model.cashDone()  # twice: one payment
    assert model.state["step"] == "done" and model.state["doneText"] == (
        "Thank you! €20.00 added. New balance: €20.00")  # Ada's ledger was empty: -3.50 was the tap's
    assert top_ups.balance(site, ADA) == 2000 and model.sale_open() is True
    model.back()
    assert model.state["step"] == "done" and screens.visited == []


def test_a_top_up_paid_online_after_going_back_still_lands_and_is_never_entered_twice(make_ctx, site):
    from access.hub.jobs import HubJobs
    from access.services import top_ups
    from kiosk.top_up import TopUpModel

    provider = FakeProvider(paid_after=None)
    ctx = make_ctx(provider=provider)
    ctx.site.config = msgspec.structs.replace(ctx.site.config,
        kiosk=msgspec.structs.replace(ctx.site.config.kiosk, payment=("cash", "online")))
    model = TopUpModel(ctx)
    model.start(ADA, "Ada", 0)
    model.choose(1000)
    (checkout_id, cents, _), = provider.created
    assert cents == 1000 and model.state["qr"] and model.sale_open() is True
    model.back()
    provider.pay(checkout_id)
    jobs = HubJobs(site, lambda name, run: run())
    jobs.provider = provider
    jobs.confirm_checkouts()  # the hub sees it paid first
    model.online.ask()  # then the screen: it finds the entry the hub made
    assert model.state["step"] == "done" and "New balance: €10.00" in model.state["doneText"]
    assert top_ups.balance(site, ADA) == 1000

EVENING = MORNING.replace(hour=20, minute=30)  # 21:30 in Paris: the door's hours ended at 20:00


def test_a_visitor_who_opens_with_a_code_is_checked_in_and_on_the_roll_call(make_ctx, site):
    from access.services.screens import dashboard, roll_call

    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille Dupont",
                           with_code=True)
    bus = FakeBus()
    model = DoorCodeModel(make_ctx(bus=bus))
    model.submit(sold.code)
    assert dashboard.dashboard(site).count == 0  # not in until the door opened
    bus.node_unlocks(model)
    assert model.state["opened"] is True
    assert [p.member_id for p in dashboard.dashboard(site).present] == [sold.member_id]
    people = roll_call.roll_call(site).people
    assert [(p.name, p.visitor) for p in people] == [("Camille Dupont", True)]
    bus.node_unlocks(model)  # the node's state again (a reconnect): one visit, not two
    assert dashboard.dashboard(site).count == 1


def test_a_code_follows_the_badge_rule_and_says_when_the_door_opens_next(make_ctx, site):
    from access.services import rules

    early = MORNING.replace(hour=6, minute=30)  # 07:30 in Paris: the door opens at 08:00
    site.now = lambda: early
    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille", with_code=True)
    bus = FakeBus(now=site.now)
    model = DoorCodeModel(make_ctx(bus=bus))
    model.submit(sold.code)
    assert model.state["message"] == "The door is closed to your pass: it opens today at 08:00."
    site.now = bus.now = lambda: EVENING
    for _ in range(MAX_TRIES + 1):  # a right code at the wrong hour is not a wrong try
        model.submit(sold.code)
        assert model.state["error"] is True and bus.unlocks == []
    assert model.state["message"] == "Your pass does not open the door any more today."
    badge = rules.door_for(site, sold.member_id, "front-door", EVENING)
    assert badge.decision.reason is Reason.OUTSIDE_HOURS  # the badge's answer: the same


def test_the_pass_says_until_when_its_badge_and_code_open(site):
    from access.services import rules

    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille", with_code=True)
    answer = rules.door_for(site, sold.member_id, "front-door", MORNING)
    assert answer.opening.open_now and answer.opening.change_at == MORNING.replace(hour=19)  # 20:00
    assert sold.valid_until > answer.opening.change_at  # the pass ends at the cut-off, later
    assert day_passes.check_code(site, sold.code).opens_until == answer.opening.change_at


def test_the_roll_call_lists_everyone_inside_by_first_name_until_a_volunteer_taps(make_ctx, site):
    from access.services.members import add_member
    from access.services.visits import record_entry
    from kiosk.roll_call import RollCallModel

    names = [f"Personne{i:02d} Nom-De-Famille-Très-Long{i:02d}" for i in range(29)]
    for index, name in enumerate(names):
        member = add_member(site, name, groups=["members"], plan="monthly",
                            first_day=MORNING.date().replace(day=1))
        record_entry(site, event_id=str(uuid.uuid4()), member_id=member.id, resource="front-door",
                     at=MORNING - timedelta(minutes=index), rule="members-door")
    sold = day_passes.sell(site, cents=0, method=PaymentMethod.CASH, with_code=True)
    record_entry(site, event_id=str(uuid.uuid4()), member_id=sold.member_id, resource="front-door",
                 at=MORNING, rule="visitors-door")
    volunteer = add_member(site, "Vera Volunteer", groups=["volunteers"], plan="monthly",
                           first_day=MORNING.date().replace(day=1))
    model = RollCallModel(make_ctx())
    model.refresh()
    state = model.state
    assert state["title"] == "Fire roll-call: 30 people" and state["made"] == "List made at 09:00"
    assert state["rows"][0]["name"] == "Personne00 N." and state["counted"] == "0 / 30 counted"
    assert f"Visitor no. {sold.member_id}" in [r["name"] for r in state["rows"]]  # they gave no name
    model.tick(state["rows"][0]["id"])
    model.tick(state["rows"][1]["id"])
    model.tick(state["rows"][1]["id"])  # a second tap un-ticks
    assert model.state["counted"] == "1 / 30 counted" and model.state["rows"][0]["ticked"] is True
    model.tap(decision(ADA))  # a member who is not a volunteer: still first names
    assert model.state["rows"][0]["name"] == "Personne00 N." and model.state["fullNames"] is False
    model.tap(decision(volunteer.id))
    assert model.state["rows"][0]["name"] == names[0] and model.state["unlockHint"] == ""
    model.refresh()  # made again: ticks of people still inside stay
    assert model.state["counted"] == "1 / 30 counted"
    model.reset()
    assert model.state["rows"] == [] and model.state["fullNames"] is False


def test_the_day_pass_screen_says_the_door_closes_at_20_not_at_the_cut_off(make_ctx):
    model = DayPassModel(make_ctx())
    model.start()
    assert model.offer is not None and model.offer.valid_until.hour == 3  # 04:00 in Paris
    assert "until 20:00" in model.state["codeHint"]  # and the spare badge's, once bound (below)
    model.choose(500)
    model.cashDone()
    model.credential("card")
    model.card_tapped(decision(None, allowed=False, reason=Reason.UNKNOWN_CARD, card="c" * 64))
    assert "until 20:00" in model.state["cardBound"]


def test_a_member_who_arrives_untrained_is_told_who_inside_can_help(make_ctx, site):
    """Grace (in, on the dashboard, trained on the printer) said she helps with 3D printing:
    Ada, not trained, is told when she arrives; the presence list shows it beside Grace's name.
    Noor, trained too but who said nothing, is never named."""
    from access.services.members import add_member, edit_member
    from access.services.trainings import grant_training
    from access.services.visits import record_entry

    for name, asks in (("Grace Hopper", "3D printing, sewing"), ("Noor Silent", "")):
        member = add_member(site, name, groups=["trainers"], plan="monthly", show_on_dashboard=True,
                            first_day=MORNING.date().replace(day=1))
        grant_training(site, f"#{member.id}", "3d-printing")
        if asks:
            edit_member(site, f"#{member.id}", ask_me_about=f"  {asks},, 3d PRINTING ")
        record_entry(site, event_id=str(uuid.uuid4()), member_id=member.id, resource="front-door",
                     at=MORNING - timedelta(hours=1), rule="members-door")
    model = WelcomeModel(make_ctx())
    model.tap(decision(ADA))
    assert model.state["presence"] == "in"
    assert "Grace is in and can help you with “Prusa MK4” (3D printing, sewing)." in model.state["lines"]
    assert not any("Noor" in line for line in model.state["lines"])
    board = DashboardModel(make_ctx())
    board.refresh()
    assert "Grace Hopper · ask me about: 3D printing, sewing" in board.state["names"]
    assert "Noor Silent" in board.state["names"]


def test_ask_me_about_takes_a_few_short_topics_and_refuses_nonsense(site):
    from access.errors import InvalidInput
    from access.services.members import edit_member, show_member

    for bad in ("x" * 41, "a, b, c, d, e, f", "3D\x1b[2J printing"):
        with pytest.raises(InvalidInput):
            edit_member(site, "ada", ask_me_about=bad)
    assert show_member(site, "ada").ask_me_about == ""  # nothing changed
    edit_member(site, "ada", ask_me_about="sewing")
    edit_member(site, "ada", ask_me_about="")
    assert show_member(site, "ada").ask_me_about == ""


def test_a_refused_tap_on_the_way_out_says_checked_out_not_denied(make_ctx, site):
    from access.services.visits import record_entry

    record_entry(site, event_id=str(uuid.uuid4()), member_id=ADA, resource="front-door", at=MORNING,
                 rule="members-door")
    model = WelcomeModel(make_ctx())
    model.tap(decision(ADA, allowed=False, reason=Reason.OUTSIDE_HOURS, at=EVENING))
    assert model.state["presence"] == "out"
    assert model.state["headline"] == "You are checked out: see you soon!"
    assert model.state["lines"] == ["The door no longer opens at this hour: leave with the exit button."]
    model.tap(decision(2, allowed=False, reason=Reason.OUTSIDE_HOURS, at=EVENING))  # not in: refused
    assert model.state["presence"] == "none" and model.state["headline"] == "Access denied"
def test_a_late_off_site_copy_is_on_the_volunteers_banner_in_both_languages(make_ctx, site):
    """The hub's retained ``hub/backup`` word reaches the dashboard's banner; ok says nothing."""
    from access.bus.schemas import BackupStatus

    language = {"now": "en"}
    ctx = make_ctx()
    ctx.language = lambda: language["now"]
    model = DashboardModel(ctx)
    model.refresh()
    for node in site.config.nodes:
        model.node_status(node, "online")
    checked = site.now()
    model.backup_status(BackupStatus(state="ok", checked_at=checked, last_copy_at=checked,
                                     max_delay_minutes=5))
    assert model.state["offline"] == ""
    model.backup_status(BackupStatus(state="late", checked_at=checked,
                                     last_copy_at=datetime(2026, 12, 2, 19, 40, tzinfo=UTC),
                                     max_delay_minutes=5))
    assert model.state["offline"] == "Copy of the data off the Pi is late (last one: 20:40). Tell an admin."
    language["now"] = "fr"
    model.render()
    assert "hors du Pi en retard" in model.state["offline"] and "20:40" in model.state["offline"]
    model.backup_status(BackupStatus(state="unreachable", checked_at=checked, max_delay_minutes=5))
    assert "injoignable" in model.state["offline"]
    # The hub stopped saying anything: its last "ok" is no news after the allowed delay.
    long_ago = site.now() - timedelta(minutes=30)
    model.backup_status(BackupStatus(state="ok", checked_at=long_ago, last_copy_at=long_ago,
                                     max_delay_minutes=5))
    assert "hors du Pi en retard" in model.state["offline"]
def test_a_visitor_who_gave_no_name_is_not_called_visitor_on_a_french_screen(make_ctx, site):
    sold = day_passes.sell(site, cents=0, method=PaymentMethod.CASH, name="", with_code=False)
    model = WelcomeModel(make_ctx(language="fr"))
    model.tap(decision(sold.member_id))
    assert model.state["title"] == "Bonjour\u00a0!"
    assert "Visitor" not in " ".join([model.state["title"], *model.state["lines"]])


def test_one_day_left_is_singular(make_ctx):
    from dataclasses import replace

    from kiosk.screenshots import sample_welcome

    ctx = make_ctx(language="en")
    model = WelcomeModel(ctx)
    model._show(replace(sample_welcome(ctx.site), days_left=1, plan_label="Desk membership"))
    line = model.state["lines"][0]
    assert line.endswith("(1 day)") and line.startswith("Desk membership")


def test_the_done_screen_opens_by_the_passs_rule_and_checks_the_visitor_in(make_ctx, site):
    from sqlalchemy import select

    bus = FakeBus()
    model = DayPassModel(make_ctx(bus=bus))
    model.start()
    model.choose(500)
    model.cashDone()
    assert len(bus.unlocks) == 1
    bus.node_unlocks(model)
    assert model.state["door"] == "opened"
    with site.store.read() as session:  # in the count, the dashboard and the roll-call, like a code
        entered = session.scalars(select(AccessEvent.member_id).where(AccessEvent.allowed.is_(True))).all()
    assert entered == [model.sold.member_id]
    evening = MORNING + timedelta(hours=12)  # 21:00 in Paris: the day-pass door closed at 20:00
    site.now = lambda: evening
    model.start()
    assert model.state["shutNow"] == ("The door is closed: it opens tomorrow at 08:00. "  # said first
                                      "Your pass will be valid tomorrow, from 08:00 to 20:00.")
    model.choose(500)
    model.cashDone()
    assert model.sold is not None and len(bus.unlocks) == 1  # sold for tomorrow: the door stays shut
    assert model.state["door"] == "later"
    assert model.state["doorText"] == "The door is closed: it opens tomorrow at 08:00."


def test_a_nameless_day_pass_receipt_says_visiteur_in_french(make_ctx):
    model = DayPassModel(make_ctx(language="fr"))
    model.start()
    model.chooseText("5")
    model.cashDone()  # paid: the done screen; the name is optional and not given
    assert model.sold is not None and model.state["step"] == "done"
    assert any(line.startswith("Visiteur·se — pass journée") for line in model.state["receipt"])
    assert "Visitor" not in " ".join(model.state["receipt"])


def test_a_visitor_whose_pass_is_tomorrows_is_told_when_it_opens_not_sold_another(make_ctx, site):
    evening = MORNING + timedelta(hours=12)  # 21:00 in Paris, a Wednesday: closed since 20:00
    site.now = lambda: evening
    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille")
    model = WelcomeModel(make_ctx(language="fr"))
    model.tap(decision(sold.member_id, allowed=False, reason=Reason.MEMBERSHIP_NOT_STARTED, at=evening))
    assert model.state["lines"] == ["Votre pass journée ouvre la porte demain à 08:00."]
    assert [w["action"] for w in model.state["ways"]] == ["ok"]  # no second pass to buy


def test_a_visitor_let_in_reads_until_when_the_door_opens_for_the_pass_not_the_cut_off(make_ctx, site):
    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille")
    model = WelcomeModel(make_ctx(language="fr"))
    model.tap(decision(sold.member_id))  # 09:00 on a Wednesday: open until 20:00, the pass until 04:00
    assert "Pass journée jusqu'à 20:00" in model.state["lines"]
