"""The audit log: every admin write, who made it, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.services.context import Site
from access.store.models import AuditEntry


def record(session: Session, site: Site, action: str, target: str = "", *,
           actor: str | None = None, at: datetime | None = None, **details: Any) -> None:
    """Add an audit entry inside the caller's transaction: it commits with the change.

    ``actor`` and ``at`` default to the person running the command, now; the hub passes the
    node and the time of the event it records.
    """
    session.add(AuditEntry(ts=at or site.now(), actor=actor or site.actor, action=action,
                           target=target, details=details))


@dataclass(frozen=True)
class AuditRow:
    id: int
    ts: datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "ts": self.ts.isoformat(), "actor": self.actor,
                "action": self.action, "target": self.target, "details": self.details}


def list_audit(site: Site, since: datetime | None = None, limit: int | None = None) -> list[AuditRow]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if since is not None:
        query = query.where(AuditEntry.ts >= since)
    if limit is not None:
        query = query.limit(limit)
    with site.store.read() as session:
        rows = session.scalars(query).all()
        return [AuditRow(r.id, r.ts, r.actor, r.action, r.target, dict(r.details))
                for r in reversed(rows)]
