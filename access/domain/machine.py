"""What a tap, or the clock, does at a machine: the machine's policy, pure.

The node loads what it knows (the snapshot, the running session, an open induction window),
calls :func:`on_tap` or :func:`on_time`, and applies the outcome: relay, feedback, messages.
No I/O here, so every rule is tested in microseconds.

The rules, in the order they are tried for a tap:

1. the occupant's tap extends the session during its warning (if the tap would be allowed
   now) and ends it otherwise: the occupant can always stop their own job;
2. in a trainer's induction window, an untrained member's tap inducts them;
3. on an out-of-service machine, a maintainer's tap only puts it back (no session, even for a
   keyholder);
4. an allowed tap on an idle machine starts a session (a trainer's start opens a window);
5. anything else is refused.

>>> from datetime import UTC, datetime
>>> from uuid import UUID
>>> now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
>>> session = MachineSession.begin(UUID(int=1), "3d-printer", 7, now, 60, 5)
>>> on_time(session, now)
>>> on_time(session, session.deadline)
End(reason='timeout')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from access.domain.decide import Decision, Reason
from access.domain.machine_session import MachineSession
from access.domain.ruleset import ResourceDef
from access.domain.snapshot import Snapshot

SessionAction = Literal["start", "extend", "stop"]
EndReason = Literal["tap", "timeout", "out_of_service", "admin", "power_lost"]
"""``power_lost``: the node found the relay off at start-up (keeper restarted, Pi rebooted)."""
ServiceSource = Literal["button", "maintainer", "admin"]


@dataclass(frozen=True, slots=True)
class TrainingWindow:
    """A trainer started the machine: the next untrained member's tap before ``until`` is
    inducted on ``skill``."""

    trainer_id: int
    skill: str
    until: datetime

    def open_at(self, now: datetime) -> bool:
        return now <= self.until


@dataclass(frozen=True, slots=True)
class Start:
    """Power on and begin a session for ``member_id``; ``window``: they may induct someone."""

    member_id: int
    window: TrainingWindow | None = None


@dataclass(frozen=True, slots=True)
class Extend:
    """The occupant's tap during the warning: another ``minutes`` from now."""

    minutes: int


@dataclass(frozen=True, slots=True)
class End:
    reason: EndReason


@dataclass(frozen=True, slots=True)
class Induct:
    """Record that ``trainer_id`` trained ``member_id`` on ``skill``; the window closes."""

    member_id: int
    skill: str
    trainer_id: int


@dataclass(frozen=True, slots=True)
class BackInService:
    """A maintainer's tap put the machine back in service."""

    member_id: int


@dataclass(frozen=True, slots=True)
class Refuse:
    reason: Reason


@dataclass(frozen=True, slots=True)
class Warn:
    """The session entered its warning period: tell the occupant (once)."""


TapOutcome = Start | Extend | End | Induct | BackInService | Refuse
TimeOutcome = End | Warn | None


def on_tap(*, resource: ResourceDef, snapshot: Snapshot, session: MachineSession | None,
           holder_id: int | None, decision: Decision, now: datetime,
           window: TrainingWindow | None, window_seconds: float) -> TapOutcome:
    """What a tap by the member ``holder_id`` (None: an unknown card) does at ``resource``.

    ``decision`` is :func:`access.domain.decide.decide` for this tap, with the session's member
    as the occupant; ``window_seconds`` is how long a trainer's start stays open to a trainee.
    """
    if session is not None and holder_id == session.member_id:
        if session.in_warning(now) and resource.max_session_minutes and decision.allowed:
            return Extend(resource.max_session_minutes)
        return End("tap")
    if (induct := _induction(window, snapshot, holder_id, now)) is not None:
        return induct
    if resource.name in snapshot.out_of_service and holder_id is not None \
            and _is_maintainer(snapshot, holder_id):
        return BackInService(holder_id)
    if decision.allowed and session is None and holder_id is not None:
        return Start(holder_id, _window_for(snapshot, resource, holder_id, now, window_seconds))
    return Refuse(Reason.MACHINE_IN_USE if decision.allowed else decision.reason)


def on_time(session: MachineSession | None, now: datetime) -> TimeOutcome:
    """What the clock does to a running session: its end at the deadline, the warning before."""
    if session is None:
        return None
    if session.deadline is not None and now >= session.deadline:
        return End("timeout")
    if session.in_warning(now) and not session.warned:
        return Warn()
    return None


def _induction(window: TrainingWindow | None, snapshot: Snapshot, holder_id: int | None,
               now: datetime) -> Induct | None:
    if window is None or holder_id is None or not window.open_at(now):
        return None
    member = snapshot.members.get(holder_id)
    if member is None or holder_id == window.trainer_id or member.suspended \
            or member.trained(window.skill, now):
        return None
    return Induct(holder_id, window.skill, window.trainer_id)


def _is_maintainer(snapshot: Snapshot, member_id: int) -> bool:
    member = snapshot.members.get(member_id)
    return member is not None and snapshot.is_maintainer(member)


def _window_for(snapshot: Snapshot, resource: ResourceDef, member_id: int, now: datetime,
                seconds: float) -> TrainingWindow | None:
    member = snapshot.members.get(member_id)
    skill = resource.skill
    if member is None or not skill or not snapshot.can_train(member, skill, now):
        return None
    return TrainingWindow(member_id, skill, now + timedelta(seconds=seconds))
