"""The hub's scheduled chores: end of day, retention, the next snapshot boundary.

Each is idempotent and catches up: the hub may have been down when it was due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, func, select, update

from access.services.context import Site
from access.services.visits import close_ended_days
from access.store.models import AccessEvent, DayPass, DeadLetter, Membership, Training

ANONYMISE_CHUNK = 5000


@dataclass(frozen=True)
class EndOfDay:
    checked_out: int
    passes_expired: int


def end_of_day(site: Site) -> EndOfDay:
    """At the cut-off: check out who is still in (flagged, to remind them), expire day passes."""
    now = site.now()
    with site.store.write() as session:
        closed = close_ended_days(session, site.clock, now)
        expired = _count(session.execute(
            update(DayPass).where(DayPass.expired_at.is_(None), DayPass.valid_until <= now)
            .values(expired_at=now)))
    return EndOfDay(closed, expired)


def anonymise_access_events(site: Site) -> int:
    """Forget who tapped, for taps older than ``retention.access_events_days``; counts stay."""
    cutoff = site.now() - timedelta(days=site.config.retention.access_events_days)
    total = 0
    while True:  # in chunks, so the write lock is never held for long
        with site.store.write() as session:
            ids = session.scalars(select(AccessEvent.id).where(
                AccessEvent.ts < cutoff,
                (AccessEvent.member_id.is_not(None)) | (AccessEvent.card_hash.is_not(None)))
                .limit(ANONYMISE_CHUNK)).all()
            if not ids:
                return total
            session.execute(update(AccessEvent).where(AccessEvent.id.in_(ids))
                            .values(member_id=None, card_hash=None))
            total += len(ids)


def purge_dead_letters(site: Site) -> int:
    cutoff = site.now() - timedelta(days=site.config.retention.dead_letters_days)
    with site.store.write() as session:
        return _count(session.execute(delete(DeadLetter).where(DeadLetter.received_at < cutoff)))


def _count(result: Result[Any]) -> int:
    """Rows touched by an UPDATE or DELETE."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def next_boundary(site: Site) -> datetime | None:
    """The next instant a membership, a training or a day pass ends (a snapshot changes then)."""
    now = site.now()
    with site.store.read() as session:
        candidates = [
            session.scalar(select(func.min(Membership.valid_until)).where(Membership.valid_until > now)),
            session.scalar(select(func.min(Training.expires_at)).where(Training.expires_at > now)),
            session.scalar(select(func.min(DayPass.valid_until)).where(DayPass.valid_until > now)),
        ]
    moments = [c for c in candidates if c is not None]
    return min(moments) if moments else None
