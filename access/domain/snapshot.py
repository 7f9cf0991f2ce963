"""What a node needs to decide alone: cards, members, resources and compiled rules.

A snapshot is built by the hub (or the CLI, for ``rules explain``) from the database
and the applied rules, and is immutable: a node swaps a new one in whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from access.domain.cards import CardStatus
from access.domain.ruleset import ResourceDef, RuleSet
from access.domain.schedule import Schedule, SiteClock


@dataclass(frozen=True, slots=True)
class MembershipWindow:
    """One paid period: ``valid_from <= now < valid_until`` (no end: open-ended)."""

    plan: str
    valid_from: datetime
    valid_until: datetime | None

    def active_at(self, now: datetime) -> bool:
        return self.valid_from <= now and (self.valid_until is None or now < self.valid_until)


@dataclass(frozen=True, slots=True)
class MemberView:
    id: int
    name: str
    groups: frozenset[str] = frozenset()
    memberships: tuple[MembershipWindow, ...] = ()
    trainings: Mapping[str, datetime | None] = field(default_factory=dict)
    balance_cents: int = 0
    suspended: bool = False

    def active_plans(self, now: datetime) -> frozenset[str]:
        return frozenset(m.plan for m in self.memberships if m.active_at(now))

    def current_until(self, now: datetime) -> datetime | None:
        """When the latest active membership ends (None: open-ended or none active)."""
        ends = [m.valid_until for m in self.memberships if m.active_at(now)]
        if not ends or any(end is None for end in ends):
            return None
        return max(end for end in ends if end is not None)

    def ended_at(self, now: datetime) -> datetime | None:
        """When the last membership that is over now ended, if any."""
        ends = [m.valid_until for m in self.memberships if m.valid_until and m.valid_until <= now]
        return max(ends) if ends else None

    def starts_at(self, now: datetime) -> datetime | None:
        """When the next membership that has not begun yet begins, if any."""
        starts = [m.valid_from for m in self.memberships if m.valid_from > now]
        return min(starts) if starts else None

    def trained(self, skill: str, now: datetime) -> bool:
        if skill not in self.trainings:
            return False
        expires = self.trainings[skill]
        return expires is None or now < expires


@dataclass(frozen=True, slots=True)
class CardView:
    member_id: int
    status: CardStatus = CardStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class AccessRule:
    name: str
    groups: frozenset[str]
    plans: frozenset[str]
    schedule: Schedule

    def applies_to(self, member: MemberView, plans: frozenset[str]) -> bool:
        return bool(self.groups & member.groups) or bool(self.plans & plans)


@dataclass(frozen=True)
class Snapshot:
    version: int
    clock: SiteClock
    cards: Mapping[str, CardView]
    members: Mapping[int, MemberView]
    resources: Mapping[str, ResourceDef]
    rules_by_resource: Mapping[str, tuple[AccessRule, ...]]
    break_glass_groups: frozenset[str] = frozenset()
    out_of_service: frozenset[str] = frozenset()
    credit_floor_cents: int = 0
    maintainer_groups: frozenset[str] = frozenset()
    trainer_groups: frozenset[str] = frozenset()

    def is_maintainer(self, member: MemberView) -> bool:
        """May put a machine back in service."""
        return bool(member.groups & self.maintainer_groups)

    def can_train(self, member: MemberView, skill: str, now: datetime) -> bool:
        """May induct others on ``skill``: in a trainers group and trained on it themselves."""
        return bool(member.groups & self.trainer_groups) and member.trained(skill, now)

    def with_member(self, member: MemberView) -> Snapshot:
        """A copy where ``member`` replaces the member with the same id (local overlays)."""
        return replace(self, members={**self.members, member.id: member})

    def with_service(self, resource: str, out_of_service: bool) -> Snapshot:
        flagged = self.out_of_service | {resource} if out_of_service else self.out_of_service - {resource}
        return replace(self, out_of_service=frozenset(flagged))

    @classmethod
    def build(
        cls,
        *,
        version: int,
        clock: SiteClock,
        rules: RuleSet,
        members: Iterable[MemberView],
        cards: Mapping[str, CardView],
        out_of_service: Iterable[str] = (),
        credit_floor_cents: int = 0,
    ) -> Snapshot:
        by_resource: dict[str, list[AccessRule]] = {r.name: [] for r in rules.resources}
        for rule in rules.rules:
            compiled = AccessRule(
                rule.name,
                frozenset(rule.groups),
                frozenset(rule.plans),
                rules.compiled_schedule(rule.schedule),
            )
            for resource in rule.resources:
                by_resource.setdefault(resource, []).append(compiled)
        return cls(
            version=version,
            clock=clock,
            cards=cards,
            members={m.id: m for m in members},
            resources={r.name: r for r in rules.resources},
            rules_by_resource={k: tuple(v) for k, v in by_resource.items()},
            break_glass_groups=frozenset(g.name for g in rules.groups if g.break_glass),
            out_of_service=frozenset(out_of_service),
            credit_floor_cents=credit_floor_cents,
            maintainer_groups=frozenset(g.name for g in rules.groups if g.maintainer),
            trainer_groups=frozenset(g.name for g in rules.groups if g.can_train),
        )
