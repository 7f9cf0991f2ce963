import dataclasses
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from access.domain.cards import CardStatus
from access.domain.decide import BREAK_GLASS_RULE, Reason, decide
from access.domain.pricing import Pricing
from access.domain.ruleset import (
    GroupDef,
    PlanDef,
    PlanPeriod,
    ResourceDef,
    ResourceKind,
    RuleDef,
    RuleSet,
    ScheduleDef,
)
from access.domain.schedule import SiteClock
from access.domain.snapshot import CardView, MembershipWindow, MemberView, Snapshot

PARIS = ZoneInfo("Europe/Paris")
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=PARIS)
MONDAY_NIGHT = datetime(2026, 11, 23, 22, 0, tzinfo=PARIS)
CLOCK = SiteClock("Europe/Paris", time(4, 0))

RULES = RuleSet(
    groups=(
        GroupDef("members"),
        GroupDef("volunteers"),
        GroupDef("admins", break_glass=True),
    ),
    plans=(PlanDef("monthly", PlanPeriod.MONTH, price_cents=10000),
           PlanDef("day-pass", PlanPeriod.DAY, suggested_cents=1000)),
    resources=(
        ResourceDef("front-door", ResourceKind.DOOR, "entrance", checkin=True),
        ResourceDef("3d-printer", ResourceKind.MACHINE, "printer", skill="3d-printing",
                    pricing=Pricing(hourly_cents=200)),
        ResourceDef("sewing-machine", ResourceKind.MACHINE, "sewing"),
    ),
    schedules=(ScheduleDef("opening-hours", ("Mon-Fri 08:00-20:00",)),),
    rules=(
        RuleDef("members-door", ("front-door",), groups=("members",), schedule="opening-hours"),
        RuleDef("visitors-door", ("front-door",), plans=("day-pass",), schedule="opening-hours"),
        RuleDef("makers", ("3d-printer", "sewing-machine"), groups=("members",)),
    ),
)


def membership(plan: str = "monthly", days_left: int = 30) -> MembershipWindow:
    return MembershipWindow(plan, MONDAY_NOON - timedelta(days=5),
                            MONDAY_NOON + timedelta(days=days_left))


ADA = MemberView(1, "Ada Lovelace", frozenset({"members"}), (membership(),),
                 {"3d-printing": None}, balance_cents=500)
BOB = MemberView(2, "Bob Martin", frozenset({"members"}), (membership(),), {})
EXPIRED = MemberView(3, "Eve Expired", frozenset({"members"}), (membership(days_left=-2),))
SUSPENDED = MemberView(4, "Sam Suspended", frozenset({"members"}), (membership(),), suspended=True)
KEYHOLDER = MemberView(5, "Kim Keyholder", frozenset({"admins"}))
BROKE = MemberView(7, "Bea Broke", frozenset({"members"}), (membership(),),
                   {"3d-printing": None}, balance_cents=-2000)
STALE_TRAINING = MemberView(8, "Sid Stale", frozenset({"members"}), (membership(),),
                            {"3d-printing": MONDAY_NOON - timedelta(days=1)})
VISITOR = MemberView(6, "Vic Visitor", frozenset(),
                     (MembershipWindow("day-pass", MONDAY_NOON - timedelta(hours=2),
                                       CLOCK.end_of_today(MONDAY_NOON)),))
EARLY = MemberView(9, "Noa Early", frozenset({"members"}),
                   (membership(days_left=-40),
                    MembershipWindow("monthly", MONDAY_NOON + timedelta(days=3),
                                     MONDAY_NOON + timedelta(days=33))))

MEMBERS = (ADA, BOB, EXPIRED, SUSPENDED, KEYHOLDER, VISITOR, BROKE, STALE_TRAINING, EARLY)
CARDS = {f"card-{m.id}": CardView(m.id) for m in MEMBERS} | {
    "card-lost": CardView(1, CardStatus.LOST),
    "card-revoked": CardView(2, CardStatus.REVOKED),
}


def snapshot(**overrides) -> Snapshot:
    arguments = dict(version=1, clock=CLOCK, rules=RULES, members=MEMBERS, cards=CARDS,
                     credit_floor_cents=-1000)
    arguments.update(overrides)
    return Snapshot.build(**arguments)


SNAP = snapshot()


def test_member_with_valid_plan_is_allowed_at_door_during_opening_hours():
    decision = decide("card-1", "front-door", MONDAY_NOON, SNAP)
    assert decision.allowed
    assert decision.reason is Reason.ALLOWED
    assert decision.rule == "members-door"
    assert decision.member_name == "Ada Lovelace"
    assert decision.until == MONDAY_NOON + timedelta(days=30)


def test_unknown_card_is_denied():
    decision = decide("nobody", "front-door", MONDAY_NOON, SNAP)
    assert (decision.allowed, decision.reason, decision.member_id) == (False, Reason.UNKNOWN_CARD, None)


@pytest.mark.parametrize(("card", "status"), [("card-lost", CardStatus.LOST),
                                              ("card-revoked", CardStatus.REVOKED)])
def test_lost_or_revoked_card_is_denied(card, status):
    decision = decide(card, "front-door", MONDAY_NOON, SNAP)
    assert decision.reason is Reason.CARD_REVOKED
    assert decision.card_status is status
    assert not decision.allowed


def test_suspended_member_is_denied_even_with_a_valid_plan():
    assert decide("card-4", "front-door", MONDAY_NOON, SNAP).reason is Reason.MEMBER_SUSPENDED


