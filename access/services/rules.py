"""Rules: check a file, apply it atomically, explain a decision."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.config import Config
from access.domain.cards import UidError
from access.domain.decide import Decision, decide
from access.domain.opening import Opening, opening
from access.domain.ruleset import RuleSet
from access.domain.ruleset_diff import Change, diff_rules
from access.domain.snapshot import CardView
from access.errors import Conflict, FileInvalid, InvalidInput, NotFound, NotInitialised, Problem, unknown
from access.rules_file import parse_rules
from access.services import audit
from access.services.context import Site
from access.services.lookup import find_member
from access.services.snapshot import build_snapshot
from access.store.models import Group, MemberGroup, Membership, Resource, RuleSetRow
from access.texts import plural


@dataclass(frozen=True)
class AppliedRules:
    version: int
    rules: RuleSet
    applied_at: datetime
    applied_by: str
    filename: str
    source: str


def applied_rules(session: Session) -> AppliedRules:
    """The rules in force. Raises ``NotInitialised`` before the first ``rules apply``."""
    row = session.scalars(select(RuleSetRow).order_by(RuleSetRow.id.desc()).limit(1)).first()
    if row is None:
        raise NotInitialised("no rules have been applied yet",
                             hint="write rules.toml and run `seuil rules apply`")
    return AppliedRules(row.id, _parsed(row.source, row.filename), row.applied_at,
                        row.applied_by, row.filename, row.source)


@functools.lru_cache(maxsize=4)
def _parsed(source: str, filename: str) -> RuleSet:
    """An applied text parsed once per process: a ``RuleSet`` is frozen, and parsing one is
    half the cost of the kiosk's welcome after a tap (it reads the rules twice) and of every
    dashboard refresh."""
    return parse_rules(source, filename)


def current(site: Site) -> AppliedRules:
    """The rules in force, for an entry point (a use case in a transaction uses ``applied_rules``)."""
    with site.store.read() as session:
        return applied_rules(session)


def entrance_node(site: Site, rules: RuleSet | None = None) -> str:
    """The node whose taps the kiosk shows: [kiosk] entrance, else the first check-in door's
    (in ``rules``, else those in force)."""
    if site.config.kiosk.entrance:
        return site.config.kiosk.entrance
    doors = [r.node for r in (rules or current(site).rules).resources if r.checkin]
    return doors[0] if doors else "entrance"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"no rules file at {path}") from None
    except UnicodeDecodeError:
        raise FileInvalid([Problem(str(path), "not a UTF-8 text file")]) from None


def check_rules(config: Config, path: Path | None = None) -> RuleSet:
    """Validate a rules file against the config's nodes. Raises ``FileInvalid``."""
    path = path or config.rules_path
    return parse_rules(_read(path), str(path), nodes=set(config.nodes))


@dataclass(frozen=True)
class ApplyResult:
    changes: list[Change]
    version: int | None  # the new version; None for a dry run or when nothing changed
    previous: int | None
    dry_run: bool


def _in_use(session: Session, before: RuleSet | None, after: RuleSet, site: Site) -> list[str]:
    """Removals the data still depends on: a group with members, a plan being held."""
    problems: list[str] = []
    if before is None:
        return problems
    gone_groups = {g.name for g in before.groups} - {g.name for g in after.groups}
    for group, count in session.execute(
        select(MemberGroup.group_name, func.count()).where(MemberGroup.group_name.in_(gone_groups))
        .group_by(MemberGroup.group_name)
    ):
        problems.append(f'group "{group}" still has {plural(count, "member")}; move them first '
                        f"(seuil member edit MEMBER --remove-group {group})")
    gone_plans = {p.name for p in before.plans} - {p.name for p in after.plans}
    now = site.now()
    for plan, count in session.execute(
        select(Membership.plan, func.count()).where(Membership.plan.in_(gone_plans))
        .where((Membership.valid_until.is_(None)) | (Membership.valid_until > now))
        .group_by(Membership.plan)
    ):
        problems.append(f'plan "{plan}" is held by {plural(count, "current membership")}; keep it '
                        "until they end")
    return problems


