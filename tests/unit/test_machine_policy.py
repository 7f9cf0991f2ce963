"""The machine's policy, pure: every outcome of a tap and of the clock, without a broker."""

from dataclasses import replace
from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from access.domain.decide import Reason, decide
from access.domain.machine import (
    BackInService,
    End,
    Extend,
    Induct,
    Refuse,
    Start,
    TrainingWindow,
    Warn,
    on_tap,
    on_time,
)
from access.domain.machine_session import MachineSession
from access.domain.ruleset import GroupDef, PlanDef, PlanPeriod, ResourceDef, ResourceKind, RuleDef, RuleSet
from access.domain.schedule import SiteClock
from access.domain.snapshot import CardView, MembershipWindow, MemberView, Snapshot

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)  # a Wednesday
PRINTER = ResourceDef("3d-printer", ResourceKind.MACHINE, "printer", skill="3d-printing",
                      max_session_minutes=60, warn_minutes=5)
RULES = RuleSet(
    groups=(GroupDef("members"), GroupDef("trainers", can_train=True),
            GroupDef("fixers", maintainer=True), GroupDef("admins", break_glass=True)),
    plans=(PlanDef("monthly", PlanPeriod.MONTH, price_cents=10000),),
    resources=(PRINTER,),
    rules=(RuleDef("makers", ("3d-printer",), groups=("members",)),),
)
PAID = (MembershipWindow("monthly", NOW - timedelta(days=5), NOW + timedelta(days=25)),)
TRAINED = {"3d-printing": None}
ADA = MemberView(1, "Ada", frozenset({"members"}), PAID, TRAINED)
BOB = MemberView(2, "Bob", frozenset({"members"}), PAID)  # not trained
TESS = MemberView(3, "Tess Trainer", frozenset({"members", "trainers"}), PAID, TRAINED)
FIXER = MemberView(4, "Finn Fixer", frozenset({"members", "fixers"}), PAID, TRAINED)
KIM = MemberView(5, "Kim Keyholder", frozenset({"admins"}))
SAM = MemberView(6, "Sam", frozenset({"members"}), PAID, suspended=True)
MEMBERS = (ADA, BOB, TESS, FIXER, KIM, SAM)
WINDOW_S = 30.0


def snapshot(*, out_of_service: bool = False) -> Snapshot:
    return Snapshot.build(version=1, clock=SiteClock("Europe/Paris", time(4, 0)), rules=RULES,
                          members=MEMBERS, cards={f"card-{m.id}": CardView(m.id) for m in MEMBERS},
                          out_of_service=("3d-printer",) if out_of_service else ())


def session_of(member: MemberView, *, started: datetime = NOW) -> MachineSession:
    return MachineSession.begin(UUID(int=member.id), "3d-printer", member.id, started, 60, 5)


def tap(member: MemberView | None, *, at: datetime = NOW, session: MachineSession | None = None,
        window: TrainingWindow | None = None, snap: Snapshot | None = None):
    snap = snap or snapshot()
    card = f"card-{member.id}" if member else "card-unknown"
    decision = decide(card, "3d-printer", at, snap, occupant=session.member_id if session else None)
    return on_tap(resource=PRINTER, snapshot=snap, session=session,
                  holder_id=member.id if member else None, decision=decision, now=at,
                  window=window, window_seconds=WINDOW_S)


def test_a_trained_member_starts_an_idle_machine():
    assert tap(ADA) == Start(1, window=None)


def test_a_trainers_start_opens_an_induction_window():
    assert tap(TESS) == Start(3, TrainingWindow(3, "3d-printing", NOW + timedelta(seconds=WINDOW_S)))


def test_the_occupants_tap_ends_the_session_before_the_warning():
    assert tap(ADA, at=NOW + timedelta(minutes=10), session=session_of(ADA)) == End("tap")


def test_the_occupants_tap_during_the_warning_extends_by_a_full_period():
    assert tap(ADA, at=NOW + timedelta(minutes=57), session=session_of(ADA)) == Extend(60)


def test_the_occupant_whose_tap_is_refused_now_can_still_end_the_session():
    suspended = session_of(SAM)
    assert tap(SAM, at=NOW + timedelta(minutes=57), session=suspended) == End("tap")


def test_someone_else_is_refused_while_the_machine_runs():
    assert tap(FIXER, session=session_of(ADA)) == Refuse(Reason.MACHINE_IN_USE)


def test_a_keyholder_does_not_take_a_running_machine():
    assert tap(KIM, session=session_of(ADA)) == Refuse(Reason.MACHINE_IN_USE)


def test_an_untrained_member_is_refused_with_the_deciders_reason():
    assert tap(BOB) == Refuse(Reason.TRAINING_REQUIRED)


def test_an_unknown_card_is_refused():
    assert tap(None) == Refuse(Reason.UNKNOWN_CARD)


@pytest.fixture
def window():
    return TrainingWindow(3, "3d-printing", NOW + timedelta(seconds=WINDOW_S))


def test_an_untrained_members_tap_in_the_window_inducts_them(window):
    assert tap(BOB, session=session_of(TESS), window=window) == Induct(2, "3d-printing", 3)


def test_the_window_closes_at_its_end(window):
    late = NOW + timedelta(seconds=WINDOW_S + 1)
    assert tap(BOB, at=late, session=session_of(TESS), window=window) == Refuse(Reason.MACHINE_IN_USE)


@pytest.mark.parametrize("member", [ADA, SAM, TESS], ids=["already-trained", "suspended", "trainer"])
def test_no_induction_for_the_trained_the_suspended_or_the_trainer(window, member):
    assert not isinstance(tap(member, session=session_of(TESS), window=window), Induct)


def test_a_maintainers_tap_puts_a_machine_back_in_service_without_a_session():
    assert tap(FIXER, snap=snapshot(out_of_service=True)) == BackInService(4)


def test_a_keyholder_is_no_maintainer_and_starts_even_out_of_service():
    assert tap(KIM, snap=snapshot(out_of_service=True)) == Start(5)


def test_a_member_is_refused_on_a_machine_out_of_service():
    assert tap(ADA, snap=snapshot(out_of_service=True)) == Refuse(Reason.OUT_OF_SERVICE)


def test_the_clock_does_nothing_without_a_session_or_before_the_warning():
    assert on_time(None, NOW) is None
    assert on_time(session_of(ADA), NOW + timedelta(minutes=54)) is None


def test_the_clock_warns_once_then_ends_the_session_at_its_deadline():
    session = session_of(ADA)
    assert on_time(session, NOW + timedelta(minutes=55)) == Warn()
    warned = replace(session, warned=True)
    assert on_time(warned, NOW + timedelta(minutes=56)) is None
    assert on_time(warned, NOW + timedelta(minutes=60)) == End("timeout")


def test_a_session_without_a_maximum_never_times_out():
    endless = MachineSession.begin(UUID(int=9), "3d-printer", 1, NOW, None, 5)
    assert on_time(endless, NOW + timedelta(days=3)) is None


def test_a_card_read_never_shows_its_uid_in_a_log_line():
    from access.node.events import CardRead

    assert "04A1B2C3" not in repr(CardRead("04A1B2C3", 1.5))
