"""Trainings: who may use which machine. A skill is named by the resources that need it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.domain.events import MemberInducted
from access.domain.ruleset import RuleSet
from access.errors import InvalidInput, NotFound, unknown
from access.services import audit
from access.services.context import EventContext, Site
from access.services.lookup import find_member
from access.services.rules import applied_rules
from access.store.models import Member, MemberGroup, Training


@dataclass(frozen=True)
class TrainingInfo:
    member_id: int
    member: str
    skill: str
    granted_at: datetime
    granted_by: str | None
    expires_at: datetime | None
    valid: bool

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "member": self.member, "skill": self.skill,
                "granted_at": self.granted_at.isoformat(), "granted_by": self.granted_by,
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
                "valid": self.valid}


def _info(training: Training, now: datetime) -> TrainingInfo:
    return TrainingInfo(training.member_id, training.member.name, training.skill,
                        training.granted_at,
                        training.granted_by.name if training.granted_by else None,
                        training.expires_at,
                        training.expires_at is None or now < training.expires_at)


def grant_training(site: Site, member_ref: str, skill: str, *, trainer_ref: str | None = None,
                   expires: date | None = None) -> TrainingInfo:
    """Record that a member is trained on ``skill``; granting again renews it."""
    with site.store.write() as session:
        skills = sorted(applied_rules(session).rules.skills)
        if skill not in skills:
            raise InvalidInput(unknown("skill", skill, skills),
                               hint="skills required by the resources: " + ", ".join(skills))
        member = find_member(session, member_ref)
        trainer = find_member(session, trainer_ref) if trainer_ref else None
        if trainer is not None and trainer.id == member.id:
            raise InvalidInput("a member cannot be their own trainer")
        now = site.now()
        expires_at = site.clock.day_end(expires) if expires else None
        if expires_at is not None and expires_at <= now:
            raise InvalidInput(f"--expires {expires} is in the past")
        training = session.scalars(select(Training).where(
            Training.member_id == member.id, Training.skill == skill)).first()
        action = "training.renew" if training else "training.grant"
        if training is None:
            training = Training(member=member, skill=skill)
            session.add(training)
        training.granted_by, training.granted_at, training.expires_at = trainer, now, expires_at
        session.flush()
        audit.record(session, site, action, f"{member.name} (#{member.id})", skill=skill,
                     trainer=trainer.name if trainer else None,
                     expires=expires_at.isoformat() if expires_at else None)
        return _info(training, now)


def may_train(session: Session, rules: RuleSet, member_ids: Sequence[int],
              now: datetime) -> frozenset[tuple[int, str]]:
    """The (member, skill) pairs among ``member_ids`` who may induct others now: in a group that
    may train, and trained on the skill themselves (as a node's snapshot says ``can_train``)."""
    trainer_groups = [g.name for g in rules.groups if g.can_train]
    if not trainer_groups or not member_ids:
        return frozenset()
    rows = session.execute(
        select(Training.member_id, Training.skill)
        .join(MemberGroup, MemberGroup.member_id == Training.member_id)
        .where(Training.member_id.in_(member_ids), MemberGroup.group_name.in_(trainer_groups),
               (Training.expires_at.is_(None)) | (Training.expires_at > now)))
    return frozenset((member_id, skill) for member_id, skill in rows)


def record_inductions(context: EventContext, inductions: Sequence[MemberInducted]) -> None:
    """The hub's handler: an induction at the machine grants the skill, or renews an expired one."""
    session, site = context.session, context.site
    for event in inductions:
        exists = session.scalars(select(Training).where(
            Training.member_id == event.member_id, Training.skill == event.skill)).first()
        if exists is None:
            session.add(Training(member_id=event.member_id, skill=event.skill,
                                 granted_by_id=event.trainer_id, granted_at=event.ts, expires_at=None))
        elif exists.expires_at is not None and exists.expires_at < event.ts:
            exists.expires_at = None  # an induction renews an expired training
            exists.granted_at = event.ts
            exists.granted_by_id = event.trainer_id
        audit.record(session, site, "training.grant", f"member #{event.member_id}",
                     actor=f"node {event.node}", at=event.ts, skill=event.skill,
                     trainer=event.trainer_id, resource=event.resource, already=exists is not None)


def revoke_training(site: Site, member_ref: str, skill: str) -> None:
    with site.store.write() as session:
        member = find_member(session, member_ref)
        training = session.scalars(select(Training).where(
            Training.member_id == member.id, Training.skill == skill)).first()
        if training is None:
            raise NotFound(f'{member.name} has no "{skill}" training')
        session.delete(training)
        audit.record(session, site, "training.revoke", f"{member.name} (#{member.id})",
                     skill=skill)


def list_trainings(site: Site, *, member_ref: str | None = None,
                   skill: str | None = None) -> list[TrainingInfo]:
    with site.store.read() as session:
        query = select(Training).join(Training.member).order_by(Member.name, Training.skill)
        if member_ref:
            query = query.where(Training.member_id == find_member(session, member_ref).id)
        if skill:
            query = query.where(Training.skill == skill)
        now = site.now()
        return [_info(t, now) for t in session.scalars(query)]
