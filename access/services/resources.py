"""Doors and machines as the database knows them: service flag and who is using them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from access.domain.events import ServiceReported
from access.services import audit
from access.services.context import EventContext, Site
from access.store.models import Member, Resource, UsageSession


@dataclass(frozen=True)
class ResourceInfo:
    name: str
    kind: str
    node: str
    skill: str | None
    out_of_service: bool
    in_use_by: str | None
    since: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "node": self.node, "skill": self.skill,
                "out_of_service": self.out_of_service, "in_use_by": self.in_use_by,
                "since": self.since.isoformat() if self.since else None}


def list_resources(site: Site) -> list[ResourceInfo]:
    with site.store.read() as session:
        running = {r: (name, since) for r, name, since in session.execute(
            select(UsageSession.resource, Member.name, UsageSession.started_at)
            .join(Member, Member.id == UsageSession.member_id).where(UsageSession.ended_at.is_(None)))}
        return [ResourceInfo(r.name, r.kind, r.node, r.skill, r.out_of_service,
                             *running.get(r.name, (None, None)))
                for r in session.scalars(select(Resource).where(Resource.retired.is_(False))
                                         .order_by(Resource.name))]


def audit_command(site: Site, action: str, resource: str, node: str, **details: Any) -> None:
    """An admin's command to a node (``resource.service``, ``resource.stop``), audited as the
    admin who sent it once the broker took it; the node's own report follows as ``node <id>``."""
    with site.store.write() as session:
        audit.record(session, site, action, resource, node=node, sent="cmd", **details)


def record_service_reports(context: EventContext, reports: Sequence[ServiceReported]) -> None:
    """The hub's handler: a machine out of service, or back, as its node reported it."""
    session, site = context.session, context.site
    for event in reports:
        resource = session.get(Resource, event.resource)
        if resource is None:  # checked before; the rules cannot change inside this transaction
            continue
        if resource.service_changed_at is not None and resource.service_changed_at > event.ts:
            continue  # an older report (a node that was offline): the newer state stands
        resource.out_of_service = event.out_of_service
        resource.out_of_service_since = event.ts if event.out_of_service else None
        resource.service_changed_at = event.ts
        audit.record(session, site, "resource.service", event.resource, actor=f"node {event.node}",
                     at=event.ts, out_of_service=event.out_of_service, source=event.source,
                     member=event.member_id)
