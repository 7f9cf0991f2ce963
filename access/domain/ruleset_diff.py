"""What applying a new rule set over the one in force changes, entry by entry (``rules apply``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from access.domain.pricing import Pricing
from access.domain.ruleset import SECTIONS, RuleSet


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the applied rules and a new file."""

    op: str  # "+", "-" or "~"
    section: str
    name: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        head = f'{self.op} {self.section}' + ("" if self.section == self.name else f' "{self.name}"')
        return head + (": " + "; ".join(self.details) if self.details else "")


def _field_changes(old: object, new: object) -> tuple[str, ...]:
    changes = []
    for item in fields(old):  # type: ignore[arg-type]
        before, after = getattr(old, item.name), getattr(new, item.name)
        if before != after:
            changes.append(f"{item.name} {_show(before)} -> {_show(after)}")
    return tuple(changes)


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, Pricing):
        return "{" + ", ".join(f"{f.name}={getattr(value, f.name)}" for f in fields(value)) + "}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def diff_rules(old: RuleSet | None, new: RuleSet) -> list[Change]:
    """What applying ``new`` over ``old`` changes, entry by entry."""
    old = old or RuleSet()
    changes: list[Change] = []
    pairs: list[tuple[str, Iterable[Any], Iterable[Any]]] = [
        ("group", old.groups, new.groups), ("plan", old.plans, new.plans),
        ("resource", old.resources, new.resources), ("schedule", old.schedules, new.schedules),
        ("rule", old.rules, new.rules),
    ]
    for section, before_items, after_items in pairs:
        before = {item.name: item for item in before_items}
        after = {item.name: item for item in after_items}
        for name in before.keys() - after.keys():
            changes.append(Change("-", section, name))
        for name, item in after.items():
            if name not in before:
                changes.append(Change("+", section, name))
            elif before[name] != item:
                changes.append(Change("~", section, name, _field_changes(before[name], item)))
    if old.holidays != new.holidays:
        changes.append(Change("~", "holidays", "holidays",
                              (f"{_show(old.holidays)} -> {_show(new.holidays)}",)))
    order = {"-": 0, "~": 1, "+": 2}
    return sorted(changes, key=lambda c: (SECTIONS.index(c.section) if c.section in SECTIONS
                                          else len(SECTIONS), order[c.op], c.name))
