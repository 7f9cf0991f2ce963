"""The association's rules as values: groups, plans, resources, schedules, access rules.

``access.rules_file`` reads them from ``rules.toml``; the store keeps every applied
version; ``access.domain.snapshot`` turns them into what ``decide()`` needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from access.domain.pricing import Pricing
from access.domain.schedule import Schedule

ALWAYS = "always"
SECTIONS = ("group", "plan", "resource", "schedule", "rule")
"""The kinds of entry of a rule set, in the order a file and a diff list them."""


class ResourceKind(StrEnum):
    DOOR = "door"
    MACHINE = "machine"


class PlanPeriod(StrEnum):
    DAY = "day"  # valid until the day's cut-off
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class GroupDef:
    name: str
    description: str = ""
    break_glass: bool = False  # keyholders: always in every snapshot, always open
    can_train: bool = False  # may induct others on skills they hold
    maintainer: bool = False  # may put a machine back in service


@dataclass(frozen=True, slots=True)
class PlanDef:
    name: str
    period: PlanPeriod
    description: str = ""
    price_cents: int = 0
    suggested_cents: int | None = None  # pay-what-you-can plans (day passes)
    floor_cents: int = 0
    preset_cents: tuple[int, ...] = ()
    machine_discount_percent: int = 0  # off every priced machine session while the plan is active


@dataclass(frozen=True, slots=True)
class ResourceDef:
    name: str
    kind: ResourceKind
    node: str
    description: str = ""
    checkin: bool = False  # taps here check people in and out
    skill: str | None = None  # training required to use it
    max_session_minutes: int | None = None
    warn_minutes: int = 5
    pricing: Pricing | None = None


@dataclass(frozen=True, slots=True)
class ScheduleDef:
    name: str
    hours: tuple[str, ...]
    closed: tuple[date, ...] = ()

    def compile(self, holidays: tuple[date, ...] = ()) -> Schedule:
        return Schedule.parse(self.hours, (*self.closed, *holidays))


@dataclass(frozen=True, slots=True)
class RuleDef:
    """Members of ``groups`` or holders of ``plans`` may use ``resources`` during ``schedule``."""

    name: str
    resources: tuple[str, ...]
    groups: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    schedule: str = ALWAYS  # a [[schedule]] name, or "always"
    description: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    groups: tuple[GroupDef, ...] = ()
    plans: tuple[PlanDef, ...] = ()
    resources: tuple[ResourceDef, ...] = ()
    schedules: tuple[ScheduleDef, ...] = ()
    rules: tuple[RuleDef, ...] = ()
    holidays: tuple[date, ...] = field(default=())

    def group(self, name: str) -> GroupDef | None:
        return next((g for g in self.groups if g.name == name), None)

    def plan(self, name: str) -> PlanDef | None:
        return next((p for p in self.plans if p.name == name), None)

    def resource(self, name: str) -> ResourceDef | None:
        return next((r for r in self.resources if r.name == name), None)

    def schedule(self, name: str) -> ScheduleDef | None:
        return next((s for s in self.schedules if s.name == name), None)

    @property
    def skills(self) -> frozenset[str]:
        return frozenset(r.skill for r in self.resources if r.skill)

    def compiled_schedule(self, name: str) -> Schedule:
        if name == ALWAYS:  # "always" means always: holidays close named schedules only
            return Schedule.always()
        definition = self.schedule(name)
        if definition is None:
            raise KeyError(name)
        return definition.compile(self.holidays)
