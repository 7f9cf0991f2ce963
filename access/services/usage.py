"""Machine sessions reported by the nodes: recorded once, priced, charged to the ledger.

Sessions of one member on one resource are priced in the order they started
(``price_in_order``): when a session arrives late (its node was offline), the sessions of
that member and resource that started after it are priced again and their charges
corrected, so the ledger ends up the same whatever order the events came in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from access.bus.schemas import SessionEvent
from access.domain.pricing import Grant, Use, price_in_order
from access.domain.ruleset import RuleSet
from access.domain.schedule import SiteClock
from access.store.models import LedgerEntry, Membership, PrepaidGrant, UsageSession


def session_reference(session_id: str) -> str:
    return f"session:{session_id}"


@dataclass(frozen=True)
class SessionOutcome:
    priced: int = 0
    """How many sessions got a (new or corrected) price."""


def record_session_event(session: Session, clock: SiteClock, rules: RuleSet,
                         event: SessionEvent, currency: str) -> SessionOutcome:
    """Apply a start, extend or stop. A stop may come before its start: it carries everything."""
    key = str(event.session_id)
    row = session.scalars(select(UsageSession).where(UsageSession.event_id == key)).first()
    if row is None:
        row = UsageSession(event_id=key, resource=event.resource, member_id=event.member_id,
                           node=event.node, started_at=event.started_at,
                           service_day=clock.service_day(event.started_at),
                           prepaid_seconds=0, discount_percent=0)
        session.add(row)
    if event.action != "stop" or row.ended_at is not None:
        return SessionOutcome()
    row.ended_at = event.ended_at or event.ts
    row.end_reason = event.end_reason
    elapsed = max(int((row.ended_at - row.started_at).total_seconds()), 0)
    row.active_seconds = event.active_seconds if event.active_seconds is not None else elapsed
    row.discount_percent = discount_percent(session, rules, event.member_id, row.started_at)
    session.flush()
    return SessionOutcome(priced=reprice(session, rules, row, currency))


def discount_percent(session: Session, rules: RuleSet, member_id: int, at: datetime) -> int:
    """The best machine discount among the member's plans valid at ``at``."""
    plans = session.scalars(select(Membership.plan).where(
        Membership.member_id == member_id, Membership.valid_from <= at,
        or_(Membership.valid_until.is_(None), Membership.valid_until > at))).all()
    return max((p.machine_discount_percent for name in plans if (p := rules.plan(name))), default=0)


def reprice(session: Session, rules: RuleSet, first: UsageSession, currency: str) -> int:
    """Price ``first`` and every ended session of the same member and resource started after it."""
    definition = rules.resource(first.resource)
    pricing = definition.pricing if definition else None
    same = and_(UsageSession.member_id == first.member_id, UsageSession.resource == first.resource,
                UsageSession.ended_at.is_not(None))
    at_or_after = or_(UsageSession.started_at > first.started_at,
                      and_(UsageSession.started_at == first.started_at,
                           UsageSession.event_id >= first.event_id))
    targets = list(session.scalars(select(UsageSession).where(same, at_or_after)
                                   .order_by(UsageSession.started_at, UsageSession.event_id)))
    days = {t.service_day for t in targets}
    earlier = and_(same, ~at_or_after)
    used_before = int(session.scalar(select(func.coalesce(func.sum(UsageSession.prepaid_seconds), 0))
                                     .where(earlier)) or 0)
    spent: dict[date, int] = defaultdict(int)
    for day, cents in session.execute(
        select(UsageSession.service_day, func.coalesce(func.sum(UsageSession.cost_cents), 0))
        .where(earlier, UsageSession.service_day.in_(days)).group_by(UsageSession.service_day)
    ):
        spent[day] = int(cents)
    grants = [Grant(at, seconds) for at, seconds in session.execute(
        select(PrepaidGrant.granted_at, PrepaidGrant.seconds).where(
            PrepaidGrant.member_id == first.member_id, PrepaidGrant.resource == first.resource))]
    uses = [Use(t.event_id, t.service_day, t.ended_at or t.started_at, t.active_seconds or 0,
                t.discount_percent) for t in targets]
    charges = price_in_order(pricing, uses, grants=grants, prepaid_used_before=used_before,
                             spent_before=spent)
    changed = 0
    for target, charge in zip(targets, charges, strict=True):
        if (target.cost_cents, target.billed_seconds, target.prepaid_seconds, target.full_cents) == (
                charge.cents, charge.billed_seconds, charge.prepaid_seconds, charge.full_cents):
            continue
        target.cost_cents = charge.cents
        target.full_cents = charge.full_cents
        target.billed_seconds = charge.billed_seconds
        target.prepaid_seconds = charge.prepaid_seconds
        _charge(session, target, definition.description if definition else target.resource, currency)
        changed += 1
    return changed


def _charge(session: Session, usage: UsageSession, label: str, currency: str) -> None:
    """The session's ledger entry: written, corrected, or removed when it became free."""
    reference = session_reference(usage.event_id)
    cents = usage.cost_cents or 0
    if cents == 0:
        session.execute(delete(LedgerEntry).where(LedgerEntry.reference == reference))
        return
    entry = session.scalars(select(LedgerEntry).where(LedgerEntry.reference == reference)).first()
    if entry is None:
        entry = LedgerEntry(member_id=usage.member_id, kind="charge", reference=reference,
                            currency=currency,
                            created_at=usage.ended_at or usage.started_at,
                            created_by=f"node {usage.node}" if usage.node else "hub")
        session.add(entry)
    entry.cents = -cents
    entry.description = describe(label, usage)


def describe(label: str, usage: UsageSession) -> str:
    """``Prusa MK4, 45 min (30 min prepaid, capped)``: what the member sees on their statement."""
    minutes = -(-(usage.billed_seconds or 0) // 60)
    notes = []
    if usage.prepaid_seconds:
        notes.append(f"{-(-usage.prepaid_seconds // 60)} min prepaid")
    if usage.discount_percent:
        notes.append(f"-{usage.discount_percent} %")
    if usage.full_cents is not None and usage.cost_cents is not None and usage.cost_cents < usage.full_cents:
        notes.append("daily cap")
    return f"{label}, {minutes} min" + (f" ({', '.join(notes)})" if notes else "")
