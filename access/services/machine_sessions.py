"""Machine sessions reported by the nodes: recorded once, priced, charged to the ledger.

Sessions of one member on one resource are priced in the order they started
(``price_in_order``): when a session arrives late (its node was offline), the sessions of
that member and resource that started after it are priced again and their charges
corrected, so the ledger ends up the same whatever order the events came in.

Charges go through ``access.services.ledger``: the charges of sessions priced for the first
time with ``post_many`` (one statement for the hub's whole batch), the corrections of sessions
priced again with ``restate`` (the entry of ``session:<id>`` changed in place, or removed when
the session became free).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session

from access.domain.events import SessionReported
from access.domain.pricing import FREE, Charge, Grant, Use, price_in_order
from access.domain.ruleset import ResourceDef, RuleSet
from access.domain.schedule import SiteClock
from access.services import ledger
from access.services.context import EventContext
from access.services.ledger import EntryKind, Posting
from access.store.models import Membership, PrepaidGrant, UsageSession

CHUNK = 500


def session_reference(session_id: str) -> str:
    return f"session:{session_id}"


def record_sessions(context: EventContext, events: Sequence[SessionReported]) -> None:
    """The hub's handler: apply a batch's session events, count what got a price."""
    site = context.site
    context.priced += record_session_events(context.session, site.clock, context.rules, events,
                                            site.currency)


def record_session_events(session: Session, clock: SiteClock, rules: RuleSet,
                          events: Sequence[SessionReported], currency: str) -> int:
    """Apply starts, extends and stops; price what ended. Returns how many sessions got a price.

    A stop may come before its start: it carries everything. A few queries per batch, not per
    event: the hub takes thousands of events a second this way.
    """
    keys = sorted({str(e.session_id) for e in events})
    rows = _load(session, keys)
    missing: dict[str, dict[str, object]] = {}
    for event in events:
        key = str(event.session_id)
        if key not in rows and key not in missing:
            missing[key] = {"event_id": key, "resource": event.resource, "member_id": event.member_id,
                            "node": event.node, "started_at": event.started_at,
                            "service_day": clock.service_day(event.started_at), "prepaid_seconds": 0,
                            "discount_percent": 0}
    if missing:
        # Core, not session.add(): the ORM inserts one row at a time on SQLite (it wants each
        # new id back, in order), and this is the hot path of the hub.
        session.connection().execute(insert(UsageSession), list(missing.values()))
        rows.update(_load(session, sorted(missing)))
    ended: list[UsageSession] = []
    for event in events:
        row = rows[str(event.session_id)]
        if event.action != "stop" or row.ended_at is not None:
            continue
        row.ended_at = event.ended_at or event.ts
        row.end_reason = event.end_reason
        elapsed = max(int((row.ended_at - row.started_at).total_seconds()), 0)
        row.active_seconds = event.active_seconds if event.active_seconds is not None else elapsed
        ended.append(row)
    if not ended:
        return 0
    plans = _plans(session, {row.member_id for row in ended})
    for row in ended:
        row.discount_percent = max(
            (p.machine_discount_percent for name, since, until in plans.get(row.member_id, ())
             if since <= row.started_at and (until is None or row.started_at < until)
             and (p := rules.plan(name))), default=0)
    session.flush()
    return _price_ended(session, rules, ended, currency)


Pair = tuple[int, str]


def _load(session: Session, keys: Sequence[str]) -> dict[str, UsageSession]:
    rows: dict[str, UsageSession] = {}
    for start in range(0, len(keys), CHUNK):
        for row in session.scalars(select(UsageSession).where(
                UsageSession.event_id.in_(keys[start:start + CHUNK]))):
            rows[row.event_id] = row
    return rows


def _price_ended(session: Session, rules: RuleSet, ended: list[UsageSession], currency: str) -> int:
    """Price the sessions that just ended, a handful of queries for the whole batch.

    The usual case: they started after every session of the same member and resource already
    priced, and are priced right here. Otherwise (a node delivered late) that member and
    resource are priced again from the earliest new session on (``reprice``).
    """
    by_pair: dict[Pair, list[UsageSession]] = defaultdict(list)
    for row in sorted(ended, key=_order):
        by_pair[(row.member_id, row.resource)].append(row)
    members = sorted({member for member, _ in by_pair})
    priced = UsageSession.cost_cents.is_not(None)
    latest: dict[Pair, tuple[datetime, int]] = {
        (member, resource): (last, int(used or 0)) for member, resource, last, used in session.execute(
            select(UsageSession.member_id, UsageSession.resource, func.max(UsageSession.started_at),
                   func.sum(UsageSession.prepaid_seconds))
            .where(priced, UsageSession.member_id.in_(members))
            .group_by(UsageSession.member_id, UsageSession.resource))}
    days = sorted({row.service_day for row in ended})
    spent: dict[tuple[int, str, date], int] = {
        (member, resource, day): int(cents or 0) for member, resource, day, cents in session.execute(
            select(UsageSession.member_id, UsageSession.resource, UsageSession.service_day,
                   func.sum(UsageSession.cost_cents))
            .where(priced, UsageSession.member_id.in_(members), UsageSession.service_day.in_(days))
            .group_by(UsageSession.member_id, UsageSession.resource, UsageSession.service_day))}
    grants = _grants(session, members)
    total = 0
    late: list[UsageSession] = []
    new_entries: list[Posting] = []
    for (member, resource), rows in by_pair.items():
        before = latest.get((member, resource))
        if before is not None and rows[0].started_at <= before[0]:
            late.append(rows[0])
            continue
        definition = rules.resource(resource)
        charges = price_in_order(
            definition.pricing if definition else None, [_use(row) for row in rows],
            grants=grants[(member, resource)], prepaid_used_before=before[1] if before else 0,
            spent_before={day: spent.get((member, resource, day), 0) for day in days})
        total += _apply(session, rows, charges, definition, currency, new_entries=new_entries)
    ledger.post_many(session, new_entries)  # one statement for the batch
    for first in late:
        total += reprice(session, rules, first, currency)
    return total


def _grants(session: Session, members: Sequence[int]) -> defaultdict[Pair, list[Grant]]:
    """The prepaid hours of these members, by member and resource."""
    grants: defaultdict[Pair, list[Grant]] = defaultdict(list)
    for member, resource, at, seconds in session.execute(
            select(PrepaidGrant.member_id, PrepaidGrant.resource, PrepaidGrant.granted_at,
                   PrepaidGrant.seconds).where(PrepaidGrant.member_id.in_(members))):
        grants[(member, resource)].append(Grant(at, seconds))
    return grants


def _use(row: UsageSession) -> Use:
    return Use(row.event_id, row.service_day, row.ended_at or row.started_at, row.active_seconds or 0,
               row.discount_percent)


def _order(row: UsageSession) -> tuple[datetime, str]:
    return row.started_at, row.event_id


def _plans(session: Session, members: set[int]) -> dict[int, list[tuple[str, datetime, datetime | None]]]:
    plans: dict[int, list[tuple[str, datetime, datetime | None]]] = defaultdict(list)
    for member_id, plan, since, until in session.execute(
            select(Membership.member_id, Membership.plan, Membership.valid_from, Membership.valid_until)
            .where(Membership.member_id.in_(sorted(members)))):
        plans[member_id].append((plan, since, until))
    return plans


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
    if pricing is None or pricing.is_free:
        return _apply(session, targets, [FREE] * len(targets), definition, currency)
    days = {t.service_day for t in targets}
    earlier = and_(same, ~at_or_after)
    used_before = int(session.scalar(select(func.coalesce(func.sum(UsageSession.prepaid_seconds), 0))
                                     .where(earlier)) or 0)
    spent: dict[date, int] = defaultdict(int)
    for day, cents in session.execute(
        select(UsageSession.service_day, func.coalesce(func.sum(UsageSession.cost_cents), 0))
        .where(earlier, UsageSession.service_day.in_(days)).group_by(UsageSession.service_day)
    ):
        spent[day] = int(cents or 0)
    grants = _grants(session, [first.member_id])[(first.member_id, first.resource)]
    charges = price_in_order(pricing, [_use(t) for t in targets], grants=grants,
                             prepaid_used_before=used_before,
                             spent_before=spent)
    return _apply(session, targets, charges, definition, currency)


def _apply(session: Session, targets: list[UsageSession], charges: Sequence[Charge],
           definition: ResourceDef | None, currency: str, *,
           new_entries: list[Posting] | None = None) -> int:
    """Write the charges that differ from what the sessions hold.

    With ``new_entries`` (sessions never priced, so without ledger entries yet), the new entries
    are appended there for the caller to post with those of other sessions; otherwise the
    sessions' entries are restated.
    """
    changed = [(t, c) for t, c in zip(targets, charges, strict=True)
               if (t.cost_cents, t.billed_seconds, t.prepaid_seconds, t.full_cents)
               != (c.cents, c.billed_seconds, c.prepaid_seconds, c.full_cents)]
    if not changed:
        return 0
    label = definition.description if definition and definition.description else None
    postings: list[Posting] = new_entries if new_entries is not None else []
    free: list[str] = []
    for target, charge in changed:
        target.cost_cents = charge.cents
        target.full_cents = charge.full_cents
        target.billed_seconds = charge.billed_seconds
        target.prepaid_seconds = charge.prepaid_seconds
        reference = session_reference(target.event_id)
        if charge.cents == 0:
            free.append(reference)
            continue
        postings.append(Posting(
            target.member_id, EntryKind.CHARGE, charge.cents, currency,
            target.ended_at or target.started_at, f"node {target.node}" if target.node else "hub",
            reference, describe(label or target.resource, target)))
    if new_entries is None:
        ledger.restate(session, postings, free)
    return len(changed)


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
