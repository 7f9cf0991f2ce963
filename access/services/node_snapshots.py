"""The snapshot message the hub publishes for the nodes (retained, one per node)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from access.bus.snapshot_payload import SnapshotPayload, snapshot_payload
from access.services.context import Site
from access.services.rules import applied_rules
from access.services.snapshot import snapshot_parts


def node_snapshot_payload(session: Session, site: Site, version: int | None = None) -> SnapshotPayload:
    """The snapshot message for the nodes (the applied rules travel as their text).

    ``version`` defaults to the current time in milliseconds, so it grows across restarts.
    """
    now = site.now()
    applied = applied_rules(session)
    parts = snapshot_parts(session, now)
    return snapshot_payload(
        version=int(now.timestamp() * 1000) if version is None else version, generated_at=now,
        clock=site.clock, rules_file=applied.filename, rules_source=applied.source,
        members=parts.members, cards=parts.cards, out_of_service=parts.out_of_service,
        credit_floor_cents=site.config.site.credit_floor)
