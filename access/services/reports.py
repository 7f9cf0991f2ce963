"""Reports for the board and the treasurer: machine use, visits, occupancy, over a range of days.

Days are service days (cut-off to cut-off); ``until`` is included. Each query reads one
indexed range, so a month stays fast over years of history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from access.errors import InvalidInput
from access.services.context import Site
from access.store.models import Member, OccupancySample, UsageSession, Visit


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @classmethod
    def of(cls, site: Site, first: date | None, last: date | None) -> Period:
        """Default: from the 1st of this month to today."""
        today = site.today()
        last = last or today
        first = first or last.replace(day=1)
        if first > last:
            raise InvalidInput(f"--from {first} is after --to {last}")
        return cls(first, last)

    def bounds(self, site: Site) -> tuple[datetime, datetime]:
        return site.clock.day_start(self.first), site.clock.day_end(self.last)


@dataclass(frozen=True)
class UsageRow:
    member_id: int
    member: str
    email: str | None
    resource: str
    started: datetime
    ended: datetime | None
    seconds: int | None
    cost_cents: int | None
    prepaid_seconds: int

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "member": self.member, "email": self.email,
                "resource": self.resource, "started": self.started.isoformat(),
                "ended": self.ended.isoformat() if self.ended else None, "seconds": self.seconds,
                "cost_cents": self.cost_cents, "prepaid_seconds": self.prepaid_seconds}


@dataclass(frozen=True)
class VisitRow:
    member_id: int
    member: str
    email: str | None
    day: date
    checked_in: datetime
    checked_out: datetime | None
    auto_checked_out: bool

    @property
    def seconds(self) -> int | None:
        return int((self.checked_out - self.checked_in).total_seconds()) if self.checked_out else None

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "member": self.member, "email": self.email,
                "day": self.day.isoformat(), "checked_in": self.checked_in.isoformat(),
                "checked_out": self.checked_out.isoformat() if self.checked_out else None,
                "seconds": self.seconds, "auto_checked_out": self.auto_checked_out}


@dataclass(frozen=True)
class OccupancyRow:
    day: date
    peak: int
    average: float
    visits: int
    members: int
    capacity: int

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "peak": self.peak, "average": round(self.average, 1),
                "visits": self.visits, "members": self.members, "capacity": self.capacity}


def usage(site: Site, period: Period) -> list[UsageRow]:
    start, end = period.bounds(site)
    with site.store.read() as session:
        rows = session.connection().execute(
            select(UsageSession.member_id, Member.name, Member.email, UsageSession.resource,
                   UsageSession.started_at, UsageSession.ended_at, UsageSession.active_seconds,
                   UsageSession.cost_cents, UsageSession.prepaid_seconds)
            .join(Member, Member.id == UsageSession.member_id)
            .where(UsageSession.started_at >= start, UsageSession.started_at < end)
            .order_by(UsageSession.started_at, UsageSession.id))
        return [UsageRow(*row) for row in rows.all()]


def visits(site: Site, period: Period) -> list[VisitRow]:
    start, end = period.bounds(site)
    with site.store.read() as session:
        rows = session.connection().execute(
            select(Visit.member_id, Member.name, Member.email, Visit.service_day, Visit.checked_in_at,
                   Visit.checked_out_at, Visit.auto_checked_out)
            .join(Member, Member.id == Visit.member_id)
            .where(Visit.checked_in_at >= start, Visit.checked_in_at < end)
            .order_by(Visit.checked_in_at, Visit.id))
        return [VisitRow(*row) for row in rows.all()]


def occupancy(site: Site, period: Period) -> list[OccupancyRow]:
    """Per day: peak and average people in (from the 15-minute samples), visits, members."""
    start, end = period.bounds(site)
    clock = site.clock
    samples: dict[date, list[int]] = defaultdict(list)
    with site.store.read() as session:
        for ts, present in session.execute(
                select(OccupancySample.ts, OccupancySample.present)
                .where(OccupancySample.ts >= start, OccupancySample.ts < end)):
            samples[clock.service_day(ts)].append(present)
        counts = {day: (n, m) for day, n, m in session.execute(
            select(Visit.service_day, func.count(), func.count(Visit.member_id.distinct()))
            .where(Visit.service_day >= period.first, Visit.service_day <= period.last)
            .group_by(Visit.service_day))}
    capacity = site.config.site.capacity
    rows = []
    day = period.first
    while day <= period.last:
        taken = samples.get(day, [])
        visits_count, members = counts.get(day, (0, 0))
        if taken or visits_count:
            rows.append(OccupancyRow(day, max(taken, default=0),
                                     sum(taken) / len(taken) if taken else 0.0, visits_count, members,
                                     capacity))
        day += timedelta(days=1)
    return rows


@dataclass(frozen=True)
class Total:
    key: str
    count: int
    seconds: int
    cents: int


def usage_totals(rows: list[UsageRow], by: str) -> list[Total]:
    """Sessions, hours and money per ``resource`` or per ``member``."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        key = row.resource if by == "resource" else row.member
        total = totals[key]
        total[0] += 1
        total[1] += row.seconds or 0
        total[2] += row.cost_cents or 0
    return [Total(k, *v) for k, v in sorted(totals.items())]
