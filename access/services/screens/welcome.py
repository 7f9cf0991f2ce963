"""What the kiosk shows a member who just tapped at the entrance.

The entrance node decided and opened the door; the kiosk sees the same decision over MQTT,
possibly before the hub stored it. Whether the tap checked the member in or out is worked
out here the way the hub will (``domain.visits.pair_taps`` over that day's allowed taps,
this one included), so the screen and the records agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from access.domain.decide import Reason
from access.domain.membership import MembershipStatus
from access.domain.ruleset import PlanPeriod, RuleSet
from access.domain.visits import Tap, pair_taps
from access.services.context import Site
from access.services.ledger import balances
from access.services.members import membership_status
from access.services.rules import applied_rules, door_for
from access.services.visits import forgotten_checkout
from access.store.models import AccessEvent, LedgerEntry, Member, Training, Visit
from access.texts import first_name

MOMENT = timedelta(microseconds=1)


class Presence(StrEnum):
    IN = "in"
    OUT = "out"
    NONE = "none"  # a denied tap, or a door that does not check people in


@dataclass(frozen=True, slots=True)
class TapSeen:
    """The entrance node's decision, as the kiosk received it."""

    event_id: str
    ts: datetime
    resource: str
    allowed: bool
    reason: Reason
    member_id: int | None
    until: datetime | None = None
    """The decision's date as the node saw it (membership end, or start if paid ahead)."""
    skill: str | None = None


@dataclass(frozen=True)
class Welcome:
    tap: TapSeen
    first_name: str | None
    presence: Presence = Presence.NONE
    status: MembershipStatus = MembershipStatus.NONE
    plan: str | None = None
    valid_until: datetime | None = None
    last_day: date | None = None
    """The last service day of the membership (shown as "until 3 Dec", or "ended on 3 Nov")."""
    days_left: int | None = None
    balance_cents: int = 0
    month_cents: int = 0
    """What the member contributed this month (charges: machines, passes)."""
    currency: str = "EUR"
    trained_on: list[str] = field(default_factory=list)
    """Machines the member may use, by their description."""
    forgot_checkout_on: date | None = None
    """The day the cut-off checked them out (they forgot): a gentle reminder."""
    credit_floor_cents: int = 0
    visitor: bool = False
    starts_on: date | None = None
    """The first service day of a membership paid ahead that has not begun."""
    resource_label: str | None = None
    """The tapped resource's description (its name if it has none)."""
    plan_label: str | None = None
    """The plan's description in rules.toml (its name if it has none): what a screen says."""
    closed_on: date | None = None
    """A refusal for a holiday: the closed date (a node's decision says only "holiday")."""
    opens_at: datetime | None = None
    """Refused outside hours or on a holiday: when the door next opens for this member."""
    opens_until: datetime | None = None
    """A day-pass visitor let in: when the door stops opening for their pass today (the
    closing time, not the cut-off that ends the pass)."""
    helpers: tuple[Helper, ...] = ()
    """Who is in and happy to help with a machine this member is not trained on (arrivals)."""


@dataclass(frozen=True, slots=True)
class Helper:
    first_name: str
    machine: str
    """The machine's description."""
    ask_me_about: str


