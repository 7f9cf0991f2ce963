"""Build the decision snapshot from the database and the applied rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from access.domain.cards import CardStatus
from access.domain.ruleset import RuleSet
from access.domain.snapshot import CardView, MembershipWindow, MemberView, Snapshot
from access.services.context import Site
from access.services.ledger import balances
from access.store.models import (
    Card,
    Member,
    MemberGroup,
    Membership,
    Resource,
    Training,
)

# Memberships that ended longer ago than this do not matter to a decision any more, except
# each member's last one: its end is what a refusal says ("ended on 31 Dec 2020").
MEMBERSHIP_MEMORY = timedelta(days=400)


@dataclass(frozen=True)
class SnapshotParts:
    members: list[MemberView]
    cards: dict[str, CardView]
    out_of_service: list[str]


def snapshot_parts(session: Session, now: datetime) -> SnapshotParts:
    """Members, cards and service flags, read with a handful of bulk queries."""
    groups: dict[int, set[str]] = defaultdict(set)
    for member_id, group in session.execute(select(MemberGroup.member_id, MemberGroup.group_name)):
        groups[member_id].add(group)
    windows: dict[int, list[MembershipWindow]] = defaultdict(list)
    recent = or_(Membership.valid_until.is_(None), Membership.valid_until > now - MEMBERSHIP_MEMORY)
    last = (select(Membership.member_id, func.max(Membership.valid_until).label("until"))
            .group_by(Membership.member_id).subquery())
    is_last = Membership.valid_until == select(last.c.until).where(
        last.c.member_id == Membership.member_id).scalar_subquery()
    for member_id, plan, start, end in session.execute(
        select(Membership.member_id, Membership.plan, Membership.valid_from,
               Membership.valid_until).where(or_(recent, is_last))
    ):
        windows[member_id].append(MembershipWindow(plan, start, end))
    skills: dict[int, dict[str, datetime | None]] = defaultdict(dict)
    for member_id, skill, expires in session.execute(
        select(Training.member_id, Training.skill, Training.expires_at)
    ):
        skills[member_id][skill] = expires
    money = balances(session)
    members = [
        MemberView(member_id, name, frozenset(groups[member_id]), tuple(windows[member_id]),
                   skills[member_id], money.get(member_id, 0), suspended is not None)
        for member_id, name, suspended in session.execute(
            select(Member.id, Member.name, Member.suspended_at))
    ]
    cards = {
        card_hash: CardView(member_id, CardStatus(status))
        for card_hash, member_id, status in session.execute(
            select(Card.card_hash, Card.member_id, Card.status))
    }
    out_of_service = list(session.scalars(
        select(Resource.name).where(Resource.out_of_service.is_(True))).all())
    return SnapshotParts(members, cards, out_of_service)


def build_snapshot(session: Session, site: Site, version: int, rules: RuleSet,
                   now: datetime | None = None) -> Snapshot:
    """Everything ``decide()`` needs."""
    parts = snapshot_parts(session, now or site.now())
    return Snapshot.build(
        version=version, clock=site.clock, rules=rules, members=parts.members, cards=parts.cards,
        out_of_service=parts.out_of_service, credit_floor_cents=site.config.site.credit_floor,
    )