def _mirror(session: Session, rules: RuleSet) -> None:
    """Keep the groups and resources tables (foreign-key targets) in step with the rules."""
    groups = {g.name: g for g in session.scalars(select(Group))}
    for definition in rules.groups:
        row = groups.pop(definition.name, None) or Group(name=definition.name)
        row.description, row.retired = definition.description, False
        session.add(row)
    for row in groups.values():
        row.retired = True
    resources = {r.name: r for r in session.scalars(select(Resource))}
    for resource in rules.resources:
        item = resources.pop(resource.name, None) or Resource(name=resource.name,
                                                              out_of_service=False)
        item.kind, item.node, item.description = resource.kind.value, resource.node, resource.description
        item.skill, item.checkin = resource.skill, resource.checkin
        item.max_session_minutes, item.warn_minutes = resource.max_session_minutes, resource.warn_minutes
        item.pricing = dataclasses.asdict(resource.pricing) if resource.pricing else None
        item.retired = False
        session.add(item)
    for item in resources.values():
        item.retired = True


def apply_rules(site: Site, path: Path | None = None, *, dry_run: bool = False) -> ApplyResult:
    """Apply a rules file in one transaction: all of it, or (on any problem) none of it."""
    path = path or site.config.rules_path
    text = _read(path)
    rules = parse_rules(text, str(path), nodes=set(site.config.nodes))
    with site.store.write() as session:
        try:
            current: AppliedRules | None = applied_rules(session)
        except NotInitialised:
            current = None
        before = current.rules if current else None
        changes = diff_rules(before, rules)
        previous = current.version if current else None
        problems = _in_use(session, before, rules, site)
        if problems:
            raise Conflict("the rules remove things still in use, nothing changed:\n  "
                           + "\n  ".join(problems))
        if dry_run or (current is not None and not changes):
            return ApplyResult(changes, None, previous, dry_run)
        row = RuleSetRow(applied_at=site.now(), applied_by=site.actor, filename=str(path),
                         sha256=hashlib.sha256(text.encode()).hexdigest(), source=text)
        session.add(row)
        _mirror(session, rules)
        session.flush()
        audit.record(session, site, "rules.apply", f"version {row.id}", file=str(path),
                     changes=[str(c) for c in changes])
        return ApplyResult(changes, row.id, previous, dry_run)


@dataclass(frozen=True)
class Explanation:
    decision: Decision
    at: datetime
    version: int
    unknown_resource: NotFound | None = None
    """Set when the resource is not in the rules: the error to show, with a suggestion."""


def explain(site: Site, resource: str, at: datetime, *, uid: str | None = None,
            member_ref: str | None = None) -> Explanation:
    """What a tap by this card (or member) at ``resource`` would get at ``at``, and why."""
    with site.store.read() as session:
        current = applied_rules(session)
        missing = None
        if current.rules.resource(resource) is None:  # decide() says unknown_resource
            names = [r.name for r in current.rules.resources]
            missing = NotFound(unknown("resource", resource, names),
                               hint="resources: " + ", ".join(names))
        member_id = find_member(session, member_ref).id if member_ref else None
        snapshot = build_snapshot(session, site, current.version, current.rules, now=at)
    if uid is not None:
        try:
            card = site.hash_uid(uid)
        except UidError as error:
            raise InvalidInput(str(error)) from None
    elif member_id is not None:
        card = f"member:{member_id}"  # as if the member tapped an active card
        snapshot = dataclasses.replace(
            snapshot, cards={**snapshot.cards, card: CardView(member_id)})
    else:
        raise ValueError("explain needs a uid or a member")
    return Explanation(decide(card, resource, at, snapshot), at, current.version, missing)


@dataclass(frozen=True)
class DoorAnswer:
    """What a credential that is not a badge (a day-pass code) gets at a door, by the badge's
    rules: the decision, and when the door opens for that member (until when, or next)."""

    decision: Decision
    opening: Opening


def door_for(site: Site, member_id: int, resource: str, at: datetime) -> DoorAnswer:
    """``decide`` for a member as if they tapped an active badge at ``resource``, and when it opens."""
    with site.store.read() as session:
        current = applied_rules(session)
        snapshot = build_snapshot(session, site, current.version, current.rules, now=at)
    card = f"member:{member_id}"
    snapshot = dataclasses.replace(snapshot, cards={**snapshot.cards, card: CardView(member_id)})
    member = snapshot.members.get(member_id)
    decision = decide(card, resource, at, snapshot)
    return DoorAnswer(decision, opening(snapshot, member, resource, at) if member is not None
                      else Opening(False, None))


def entrance_resource(site: Site, rules: RuleSet | None = None) -> str:
    """The check-in resource behind the kiosk's entrance node (in ``rules``, else those in force)."""
    rules = rules or current(site).rules
    resources = rules.resources
    node = entrance_node(site, rules)
    return next((r.name for r in resources if r.node == node and r.checkin),
                next((r.name for r in resources if r.node == node), node))
