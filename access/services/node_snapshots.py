"""The snapshot message the hub publishes for each node (retained, one per node).

Each node gets only what it needs to decide for its own resources: members who hold a card
(break-glass cards always), their trainings for the skills its machines need, their balance
only if one of its machines is priced, their current memberships and the last one that ended
(for "expired on ..."). The rules travel whole, as text: they hold no personal data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

import msgspec
from sqlalchemy.orm import Session

from access.bus.snapshot_payload import SnapshotPayload, encode_snapshot, snapshot_payload
from access.domain.ruleset import RuleSet
from access.domain.snapshot import MembershipWindow
from access.services.context import Site
from access.services.rules import applied_rules
from access.services.snapshot import SnapshotParts, snapshot_parts


def trim_for_node(parts: SnapshotParts, rules: RuleSet, node_id: str, now: datetime) -> SnapshotParts:
    """What node ``node_id`` needs of ``parts``: pure, tested without a database."""
    resources = [r for r in rules.resources if r.node == node_id]
    skills = {r.skill for r in resources if r.skill}
    priced = any(r.pricing is not None and not r.pricing.is_free for r in resources)
    holders = {card.member_id for card in parts.cards.values()}
    members = [
        replace(m, trainings={s: e for s, e in m.trainings.items() if s in skills},
                balance_cents=m.balance_cents if priced else 0,
                memberships=_recent(m.memberships, now))
        for m in parts.members if m.id in holders
    ]
    names = {r.name for r in resources}
    return SnapshotParts(members, dict(parts.cards), [r for r in parts.out_of_service if r in names])


def _recent(windows: Iterable[MembershipWindow], now: datetime) -> tuple[MembershipWindow, ...]:
    current = [w for w in windows if w.valid_until is None or w.valid_until > now]
    ended = [w for w in windows if w.valid_until is not None and w.valid_until <= now]
    last = max(ended, key=lambda w: w.valid_until or now, default=None)
    return tuple(current + ([last] if last else []))


@dataclass(frozen=True)
class NodeSnapshot:
    node: str
    payload: SnapshotPayload
    raw: bytes
    digest: str
    """A hash of the content without the version: equal digests, nothing to republish."""


def node_snapshots(session: Session, site: Site, node_ids: Iterable[str],
                   version: int | None = None) -> list[NodeSnapshot]:
    """One snapshot message per node, from one read of the database.

    ``version`` defaults to the current time in milliseconds, so it grows across restarts.
    """
    now = site.now()
    applied = applied_rules(session)
    parts = snapshot_parts(session, now)
    number = int(now.timestamp() * 1000) if version is None else version
    result = []
    for node_id in node_ids:
        mine = trim_for_node(parts, applied.rules, node_id, now)
        payload = snapshot_payload(
            version=number, generated_at=now, clock=site.clock, rules_file=applied.filename,
            rules_source=applied.source, members=mine.members, cards=mine.cards,
            out_of_service=mine.out_of_service, credit_floor_cents=site.config.site.credit_floor)
        content = {k: v for k, v in msgspec.to_builtins(payload).items()
                   if k not in ("version", "generated_at")}
        digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
        result.append(NodeSnapshot(node_id, payload, encode_snapshot(payload), digest))
    return result
