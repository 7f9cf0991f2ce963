"""Check-in pairing and what each node's snapshot holds: pure functions, no database."""

from datetime import UTC, datetime, timedelta

from access.domain.pricing import Pricing
from access.domain.ruleset import ResourceDef, ResourceKind, RuleSet
from access.domain.snapshot import CardView, MembershipWindow, MemberView
from access.domain.visits import Tap, pair_taps
from access.services.node_snapshots import trim_for_node
from access.services.snapshot import SnapshotParts

T0 = datetime(2026, 11, 18, 8, tzinfo=UTC)
END = datetime(2026, 11, 19, 3, tzinfo=UTC)


def taps(*hours: float) -> list[Tap]:
    return [Tap(T0 + timedelta(hours=h), f"e{i}") for i, h in enumerate(hours)]


def test_taps_pair_in_time_order_whatever_the_arrival_order():
    stays = pair_taps(list(reversed(taps(0, 3, 5, 9))), day_end=END, now=T0)
    assert [(s.checked_in.at, s.out_at) for s in stays] == [
        (T0, T0 + timedelta(hours=3)), (T0 + timedelta(hours=5), T0 + timedelta(hours=9))]


def test_a_double_tap_does_not_check_out():
    stays = pair_taps(taps(0, 0.01, 4), day_end=END, now=T0)
    assert [(s.checked_in.event_id, s.checked_out.event_id if s.checked_out else None)
            for s in stays] == [("e0", "e2")]


def test_an_open_stay_closes_at_the_cut_off_only_once_the_day_is_over():
    assert pair_taps(taps(0), day_end=END, now=T0 + timedelta(hours=1))[0].out_at is None
    stay = pair_taps(taps(0), day_end=END, now=END)[0]
    assert (stay.out_at, stay.checked_out) == (END, None)


def test_no_taps_no_stays():
    assert pair_taps([], day_end=END, now=END) == []


RULES = RuleSet(resources=(
    ResourceDef("front-door", ResourceKind.DOOR, "entrance", checkin=True),
    ResourceDef("3d-printer", ResourceKind.MACHINE, "printer", skill="3d-printing",
                pricing=Pricing(hourly_cents=200)),
    ResourceDef("sewing-machine", ResourceKind.MACHINE, "sewing", skill="sewing"),
))
NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
ADA = MemberView(1, "Ada", frozenset({"members"}), (
    MembershipWindow("monthly", NOW - timedelta(days=90), NOW - timedelta(days=60)),
    MembershipWindow("monthly", NOW - timedelta(days=60), NOW - timedelta(days=30)),
    MembershipWindow("monthly", NOW - timedelta(days=30), NOW + timedelta(days=1)),
), {"3d-printing": None, "sewing": None}, balance_cents=-300)
NO_CARD = MemberView(2, "Nobody", frozenset({"members"}))
PARTS = SnapshotParts([ADA, NO_CARD], {"ab" * 32: CardView(1)}, ["3d-printer", "sewing-machine"])


def test_a_node_gets_its_skills_its_service_flags_and_only_card_holders():
    printer = trim_for_node(PARTS, RULES, "printer", NOW)
    assert [m.id for m in printer.members] == [1]
    ada = printer.members[0]
    assert ada.trainings == {"3d-printing": None}
    assert ada.balance_cents == -300  # a priced machine needs the balance
    assert printer.out_of_service == ["3d-printer"]
    assert printer.cards == PARTS.cards


def test_a_node_without_priced_machines_does_not_get_balances():
    door = trim_for_node(PARTS, RULES, "entrance", NOW)
    assert door.members[0].balance_cents == 0
    assert door.members[0].trainings == {}
    assert door.out_of_service == []


def test_only_the_current_membership_and_the_last_ended_one_travel():
    door = trim_for_node(PARTS, RULES, "entrance", NOW)
    assert [w.valid_from for w in door.members[0].memberships] == [
        NOW - timedelta(days=30), NOW - timedelta(days=60)]
