"""Messages the hub set aside, for the admin to look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from access.services.context import Site
from access.store.models import DeadLetter


@dataclass(frozen=True)
class DeadLetterInfo:
    id: int
    received_at: datetime
    topic: str
    node: str | None
    event_id: str | None
    reason: str
    payload: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "received_at": self.received_at.isoformat(), "topic": self.topic,
                "node": self.node, "event_id": self.event_id, "reason": self.reason,
                "payload": self.payload}


def newest(site: Site, limit: int = 50) -> list[DeadLetterInfo]:
    """The newest ``limit`` dead letters, oldest first."""
    with site.store.read() as session:
        rows = session.scalars(select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit)).all()
        return [DeadLetterInfo(r.id, r.received_at, r.topic, r.node, r.event_id, r.reason, r.payload)
                for r in reversed(rows)]
