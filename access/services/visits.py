"""Visits (check-in, check-out) kept in step with the taps at the check-in door.

Each allowed tap at a ``checkin`` resource rebuilds that member's visits for that service
day from all of the day's taps (``access.domain.visits.pair_taps``): a few rows, and the
result does not depend on the order the taps arrived in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.domain.schedule import SiteClock
from access.domain.visits import Tap, pair_taps
from access.store.models import AccessEvent, Visit


@dataclass(frozen=True)
class VisitPolicy:
    clock: SiteClock
    checkin_resources: frozenset[str]
    guard: timedelta


def rebuild_day(session: Session, policy: VisitPolicy, member_id: int, day: date, now: datetime) -> None:
    """Make ``member_id``'s visits of ``day`` match the allowed check-in taps of that day."""
    start, end = policy.clock.day_start(day), policy.clock.day_end(day)
    taps = [Tap(ts, event_id) for ts, event_id in session.execute(
        select(AccessEvent.ts, AccessEvent.event_id).where(
            AccessEvent.member_id == member_id, AccessEvent.allowed.is_(True),
            AccessEvent.resource.in_(policy.checkin_resources),
            AccessEvent.ts >= start, AccessEvent.ts < end))]
    stays = pair_taps(taps, day_end=end, now=now, guard=policy.guard)
    existing = list(session.scalars(
        select(Visit).where(Visit.member_id == member_id, Visit.service_day == day,
                            Visit.in_event_id.is_not(None)).order_by(Visit.checked_in_at, Visit.id)))
    if any(visit.in_event_id != stay.checked_in.event_id for visit, stay in zip(existing, stays)):
        # Taps were re-paired (one arrived late): free the unique event ids before reassigning.
        for visit in existing:
            visit.in_event_id = visit.out_event_id = None
        session.flush()
    for index, stay in enumerate(stays):
        visit = existing[index] if index < len(existing) else None
        if visit is None:
            visit = Visit(member_id=member_id, service_day=day)
            session.add(visit)
        visit.checked_in_at = stay.checked_in.at
        visit.in_event_id = stay.checked_in.event_id
        visit.checked_out_at = stay.out_at
        visit.out_event_id = stay.checked_out.event_id if stay.checked_out else None
        visit.auto_checked_out = stay.checked_out is None and stay.auto_out_at is not None
    for extra in existing[len(stays):]:
        session.delete(extra)
    session.flush()


def close_ended_days(session: Session, clock: SiteClock, now: datetime) -> int:
    """Check out, at its day's cut-off, everyone still in from a day that has ended.

    Idempotent: the cut-off job runs it, and so does the hub at start (it may have been
    down at the cut-off).
    """
    today = clock.service_day(now)
    closed = 0
    for visit in session.scalars(select(Visit).where(Visit.checked_out_at.is_(None),
                                                     Visit.service_day < today)):
        visit.checked_out_at = clock.day_end(visit.service_day)
        visit.auto_checked_out = True
        closed += 1
    return closed
