"""The access decision: may this card use this resource now?

``decide()`` is pure and fast (a few dictionary look-ups): a node calls it on every tap
with the snapshot it holds, whether or not the hub is reachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from access.domain.cards import CardStatus
from access.domain.ruleset import ResourceKind
from access.domain.snapshot import Snapshot

BREAK_GLASS_RULE = "break-glass"


class Reason(StrEnum):
    """Why a tap was allowed or denied. The values are stable codes (CLI ``--json``, MQTT)."""

    ALLOWED = "allowed"
    UNKNOWN_CARD = "unknown_card"
    CARD_REVOKED = "card_revoked"
    MEMBER_SUSPENDED = "member_suspended"
    MEMBERSHIP_EXPIRED = "membership_expired"
    MEMBERSHIP_NOT_STARTED = "membership_not_started"
    NO_ACCESS = "no_access"
    OUTSIDE_HOURS = "outside_hours"
    HOLIDAY = "holiday"
    TRAINING_REQUIRED = "training_required"
    NOT_ENOUGH_CREDIT = "not_enough_credit"
    MACHINE_IN_USE = "machine_in_use"
    OUT_OF_SERVICE = "out_of_service"
    UNKNOWN_RESOURCE = "unknown_resource"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of a tap, with what a screen needs to explain it."""

    allowed: bool
    reason: Reason
    resource: str
    member_id: int | None = None
    member_name: str | None = None
    rule: str | None = None
    until: datetime | None = None  # allowed: membership end; expired: its end; not started: its start
    skill: str | None = None
    balance_cents: int | None = None
    floor_cents: int | None = None
    occupant_id: int | None = None
    card_status: CardStatus | None = None
    closed_on: date | None = None  # holiday: the closed date


def decide(
    card: str,
    resource: str,
    now: datetime,
    snapshot: Snapshot,
    *,
    occupant: int | None = None,
) -> Decision:
    """Decide whether the card with keyed hash ``card`` may use ``resource`` at ``now``.

    ``occupant`` is the member currently running a session on a machine, if any: someone
    else is refused with ``machine_in_use``, the occupant is allowed (their tap ends it).

    The checks run in a fixed order and the first failing one is the reason: card, member
    suspension, break-glass, service state, occupancy, membership, rules, holidays, schedule,
    training, credit.
    """
    card_view = snapshot.cards.get(card)
    if card_view is None:
        return Decision(False, Reason.UNKNOWN_CARD, resource)
    member = snapshot.members.get(card_view.member_id)
    if member is None:
        return Decision(False, Reason.UNKNOWN_CARD, resource)

    def verdict(allowed: bool, reason: Reason, **details: Any) -> Decision:
        return Decision(allowed, reason, resource, member.id, member.name, **details)

    if card_view.status is not CardStatus.ACTIVE:
        return verdict(False, Reason.CARD_REVOKED, card_status=card_view.status)
    target = snapshot.resources.get(resource)
    if target is None:
        return verdict(False, Reason.UNKNOWN_RESOURCE)
    if member.suspended:
        return verdict(False, Reason.MEMBER_SUSPENDED)

    in_use_by_other = (
        target.kind is ResourceKind.MACHINE and occupant is not None and occupant != member.id
    )
    if member.groups & snapshot.break_glass_groups:
        if in_use_by_other:  # a keyholder opens everything but never cuts someone's job
            return verdict(False, Reason.MACHINE_IN_USE, occupant_id=occupant)
        return verdict(True, Reason.ALLOWED, rule=BREAK_GLASS_RULE)

    if resource in snapshot.out_of_service:
        return verdict(False, Reason.OUT_OF_SERVICE)
    if in_use_by_other:
        return verdict(False, Reason.MACHINE_IN_USE, occupant_id=occupant)

    plans = member.active_plans(now)
    if not plans:
        current = member.standing(now).current
        if current is not None and current.valid_from > now:
            return verdict(False, Reason.MEMBERSHIP_NOT_STARTED, until=current.valid_from)
        return verdict(False, Reason.MEMBERSHIP_EXPIRED,
                       until=current.valid_until if current else None)
    rules = [r for r in snapshot.rules_by_resource.get(resource, ()) if r.applies_to(member, plans)]
    if not rules:
        return verdict(False, Reason.NO_ACCESS)
    local = snapshot.clock.local(now)
    open_rule = next((r for r in rules if r.schedule.is_open(local)), None)
    if open_rule is None:
        for closed in rules:  # open but for a holiday: say so, and which day
            if (day := closed.schedule.closed_on(local)) is not None:
                return verdict(False, Reason.HOLIDAY, rule=closed.name, closed_on=day)
        return verdict(False, Reason.OUTSIDE_HOURS, rule=rules[0].name)
    rule = open_rule.name

    if target.skill and not member.trained(target.skill, now):
        return verdict(False, Reason.TRAINING_REQUIRED, rule=rule, skill=target.skill)
    billable = target.pricing is not None and not target.pricing.is_free
    if billable and member.balance_cents < snapshot.credit_floor_cents:
        return verdict(False, Reason.NOT_ENOUGH_CREDIT, rule=rule,
                       balance_cents=member.balance_cents, floor_cents=snapshot.credit_floor_cents)
    current = member.standing(now).current
    return verdict(True, Reason.ALLOWED, rule=rule, until=current.valid_until if current else None,
                   balance_cents=member.balance_cents)
