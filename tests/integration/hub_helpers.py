"""What the hub's tests compare: the state events leave in the database."""

from __future__ import annotations

from sqlalchemy import delete, select

from access.store.models import (
    AccessEvent,
    DeadLetter,
    IngestedEvent,
    LedgerEntry,
    UsageSession,
    Visit,
)
from tests.support.node_events import FakeNode, batches, enroll_fake_cards, fake_card, workday_stream

__all__ = ["FakeNode", "batches", "enroll_fake_cards", "fake_card", "forget_events", "money_state",
           "workday_stream"]


def money_state(site) -> dict[str, list]:
    """What must be equal between two deliveries of the same events."""
    with site.store.read() as session:
        return {
            "ledger": sorted(session.execute(select(
                LedgerEntry.member_id, LedgerEntry.kind, LedgerEntry.cents, LedgerEntry.reference,
                LedgerEntry.created_at, LedgerEntry.description))),
            "sessions": sorted(session.execute(select(
                UsageSession.event_id, UsageSession.member_id, UsageSession.started_at,
                UsageSession.ended_at, UsageSession.active_seconds, UsageSession.cost_cents,
                UsageSession.prepaid_seconds))),
            "visits": sorted(session.execute(select(
                Visit.member_id, Visit.service_day, Visit.checked_in_at, Visit.checked_out_at,
                Visit.auto_checked_out, Visit.in_event_id, Visit.out_event_id))),
            "access": sorted(session.execute(select(AccessEvent.event_id, AccessEvent.allowed))),
        }


def forget_events(site) -> None:
    """Empty what the hub derives from events, so the same events can be delivered again."""
    with site.store.write() as session:
        session.execute(delete(LedgerEntry).where(LedgerEntry.membership_id.is_(None)))  # dues stay
        for model in (Visit, UsageSession, AccessEvent, IngestedEvent, DeadLetter):
            session.execute(delete(model))
