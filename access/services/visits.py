"""Visits (check-in, check-out) kept in step with the taps at the check-in door.

Every decision a node reports is kept as it happened (``record_decisions``, a handler of the
hub's intake). Each tap by a known member at a ``checkin`` resource rebuilds that member's visits
for that service day from all of the day's taps, a refused one only checking out
(``access.domain.visits.pair_taps``): a few rows, and the
result does not depend on the order the taps arrived in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from access.domain.events import AccessDecided
from access.domain.schedule import SiteClock
from access.domain.visits import Tap, pair_taps
from access.services.context import EventContext, Site
from access.services.rules import applied_rules
from access.store.models import AccessEvent, Visit


@dataclass(frozen=True)
class VisitPolicy:
    clock: SiteClock
    checkin_resources: frozenset[str]
    guard: timedelta


def record_decisions(context: EventContext, decisions: Sequence[AccessDecided]) -> None:
    """Keep the decisions (``access_events``, one statement) and rebuild the visits they touch."""
    site = context.site
    context.session.connection().execute(insert(AccessEvent), [
        {"event_id": d.event_id, "node": d.node, "seq": d.seq, "tap_id": d.tap_id, "ts": d.ts,
         "resource": d.resource, "card_hash": d.card, "member_id": d.member_id, "allowed": d.allowed,
         "reason": d.reason.value, "rule": d.rule} for d in decisions])
    checkin = frozenset(r.name for r in context.rules.resources if r.checkin)
    policy = VisitPolicy(site.clock, checkin, timedelta(minutes=site.config.site.checkin_guard_minutes))
    days: set[tuple[int, date]] = {
        (d.member_id, site.clock.service_day(d.ts)) for d in decisions
        if d.member_id is not None and d.resource in policy.checkin_resources}
    if days:
        rebuild_days(context.session, policy, days, context.now)


def rebuild_days(session: Session, policy: VisitPolicy, days: Collection[tuple[int, date]],
                 now: datetime) -> None:
    """Make each ``(member, day)``'s visits match the check-in taps of that day."""
    clock = policy.clock
    members = sorted({member for member, _ in days})
    start = min(clock.day_start(day) for _, day in days)
    end = max(clock.day_end(day) for _, day in days)
    taps: dict[tuple[int, date], list[Tap]] = defaultdict(list)
    for member_id, ts, event_id, allowed in session.execute(
        select(AccessEvent.member_id, AccessEvent.ts, AccessEvent.event_id, AccessEvent.allowed).where(
            AccessEvent.member_id.in_(members),
            AccessEvent.resource.in_(policy.checkin_resources),
            AccessEvent.ts >= start, AccessEvent.ts < end)
    ):
        if member_id is None:
            continue
        key = (member_id, clock.service_day(ts))
        if key in days:
            taps[key].append(Tap(ts, event_id, enters=allowed))
    existing: dict[tuple[int, date], list[Visit]] = defaultdict(list)
    for visit in session.scalars(
        select(Visit).where(Visit.member_id.in_(members),
                            Visit.service_day.in_(sorted({day for _, day in days})),
                            Visit.in_event_id.is_not(None)).order_by(Visit.checked_in_at, Visit.id)
    ):
        existing[(visit.member_id, visit.service_day)].append(visit)
    plans = {key: pair_taps(taps[key], day_end=clock.day_end(key[1]), now=now, guard=policy.guard)
             for key in days}
    repaired = [visit for key, stays in plans.items()
                for visit, stay in zip(existing[key], stays, strict=False)
                if visit.in_event_id != stay.checked_in.event_id]
    if repaired:
        # Taps were re-paired (one arrived late): free the unique event ids before reassigning.
        for key in days:
            for visit in existing[key]:
                visit.in_event_id = visit.out_event_id = None
        session.flush()
    new: list[dict[str, object]] = []
    for (member_id, day), stays in plans.items():
        rows = existing[(member_id, day)]
        for index, stay in enumerate(stays):
            values = {"checked_in_at": stay.checked_in.at, "in_event_id": stay.checked_in.event_id,
                      "checked_out_at": stay.out_at,
                      "out_event_id": stay.checked_out.event_id if stay.checked_out else None,
                      "auto_checked_out": stay.checked_out is None and stay.auto_out_at is not None}
            if index < len(rows):
                for name, value in values.items():
                    if getattr(rows[index], name) != value:
                        setattr(rows[index], name, value)
            else:  # Core: the ORM inserts one row at a time on SQLite
                new.append({"member_id": member_id, "service_day": day, **values})
        for extra in rows[len(stays):]:
            session.delete(extra)
    session.flush()
    if new:
        session.connection().execute(insert(Visit), new)


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


def forgotten_checkout(site: Site, member_id: int, *, mark: bool = True) -> date | None:
    """The day a member was checked out by the cut-off and not yet told so (the kiosk says it
    on their next visit), or None. ``mark``: count them as told."""
    with site.store.write() as session:
        visit = session.scalars(
            select(Visit).where(Visit.member_id == member_id, Visit.auto_checked_out.is_(True),
                                Visit.reminded_at.is_(None))
            .order_by(Visit.checked_in_at.desc()).limit(1)).first()
        if visit is None:
            return None
        if mark:
            session.execute(update(Visit).where(Visit.member_id == member_id,
                                                Visit.auto_checked_out.is_(True),
                                                Visit.reminded_at.is_(None)).values(reminded_at=site.now()))
        return visit.service_day


KIOSK_NODE = "kiosk"
"""The ``node`` of the entries the kiosk records itself (a day-pass code opened the door)."""


def record_entry(site: Site, *, event_id: str, member_id: int, resource: str, at: datetime,
                 rule: str | None) -> bool:
    """A door opened for a member without a tap (a day-pass code typed at the kiosk, once the
    entrance reported it unlocked): kept like a tap, so the count, the dashboard and the fire
    roll-call see them. Idempotent by ``event_id``: False when it was already kept."""
    with site.store.write() as session:
        if session.scalar(select(AccessEvent.id).where(AccessEvent.event_id == event_id)) is not None:
            return False
        session.add(AccessEvent(event_id=event_id, node=KIOSK_NODE, seq=0, tap_id=None, ts=at,
                                resource=resource, card_hash=None, member_id=member_id,
                                allowed=True, reason="allowed", rule=rule))
        session.flush()
        checkin = frozenset(r.name for r in applied_rules(session).rules.resources if r.checkin)
        if resource in checkin:
            policy = VisitPolicy(site.clock, checkin,
                                 timedelta(minutes=site.config.site.checkin_guard_minutes))
            rebuild_days(session, policy, {(member_id, site.clock.service_day(at))}, site.now())
        return True