def test_member_with_expired_plan_is_denied_at_door_and_told_when_it_ended():
    decision = decide("card-3", "front-door", MONDAY_NOON, SNAP)
    assert decision.reason is Reason.MEMBERSHIP_EXPIRED
    assert decision.until == MONDAY_NOON - timedelta(days=2)


def test_member_whose_membership_starts_later_is_told_when_not_that_it_ended():
    # paid ahead after a gap: the coming start matters more than the old end
    decision = decide("card-9", "front-door", MONDAY_NOON, SNAP)
    assert decision.reason is Reason.MEMBERSHIP_NOT_STARTED
    assert decision.until == MONDAY_NOON + timedelta(days=3)
    assert decide("card-9", "front-door", MONDAY_NOON + timedelta(days=3), SNAP).allowed


def test_member_is_denied_outside_opening_hours_with_the_rule_named():
    decision = decide("card-1", "front-door", MONDAY_NIGHT, SNAP)
    assert decision.reason is Reason.OUTSIDE_HOURS
    assert decision.rule == "members-door"


def test_untrained_member_is_denied_at_the_printer():
    decision = decide("card-2", "3d-printer", MONDAY_NOON, SNAP)
    assert decision.reason is Reason.TRAINING_REQUIRED
    assert decision.skill == "3d-printing"


def test_expired_training_counts_as_no_training():
    assert decide("card-8", "3d-printer", MONDAY_NOON, SNAP).reason is Reason.TRAINING_REQUIRED


def test_member_below_credit_floor_is_denied_at_a_priced_machine_but_not_a_free_one():
    decision = decide("card-7", "3d-printer", MONDAY_NOON, SNAP)
    assert decision.reason is Reason.NOT_ENOUGH_CREDIT
    assert (decision.balance_cents, decision.floor_cents) == (-2000, -1000)
    assert decide("card-7", "sewing-machine", MONDAY_NOON, SNAP).allowed
    assert decide("card-7", "front-door", MONDAY_NOON, SNAP).allowed


def test_trained_member_in_credit_is_allowed_at_the_printer_at_night_with_an_always_rule():
    assert decide("card-1", "3d-printer", MONDAY_NIGHT, SNAP).allowed


def test_machine_in_use_by_someone_else_is_denied_but_the_occupant_is_allowed():
    other = decide("card-1", "sewing-machine", MONDAY_NOON, SNAP, occupant=BOB.id)
    assert other.reason is Reason.MACHINE_IN_USE
    assert other.occupant_id == BOB.id
    assert decide("card-2", "sewing-machine", MONDAY_NOON, SNAP, occupant=BOB.id).allowed


def test_doors_ignore_occupancy():
    assert decide("card-1", "front-door", MONDAY_NOON, SNAP, occupant=BOB.id).allowed


def test_out_of_service_machine_is_denied():
    snap = snapshot(out_of_service=["3d-printer"])
    assert decide("card-1", "3d-printer", MONDAY_NOON, snap).reason is Reason.OUT_OF_SERVICE


def test_day_pass_opens_the_door_until_the_cutoff_but_not_the_machines():
    assert decide("card-6", "front-door", MONDAY_NOON, SNAP).rule == "visitors-door"
    assert decide("card-6", "3d-printer", MONDAY_NOON, SNAP).reason is Reason.NO_ACCESS
    after_cutoff = CLOCK.end_of_today(MONDAY_NOON)
    assert decide("card-6", "front-door", after_cutoff, SNAP).reason is Reason.MEMBERSHIP_EXPIRED


def test_break_glass_card_always_opens_even_out_of_hours_and_out_of_service():
    snap = snapshot(out_of_service=["front-door"])
    decision = decide("card-5", "front-door", MONDAY_NIGHT, snap)
    assert decision.allowed
    assert decision.rule == BREAK_GLASS_RULE


def test_break_glass_never_takes_a_machine_from_its_occupant():
    decision = decide("card-5", "3d-printer", MONDAY_NOON, SNAP, occupant=ADA.id)
    assert decision.reason is Reason.MACHINE_IN_USE


def test_unknown_resource_is_its_own_reason():
    assert decide("card-1", "laser", MONDAY_NOON, SNAP).reason is Reason.UNKNOWN_RESOURCE


def test_a_holiday_is_named_not_called_outside_hours():
    # A Friday at 14:00: the hours would be open; the holiday closes them.
    christmas = datetime(2026, 11, 27, 14, 0, tzinfo=PARIS)
    snap = snapshot(rules=dataclasses.replace(RULES, holidays=(christmas.date(),)))
    decision = decide("card-1", "front-door", christmas, snap)
    assert (decision.reason, decision.rule, decision.closed_on) == (
        Reason.HOLIDAY, "members-door", christmas.date())
    # The evening after is closed by the hours, holiday or not.
    evening = decide("card-1", "front-door", christmas.replace(hour=22), snap)
    assert evening.reason is Reason.OUTSIDE_HOURS


def test_every_reason_is_reachable_from_these_tests():
    # The closed set of reasons stays closed: a new one needs a test above.
    assert {r.value for r in Reason} == {
        "allowed", "unknown_card", "card_revoked", "member_suspended", "membership_expired",
        "membership_not_started",
        "no_access", "outside_hours", "holiday", "training_required", "not_enough_credit",
        "machine_in_use", "out_of_service", "unknown_resource",
    }
