"""A month for the board: income by kind, day passes' pay-what-you-can spread, the cash box,
occupancy by day and hour, machine hours, members who joined and left.

``month(site, "2026-11")`` reads it all (each query one indexed range of the month, so five
years of history cost no more than one); ``access/pdf/month_report.py`` draws it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from access.domain.books import ChargeFor
from access.services import accounts, cash_box, checkouts, reports, volunteering
from access.services.books import charge_for
from access.services.context import Site
from access.store.models import DayPass, Member, Membership, OccupancySample, Visit


@dataclass(frozen=True)
class Income:
    """What was charged for one kind of thing in the month (positive), and forgiven of it."""

    kind: ChargeFor
    entries: int
    cents: int
    waived_cents: int = 0


@dataclass(frozen=True)
class Machine:
    resource: str
    sessions: int
    seconds: int
    cents: int


@dataclass(frozen=True)
class Day:
    day: date
    peak: int
    visits: int


@dataclass(frozen=True)
class MonthReport:
    month: str
    site_name: str
    currency: str
    first: date
    last: date
    capacity: int
    income: list[Income]
    received: dict[str, int]
    """Payments received, per method."""
    day_passes: list[int]
    """The amount paid for each day pass sold in the month (pay what you can: 0 counts)."""
    cash: list[cash_box.CountLine]
    deposited_cents: int
    days: list[Day]
    by_weekday_hour: dict[tuple[int, int], float]
    """Average people in, per (weekday 0 = Monday, hour), from the 15-minute samples (or the
    visits, where the hub took no samples)."""
    machines: list[Machine]
    joined: list[str]
    left: list[str]
    members_active: int
    volunteer_seconds: int
    volunteers: int
    timezone: str = "Europe/Paris"
    """The site's: times on the report are local."""
    paid_twice: list[int] = field(default_factory=list)
    """Second payments for one pass or top-up in the month (cents each): money held on the
    payers' ledgers until the treasurer refunds it or keeps it as a gift."""

    @property
    def income_cents(self) -> int:
        return sum(i.cents - i.waived_cents for i in self.income)


def _income(site: Site, month: str) -> tuple[list[Income], dict[str, int]]:
    entries = accounts.list_entries(site, month=month)
    by_id = {e.id: e for e in entries}
    charged: dict[ChargeFor, list[int]] = defaultdict(lambda: [0, 0, 0])
    received: dict[str, int] = defaultdict(int)
    for e in entries:
        if e.kind == "charge":
            total = charged[charge_for(e)]
            total[0] += 1
            total[1] += -e.cents
        elif e.kind == "payment":
            received[e.method or "cash"] += e.cents
    for e in entries:
        if e.kind == "waiver" and (e.reference or "").startswith("waiver:"):
            waived = by_id.get(int((e.reference or "").split(":")[1]))
            kind = charge_for(waived) if waived is not None else ChargeFor.OTHER
            charged[kind][2] += e.cents
    order = list(ChargeFor)
    kinds = sorted(charged, key=order.index)
    return ([Income(k, *charged[k]) for k in kinds], dict(sorted(received.items())))


def _occupancy(site: Site, start: datetime, end: datetime) -> dict[tuple[int, int], float]:
    clock = site.clock
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    with site.store.read() as session:
        samples = session.execute(select(OccupancySample.ts, OccupancySample.present).where(
            OccupancySample.ts >= start, OccupancySample.ts < end)).all()
        if samples:
            for ts, present in samples:
                local = clock.local(ts)
                cell = sums[(local.weekday(), local.hour)]
                cell[0] += present
                cell[1] += 1
            return {k: total / n for k, (total, n) in sums.items()}
        visits = session.execute(select(Visit.checked_in_at, Visit.checked_out_at).where(
            Visit.checked_in_at >= start, Visit.checked_in_at < end)).all()
    # No samples (a hub that ran without its job): people in each hour, from the visits
    hours: dict[datetime, int] = defaultdict(int)
    for checked_in, checked_out in visits:
        at = clock.local(checked_in).replace(minute=0, second=0, microsecond=0)
        until = clock.local(checked_out or checked_in)
        while at <= until:
            hours[at] += 1
            at += timedelta(hours=1)
    for at, present in hours.items():
        cell = sums[(at.weekday(), at.hour)]
        cell[0] += present
        cell[1] += 1
    days_per_weekday: dict[int, int] = defaultdict(int)
    day = clock.local(start).date()
    while day < clock.local(end).date():
        days_per_weekday[day.weekday()] += 1
        day += timedelta(days=1)
    return {k: total / max(days_per_weekday[k[0]], 1) for k, (total, _) in sums.items()}


def _members(site: Site, start: datetime, end: datetime) -> tuple[list[str], list[str], int]:
    day_pass = site.config.kiosk.day_pass_plan
    with site.store.read() as session:
        spans = session.execute(
            select(Member.name, func.min(Membership.valid_from), func.max(Membership.valid_until),
                   func.count(Membership.valid_until) == func.count())
            .join(Membership, Membership.member_id == Member.id)
            .where(Membership.plan != day_pass).group_by(Member.id, Member.name)).all()
    clock = site.clock
    first_day, last_day = clock.local(start).date(), clock.local(end).date() - timedelta(days=1)
    # by service days: a membership valid until 1 December at the cut-off ended on 30 November
    joined = sorted(name for name, first, _, _ in spans if first_day <= clock.service_day(first) <= last_day)
    left = sorted(name for name, _, last, all_end in spans
                  if all_end and last is not None and first_day <= clock.last_day(last) <= last_day)
    active = sum(1 for _, first, last, all_end in spans
                 if first < end and (not all_end or last is None or last > start))
    return joined, left, active


def month(site: Site, month_text: str) -> MonthReport:
    start, end = accounts.month_range(site, month_text)
    first = site.clock.local(start).date()
    last = site.clock.local(end).date() - timedelta(days=1)
    period = reports.Period(first, last)
    income, received = _income(site, month_text)
    with site.store.read() as session:
        passes = [c for (c,) in session.execute(select(DayPass.amount_cents).where(
            DayPass.sold_at >= start, DayPass.sold_at < end))]
    days = [Day(r.day, r.peak if r.peak else r.members, r.visits) for r in reports.occupancy(site, period)]
    machines = [Machine(t.key, t.count, t.seconds, t.cents)
                for t in reports.usage_totals(reports.usage(site, period), "resource")]
    joined, left, active = _members(site, start, end)
    hours = volunteering.list_hours(site, month=month_text)
    return MonthReport(
        month_text, site.config.site.name, site.currency, first, last, site.config.site.capacity,
        income, received, sorted(passes), cash_box.book(site, start, end),
        sum(d.cents for d in cash_box.deposits(site, start, end)), days, _occupancy(site, start, end),
        machines, joined, left, active, sum(h.seconds for h in hours), len({h.member_id for h in hours}),
        site.clock.timezone_name, [c.second_cents for c in checkouts.paid_twice(site, start, end)])