def welcome(site: Site, tap: TapSeen) -> Welcome:
    """Everything the welcome screen shows, in a few queries."""
    currency = site.currency
    now = site.now()
    with site.store.read() as session:
        rules = applied_rules(session).rules
        label = next((r.description or r.name for r in rules.resources if r.name == tap.resource), None)
        member = None if tap.member_id is None else session.scalars(
            select(Member).options(selectinload(Member.memberships))
            .where(Member.id == tap.member_id)).first()
        if member is None:  # an unknown badge: no one to greet, the door by its description
            return Welcome(tap, None, currency=currency, resource_label=label)
        member_id = member.id
        checkin = {r.name for r in rules.resources if r.checkin}
        status, current = membership_status(member, now)
        last = (site.clock.service_day(current.valid_until - MOMENT)
                if current is not None and current.valid_until is not None else None)
        today = site.clock.service_day(now)
        active = status is MembershipStatus.ACTIVE
        days_left = (last - today).days + 1 if last is not None and active else None
        presence = _presence(session, site, tap, checkin) if tap.resource in checkin else Presence.NONE
        skills = {skill for (skill,) in session.execute(
            select(Training.skill).where(Training.member_id == member.id,
                                         (Training.expires_at.is_(None)) | (Training.expires_at > now)))}
        trained = [r.description or r.name for r in rules.resources if r.skill and r.skill in skills]
        month_start = site.clock.day_start(today.replace(day=1))
        month = session.scalar(select(func.coalesce(func.sum(LedgerEntry.cents), 0)).where(
            LedgerEntry.member_id == member.id, LedgerEntry.kind == "charge",
            LedgerEntry.membership_id.is_(None), LedgerEntry.created_at >= month_start)) or 0
        balance = balances(session, member.id).get(member.id, 0)
        visitor = bool(current is not None and (plan := rules.plan(current.plan))
                       and plan.period is PlanPeriod.DAY)
        plan_def = rules.plan(current.plan) if current else None
        shown = Welcome(tap, first_name(member.name), presence, status, current.plan if current else None,
                        current.valid_until if current else None, last, days_left, balance, -int(month),
                        currency, trained, None, site.config.site.credit_floor, visitor,
                        site.clock.service_day(current.valid_from)
                        if status is MembershipStatus.UPCOMING and current else None,
                        label, (plan_def.description or plan_def.name) if plan_def else None)
    if tap.reason is Reason.HOLIDAY:
        shown = replace(shown, closed_on=_closed_on(rules, site.clock.local(tap.ts), tap.resource))
    not_yet = tap.reason is Reason.MEMBERSHIP_NOT_STARTED and shown.visitor  # tomorrow's pass
    if (tap.reason in (Reason.OUTSIDE_HOURS, Reason.HOLIDAY) or not_yet) and tap.member_id is not None:
        # when the door opens for them next, by their own rules (as a code's refusal says it)
        answer = door_for(site, tap.member_id, tap.resource, tap.ts)
        shown = replace(shown, opens_at=None if answer.opening.open_now else answer.opening.change_at)
    if shown.visitor and tap.allowed and tap.member_id is not None:
        door = door_for(site, tap.member_id, tap.resource, tap.ts).opening
        shown = replace(shown, opens_until=door.change_at if door.open_now else None)
    if presence is Presence.IN:
        shown = replace(shown, helpers=_helpers(site, member_id, skills))
        reminder = forgotten_checkout(site, member_id)
        if reminder is not None:
            shown = replace(shown, forgot_checkout_on=reminder)
    return shown


def _closed_on(rules: RuleSet, local: datetime, resource: str) -> date | None:
    """The holiday that shut ``resource`` at ``local``, as ``decide()`` finds it: the first
    rule for it whose schedule a closed date keeps shut."""
    for rule in rules.rules:
        if resource in rule.resources:
            closed = rules.compiled_schedule(rule.schedule).closed_on(local)
            if closed is not None:
                return closed
    return None


def _presence(session: Session, site: Site, tap: TapSeen, checkin: set[str]) -> Presence:
    """In or out after this tap: pair the day's taps at check-in doors, this one included, as the
    hub does (a refused tap only checks out). NONE for a refused tap that changed nothing."""
    day = site.clock.service_day(tap.ts)
    start, end = site.clock.day_start(day), site.clock.day_end(day)
    taps = {event_id: Tap(ts, event_id, enters=allowed) for event_id, ts, allowed in session.execute(
        select(AccessEvent.event_id, AccessEvent.ts, AccessEvent.allowed).where(
            AccessEvent.member_id == tap.member_id,
            AccessEvent.resource.in_(sorted(checkin)), AccessEvent.ts >= start, AccessEvent.ts < end))}
    taps[tap.event_id] = Tap(tap.ts, tap.event_id, enters=tap.allowed)
    guard = timedelta(minutes=site.config.site.checkin_guard_minutes)
    stays = pair_taps([t for t in taps.values() if t.at <= tap.ts], day_end=end, now=tap.ts, guard=guard)
    if not stays:
        return Presence.NONE
    last = stays[-1]
    if not tap.allowed:
        return Presence.OUT if last.checked_out is not None and last.checked_out.event_id == tap.event_id \
            else Presence.NONE
    return Presence.IN if last.checked_out is None else Presence.OUT


MAX_HELPERS = 2


def _helpers(site: Site, member_id: int, skills: set[str]) -> tuple[Helper, ...]:
    """Members inside now who said what they help with, are shown on the dashboard and are
    trained on a machine ``member_id`` is not: "Grace is in and can help with the Prusa"."""
    now = site.now()
    start = site.clock.day_start(site.clock.service_day(now))
    with site.store.read() as session:
        machines = {r.skill: r.description or r.name for r in applied_rules(session).rules.resources
                    if r.skill and r.skill not in skills}
        if not machines:
            return ()
        rows = session.execute(
            select(Member.name, Member.ask_me_about, Training.skill)
            .join(Visit, Visit.member_id == Member.id)
            .join(Training, Training.member_id == Member.id)
            .where(Visit.checked_out_at.is_(None), Visit.checked_in_at >= start,
                   Member.id != member_id, Member.show_on_dashboard.is_(True), Member.ask_me_about != "",
                   Training.skill.in_(sorted(machines)),
                   (Training.expires_at.is_(None)) | (Training.expires_at > now))
            .order_by(Visit.checked_in_at, Member.name))
        found: list[Helper] = []
        for name, asks, skill in rows:
            if len(found) < MAX_HELPERS and all(h.machine != machines[skill] for h in found):
                found.append(Helper(first_name(name), machines[skill], asks))
    return tuple(found)
