"""The taps and decisions the hub stored (``access_events``), for "why did the door not open?".

Rows whose card and member the retention job has anonymised still show (time, resource,
decision); they only no longer match a member or a card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from access.errors import InvalidInput
from access.services.context import Site
from access.services.lookup import find_member
from access.store.models import AccessEvent, Member

FINGERPRINT_LENGTH = 8
"""Hex digits of the keyed card hash that the node's log shows (never the UID)."""


@dataclass(frozen=True)
class LoggedTap:
    ts: datetime
    node: str
    resource: str
    member_id: int | None
    member_name: str | None
    card: str | None  # the fingerprint
    allowed: bool
    reason: str
    rule: str | None

    def to_json(self) -> dict[str, Any]:
        return {"ts": self.ts.isoformat(), "node": self.node, "resource": self.resource,
                "member_id": self.member_id, "member": self.member_name, "card": self.card,
                "allowed": self.allowed, "reason": self.reason, "rule": self.rule}


@dataclass(frozen=True)
class LogQuery:
    """Which taps: every filter given must hold. ``card_hash`` or a ``fingerprint`` prefix."""

    member: str | None = None
    card_hash: str | None = None
    fingerprint: str | None = None
    resource: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    denied_only: bool = False
    limit: int = 50


def recent(site: Site, query: LogQuery) -> list[LoggedTap]:
    """The newest ``query.limit`` taps that match, oldest first."""
    statement = select(AccessEvent, Member.name).outerjoin(Member,
                                                           Member.id == AccessEvent.member_id)
    if query.fingerprint is not None:
        fingerprint = query.fingerprint.strip().lower()
        if not fingerprint or any(c not in "0123456789abcdef" for c in fingerprint):
            raise InvalidInput(f'--fingerprint "{query.fingerprint}" is not hex digits '
                               "(the node's log shows 8 of them: card 3f2a9c01)")
        statement = statement.where(AccessEvent.card_hash.startswith(fingerprint))
    if query.card_hash is not None:
        statement = statement.where(AccessEvent.card_hash == query.card_hash)
    if query.resource is not None:
        statement = statement.where(AccessEvent.resource == query.resource)
    if query.since is not None:
        statement = statement.where(AccessEvent.ts >= query.since)
    if query.until is not None:
        statement = statement.where(AccessEvent.ts <= query.until)
    if query.denied_only:
        statement = statement.where(AccessEvent.allowed.is_(False))
    with site.store.read() as session:
        if query.member is not None:
            statement = statement.where(
                AccessEvent.member_id == find_member(session, query.member).id)
        rows = session.execute(statement.order_by(AccessEvent.ts.desc(), AccessEvent.id.desc())
                               .limit(query.limit)).all()
        return [LoggedTap(e.ts, e.node, e.resource, e.member_id, name,
                          e.card_hash[:FINGERPRINT_LENGTH] if e.card_hash else None, e.allowed,
                          e.reason, e.rule) for e, name in reversed(rows)]
