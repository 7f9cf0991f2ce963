"""Each screen's view-model after an action: the state map its QML reads, with no QML and no broker."""

import time
import uuid
from datetime import timedelta

from PySide6.QtCore import QCoreApplication

from access.bus.schemas import DecisionEvent, ResourceState
from access.domain.decide import Reason
from access.payments.fake import FakeProvider
from access.services import day_passes
from access.services.ledger import PaymentMethod
from access.store.models import AccessEvent
from kiosk import door_code
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


def test_a_member_who_taps_is_welcomed_by_first_name_and_shown_the_welcome(make_ctx, screens):
    model = WelcomeModel(make_ctx())
    model.tap(decision(ADA))
    state = model.state
    assert screens.visited == ["welcome"]
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


def test_a_day_pass_paid_cash_with_a_code_ends_on_its_receipt(make_ctx):
    model = DayPassModel(make_ctx())
    model.start()
    assert model.state["step"] == "name" and model.state["suggested"] == "Suggested price: €10.00"
    assert [p["cents"] for p in model.state["presets"]] == [0, 500, 1000, 1500, 2000]
    model.setName("  Camille ")
    assert model.state["step"] == "amount" and model.state["name"] == "Camille"
    model.chooseText("7,00")  # one payment method (cash): straight to the cash box
    assert model.state["step"] == "cash" and "€7.00" in model.state["cashHint"]
    model.cashDone()  # two credentials (card, code): the visitor chooses
    assert model.state["step"] == "credential" and model.sold is not None
    model.credential("code")
    state = model.state
    assert state["step"] == "receipt" and len(state["code"]) == 6 and state["code"].isdigit()
    assert any("€7.00" in line for line in state["receipt"]) and state["canEmail"] is False
    assert state["error"] == ""


def test_an_amount_under_the_floor_is_refused_and_a_free_pass_needs_no_payment(make_ctx, site):
    model = DayPassModel(make_ctx())
    model.start()
    model.setName("Noa")
    model.chooseText("douze")
    assert model.state["step"] == "amount" and model.state["error"]
    model.choose(0)  # pay what you can, nothing included: sold at once, no cash box
    assert model.state["step"] == "credential" and model.sold is not None and model.sold.cents == 0


def test_a_day_pass_paid_online_is_sold_once_the_provider_says_paid(make_ctx):
    provider = FakeProvider(paid_after=2)
    site_ctx = make_ctx(provider=provider)
    config = site_ctx.site.config
    site_ctx.site.config = config.model_copy(update={"kiosk": config.kiosk.model_copy(
        update={"payment": ("cash", "online"), "credential": ("code",)})})
    model = DayPassModel(site_ctx)
    model.start()
    model.setName("Camille")
    model.choose(1500)
    assert model.state["step"] == "method" and model.state["methods"] == ["cash", "online"]
    model.pay("online")
    assert model.state["step"] == "online" and model.state["qr"].startswith("data:image/png;base64,")
    model._poll()  # what the poll timer does every 2 s
    assert model.sold is None
    model._poll()
    model.poll.stop()
    assert model.sold is not None and model.sold.method == "online"
    assert model.state["step"] == "receipt" and model.state["code"]


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
    monkeypatch.setattr(door_code, "CONFIRM_S", 0.05)
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
    model.sortBy("arrival")
    assert model.state["sort"] == "arrival"


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
    assert model.state["lines"][0].endswith("(1 day)") and model.state["lines"][0].startswith("Desk membership")
