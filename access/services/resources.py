"""Doors and machines as the database knows them: service flag and who is using them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from access.services.context import Site
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
