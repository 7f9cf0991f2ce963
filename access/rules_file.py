"""``rules.toml``: read and validate, with every problem at once (the diff: ``domain.ruleset_diff``).

Syntax errors point at ``file:line:col``; semantic ones name the entry and the line, e.g.
``rules.toml:41: [[rule]] "evening-makers": unknown group "volunteerz" (did you mean
"volunteers"?)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import date
from typing import Any, TypeVar

from access.domain.money import Money, MoneyError
from access.domain.pricing import Pricing
from access.domain.ruleset import (
    ALWAYS,
    SECTIONS,
    GroupDef,
    PlanDef,
    PlanPeriod,
    ResourceDef,
    ResourceKind,
    RuleDef,
    RuleSet,
    ScheduleDef,
)
from access.domain.schedule import ScheduleError, TimeRange
from access.errors import FileInvalid, Problem, did_you_mean, unknown
from access.toml_lines import PathPart, TomlLines, parse_toml

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
TOP_LEVEL = {*SECTIONS, "holidays"}
T = TypeVar("T")
# The rules travel inside every node's snapshot, beside the members and their cards, and a
# node ignores a snapshot above MAX_SNAPSHOT_BYTES (32 MiB): a bigger file would be applied,
# then no later change (a revoked card) would reach a door. A real file is a few KiB.
MAX_RULES_BYTES = 1024 * 1024


class _Reader:
    """Collects problems while reading one file; the typed getters never raise."""

    def __init__(self, filename: str, lines: TomlLines) -> None:
        self.filename = filename
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, path: tuple[PathPart, ...], label: str, message: str) -> None:
        prefix = f"{label}: " if label else ""
        self.problems.append(Problem(self.filename, prefix + message, self.lines.line_of(path)))


class _Entry:
    """One ``[[section]]`` table, with typed getters that report instead of raising."""

    def __init__(self, reader: _Reader, section: str, index: int, data: dict[str, Any]) -> None:
        self.reader = reader
        self.section = section
        self.index = index
        self.data = data
        name = data.get("name")
        self.name = name if isinstance(name, str) else ""
        self.label = f'[[{section}]] "{name}"' if self.name else f"[[{section}]] #{index + 1}"

    def path(self, *keys: PathPart) -> tuple[PathPart, ...]:
        return (self.section, self.index, *keys)

    def problem(self, key: str | None, message: str) -> None:
        self.reader.problem(self.path(key) if key else self.path(), self.label, message)

    def check_keys(self, allowed: Collection[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(key, unknown("key", key, allowed))

    def get(self, key: str, kind: type[T], default: T, *, what: str) -> T:
        value = self.data.get(key, default)
        if isinstance(value, bool) and kind is not bool:
            self.problem(key, f'"{key}" must be {what}')
            return default
        if not isinstance(value, kind):
            self.problem(key, f'"{key}" must be {what}')
            return default
        return value

    def text(self, key: str, default: str = "") -> str:
        return self.get(key, str, default, what="a string")

    def flag(self, key: str) -> bool:
        return self.get(key, bool, False, what="true or false")

    def count(self, key: str, *, minimum: int = 0) -> int | None:
        if key not in self.data:
            return None
        value = self.get(key, int, minimum, what="a whole number")
        if value < minimum:
            self.problem(key, f'"{key}" must be at least {minimum}')
            return minimum
        return value

    def names(self, key: str, *, single: str | None = None) -> tuple[str, ...]:
        if single and single in self.data and key not in self.data:
            key = single
            value: Any = [self.data[single]]
        else:
            value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, f'"{key}" must be a list of names, like ["a", "b"]')
            return ()
        return tuple(value)

    def cents(self, key: str, table: dict[str, Any] | None = None,
              path: tuple[PathPart, ...] | None = None) -> int | None:
        source = self.data if table is None else table
        if key not in source:
            return None
        value = source[key]
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise MoneyError(f'"{key}" must be an amount like 2.50')
            return Money.parse(str(value)).cents
        except MoneyError as error:
            where = path if path is not None else self.path(key)
            self.reader.problem(where, self.label, f'"{key}": {error}')
            return None


def _entries(reader: _Reader, data: dict[str, Any], section: str) -> list[_Entry]:
    raw = data.get(section, [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        reader.problem((section,), "", f"[[{section}]] must be written as a list of tables")
        return []
    entries = [_Entry(reader, section, i, item) for i, item in enumerate(raw)]
    seen: set[str] = set()
    for entry in entries:
        if not entry.name:
            entry.problem("name", 'needs a "name"')
        elif not NAME.match(entry.name):
            entry.problem("name", "a name is lower-case letters, digits and dashes (max 40)")
        elif entry.name in seen:
            entry.problem("name", f'a second [[{section}]] is named "{entry.name}"')
        elif section == "schedule" and entry.name == ALWAYS:
            entry.problem("name", f'"{ALWAYS}" is reserved (rules use it for 24/7, holidays '
                                  "included): give this schedule another name")
        seen.add(entry.name)
    return entries


def _read_group(entry: _Entry) -> GroupDef:
    entry.check_keys(("name", "description", "break_glass", "can_train", "maintainer"))
    return GroupDef(entry.name, entry.text("description"), entry.flag("break_glass"),
                    entry.flag("can_train"), entry.flag("maintainer"))


def _choice(entry: _Entry, key: str, enum: Callable[[str], T], choices: Collection[str],
            default: str | None) -> T | None:
    value = entry.data.get(key, default)
    if value is None:
        entry.problem(key, f'needs a "{key}": one of {", ".join(choices)}')
        return None
    if value not in choices:
        entry.problem(key, f'"{key}" is "{value}": one of {", ".join(choices)}'
                      + did_you_mean(str(value), choices))
        return None
    return enum(value)


def _read_plan(entry: _Entry) -> PlanDef:
    entry.check_keys(("name", "period", "description", "price", "suggested", "floor", "presets",
                      "machine_discount"))
    period = _choice(entry, "period", PlanPeriod, [p.value for p in PlanPeriod], None)
    floor = entry.cents("floor") or 0
    suggested = entry.cents("suggested")
    presets: list[int] = []
    raw_presets = entry.data.get("presets", [])
    if not isinstance(raw_presets, list):
        entry.problem("presets", '"presets" must be a list of amounts, like [5, 10, 20]')
    else:
        for value in raw_presets:
            cents = entry.cents("presets", {"presets": value}, entry.path("presets"))
            if cents is not None:
                presets.append(cents)
    if floor < 0:
        entry.problem("floor", '"floor" cannot be negative')
    if suggested is not None and suggested < floor:
        entry.problem("suggested", '"suggested" is below "floor"')
    if any(p < floor for p in presets):
        entry.problem("presets", 'every preset must be at least "floor"')
    price = entry.cents("price") or 0
    if price < 0:
        entry.problem("price", '"price" cannot be negative')
    discount = entry.data.get("machine_discount", 0)
    if isinstance(discount, bool) or not isinstance(discount, int) or not 0 <= discount <= 100:
        entry.problem("machine_discount", '"machine_discount" is a percentage: a whole number from 0 to 100')
        discount = 0
    return PlanDef(entry.name, period or PlanPeriod.MONTH, entry.text("description"), price,
                   suggested, floor, tuple(presets), discount)


PRICING_KEYS = ("session_fee", "hourly", "block_minutes", "minimum", "free_minutes", "daily_cap")


def _read_pricing(entry: _Entry) -> Pricing | None:
    table = entry.data.get("pricing")
    if table is None:
        return None
    if not isinstance(table, dict):
        entry.problem("pricing", "[resource.pricing] must be a table")
        return None
    for key in table:
        if key not in PRICING_KEYS:
            entry.reader.problem(entry.path("pricing", key), entry.label,
                                 unknown("pricing key", key, PRICING_KEYS))

    def amount(key: str) -> int | None:
        cents = entry.cents(key, table, entry.path("pricing", key))
        if cents is not None and cents < 0:
            entry.reader.problem(entry.path("pricing", key), entry.label,
                                 f'"{key}" cannot be negative')
            return 0
        return cents

    def minutes(key: str, default: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            entry.reader.problem(entry.path("pricing", key), entry.label,
                                 f'"{key}" must be a whole number of minutes, 0 or more')
            return default
        return value

    return Pricing(
        session_fee_cents=amount("session_fee") or 0,
        hourly_cents=amount("hourly") or 0,
        block_minutes=minutes("block_minutes", 15),
        minimum_cents=amount("minimum") or 0,
        free_seconds=minutes("free_minutes", 0) * 60,
        daily_cap_cents=amount("daily_cap"),
    )


def _read_resource(entry: _Entry, nodes: Collection[str] | None) -> ResourceDef:
    entry.check_keys(("name", "kind", "node", "description", "checkin", "skill",
                      "max_session_minutes", "warn_minutes", "pricing"))
    kind = _choice(entry, "kind", ResourceKind, [k.value for k in ResourceKind], None)
    node = entry.text("node")
    if not node:
        entry.problem("node", 'needs a "node": the seuil.toml [nodes.<id>] that drives it')
    elif nodes is not None and node not in nodes:
        known = ", ".join(sorted(nodes)) or "none"
        entry.problem("node", f"{unknown('node', node, nodes)}; seuil.toml defines: {known}")
    checkin = entry.flag("checkin")
    pricing = _read_pricing(entry)
    if kind is ResourceKind.DOOR:
        if pricing is not None:
            entry.problem("pricing", "a door has no pricing (day passes are priced as plans)")
        if "max_session_minutes" in entry.data:
            entry.problem("max_session_minutes", "a door has no sessions")
    if checkin and kind is ResourceKind.MACHINE:
        entry.problem("checkin", "only a door can be a check-in point")
    max_minutes = entry.count("max_session_minutes", minimum=1)
    warn = entry.count("warn_minutes", minimum=0)
    if max_minutes is not None and warn is not None and warn >= max_minutes:
        entry.problem("warn_minutes", '"warn_minutes" must be shorter than "max_session_minutes"')
    skill = entry.text("skill") or None
    if skill is not None and not NAME.match(skill):
        entry.problem("skill", "a skill is lower-case letters, digits and dashes")
    return ResourceDef(entry.name, kind or ResourceKind.DOOR, node, entry.text("description"),
                       checkin, skill, max_minutes, 5 if warn is None else warn, pricing)


def _read_dates(reader: _Reader, path: tuple[PathPart, ...], label: str, value: Any) -> tuple[date, ...]:
    if not isinstance(value, list) or not all(type(v) is date for v in value):
        reader.problem(path, label, "closed dates are a list of bare TOML dates, like [2026-12-25]")
        return ()
    return tuple(value)


def _read_schedule(entry: _Entry) -> ScheduleDef:
    entry.check_keys(("name", "hours", "closed", "description"))
    hours = entry.names("hours")
    if not hours:
        entry.problem("hours", 'needs "hours", like ["Mon-Fri 08:00-20:00", "Sat 10:00-18:00"]')
    for line in hours:
        if line.strip().lower() in (ALWAYS, "24/7"):
            continue
        try:
            TimeRange.parse(line)
        except ScheduleError as error:
            entry.problem("hours", str(error))
    closed = _read_dates(entry.reader, entry.path("closed"), entry.label,
                         entry.data.get("closed", []))
    return ScheduleDef(entry.name, hours, closed)


def _read_rule(entry: _Entry, rules: RuleSet) -> RuleDef:
    entry.check_keys(("name", "description", "groups", "plans", "resources", "resource",
                      "schedule"))
    groups = entry.names("groups")
    plans = entry.names("plans")
    resources = entry.names("resources", single="resource")
    schedule = entry.text("schedule", ALWAYS)
    known_groups = [g.name for g in rules.groups]
    known_plans = [p.name for p in rules.plans]
    known_resources = [r.name for r in rules.resources]
    known_schedules = [s.name for s in rules.schedules]
    for group in groups:
        if group not in known_groups:
            entry.problem("groups", unknown("group", group, known_groups))
    for plan in plans:
        if plan not in known_plans:
            entry.problem("plans", unknown("plan", plan, known_plans))
    if not resources:
        entry.problem("resources", 'needs "resources": the doors or machines it opens')
    for resource in resources:
        if resource not in known_resources:
            entry.problem("resources", unknown("resource", resource, known_resources))
    if not groups and not plans:
        entry.problem(None, 'needs "groups" or "plans": who the rule is for')
    if schedule != ALWAYS and schedule not in known_schedules:
        entry.problem("schedule", unknown("schedule", schedule, [*known_schedules, ALWAYS]))
    return RuleDef(entry.name, resources, groups, plans, schedule, entry.text("description"))


def parse_rules(text: str, filename: str, *, nodes: Collection[str] | None = None) -> RuleSet:
    """Read and validate a rules text. Raises ``FileInvalid`` with every problem found.

    ``nodes`` are the node ids defined in seuil.toml; when given, each resource's node must
    be one of them.
    """
    size = len(text.encode())
    if size > MAX_RULES_BYTES:
        raise FileInvalid([Problem(
            filename, f"{size} bytes is too big: a rules file may hold {MAX_RULES_BYTES} bytes "
            "(it travels to every node in the snapshot)")])
    data, lines = parse_toml(text, filename)
    reader = _Reader(filename, lines)
    for key in data:
        if key not in TOP_LEVEL:
            reader.problem((key,), "", unknown("section", key, TOP_LEVEL))
    holidays = _read_dates(reader, ("holidays",), "holidays", data.get("holidays", []))
    partial = RuleSet(
        groups=tuple(_read_group(e) for e in _entries(reader, data, "group")),
        plans=tuple(_read_plan(e) for e in _entries(reader, data, "plan")),
        resources=tuple(_read_resource(e, nodes) for e in _entries(reader, data, "resource")),
        schedules=tuple(_read_schedule(e) for e in _entries(reader, data, "schedule")),
        holidays=holidays,
    )
    rules = tuple(_read_rule(e, partial) for e in _entries(reader, data, "rule"))
    _one_resource_per_node(reader, partial.resources)
    if reader.problems:
        raise FileInvalid(reader.problems)
    return RuleSet(partial.groups, partial.plans, partial.resources, partial.schedules, rules,
                   holidays)


def _one_resource_per_node(reader: _Reader, resources: tuple[ResourceDef, ...]) -> None:
    """A node has one reader and one relay, so it drives one door or one machine."""
    driven: dict[str, str] = {}
    for index, resource in enumerate(resources):
        if not resource.node:
            continue
        if resource.node in driven:
            reader.problem(("resource", index, "node"), f'[[resource]] "{resource.name}"',
                           f'node "{resource.node}" already drives "{driven[resource.node]}"; '
                           "a node has one reader and one relay: give each its own node")
        else:
            driven[resource.node] = resource.name
