"""Who is in, how full the space is, which machines run: the volunteers' dashboard.

The day's chart reads the samples the hub takes every 15 minutes (``services.occupancy``); the
rest is read live.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.services.context import Site
from access.store.models import Member, OccupancySample, UsageSession, Visit


@dataclass(frozen=True)
class Present:
    member_id: int
    name: str | None
    """None unless the member chose to be shown on the dashboard."""
    since: datetime
    ask_me_about: str = ""
    """What they are happy to help with (only when their name is shown)."""


@dataclass(frozen=True)
class MachineInUse:
    resource: str
    member_id: int
    name: str | None
    since: datetime


@dataclass(frozen=True)
class Dashboard:
    at: datetime
    capacity: int
    present: list[Present] = field(default_factory=list)
    machines: list[MachineInUse] = field(default_factory=list)
    chart: list[tuple[datetime, int]] = field(default_factory=list)
    """Today's samples: (time, people in)."""

    @property
    def count(self) -> int:
        return len(self.present)

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "capacity": self.capacity, "count": self.count,
                "present": [{"member_id": p.member_id, "name": p.name, "since": p.since.isoformat(),
                             "ask_me_about": p.ask_me_about} for p in self.present],
                "machines": [{"resource": m.resource, "member_id": m.member_id, "name": m.name,
                              "since": m.since.isoformat()} for m in self.machines],
                "chart": [[t.isoformat(), n] for t, n in self.chart]}


def _present(session: Session, today_start: datetime) -> list[Present]:
    rows = session.execute(
        select(Visit.member_id, Member.name, Member.show_on_dashboard, Visit.checked_in_at,
               Member.ask_me_about)
        .join(Member, Member.id == Visit.member_id)
        .where(Visit.checked_out_at.is_(None), Visit.checked_in_at >= today_start)
        .order_by(Visit.checked_in_at))
    return [Present(member_id, name if shown else None, since, asks if shown else "")
            for member_id, name, shown, since, asks in rows]


def _machines(session: Session) -> list[MachineInUse]:
    rows = session.execute(
        select(UsageSession.resource, UsageSession.member_id, Member.name, Member.show_on_dashboard,
               UsageSession.started_at)
        .join(Member, Member.id == UsageSession.member_id)
        .where(UsageSession.ended_at.is_(None)).order_by(UsageSession.resource))
    return [MachineInUse(resource, member_id, name if shown else None, since)
            for resource, member_id, name, shown, since in rows]


def dashboard(site: Site) -> Dashboard:
    """Now: who is in (names only for those who opted in), machines in use, today's chart."""
    now = site.now()
    start = site.clock.day_start(site.clock.service_day(now))
    with site.store.read() as session:
        chart = [(ts, present) for ts, present in session.execute(
            select(OccupancySample.ts, OccupancySample.present)
            .where(OccupancySample.ts >= start).order_by(OccupancySample.ts))]
        return Dashboard(now, site.config.site.capacity, _present(session, start), _machines(session),
                         chart)


def roll_call(site: Site) -> list[tuple[int, str, datetime]]:
    """Everyone checked in now, with their names (for a fire drill, whatever they opted for)."""
    start = site.clock.day_start(site.today())
    with site.store.read() as session:
        return [(member_id, name, since) for member_id, name, since in session.execute(
            select(Visit.member_id, Member.name, Visit.checked_in_at)
            .join(Member, Member.id == Visit.member_id)
            .where(Visit.checked_out_at.is_(None), Visit.checked_in_at >= start)
            .order_by(Member.name))]


@dataclass(frozen=True)
class HourBar:
    hour: int
    """Local hour of the day (9 = 09:00-10:00)."""
    today: float | None
    """People in during that hour today (mean of its samples); None for hours to come."""
    typical: float
    """The same hour on the same weekday, averaged over the previous weeks."""


def hourly(site: Site, *, weeks: int = 8, hours: range = range(7, 23)) -> list[HourBar]:
    """Today's occupancy hour by hour against a typical day (same weekday, past ``weeks``)."""
    now = site.now()
    today = site.clock.service_day(now)
    tz = site.clock.tz
    first = site.clock.day_start(today - timedelta(weeks=weeks))
    buckets: dict[tuple[date, int], list[int]] = defaultdict(list)
    with site.store.read() as session:
        for ts, present in session.execute(select(OccupancySample.ts, OccupancySample.present)
                                           .where(OccupancySample.ts >= first)):
            day = site.clock.service_day(ts)
            if day == today or day.weekday() == today.weekday():
                buckets[(day, ts.astimezone(tz).hour)].append(present)
    past_days = len({day for day, _ in buckets if day != today}) or 1  # days with any sample
    bars = []
    for hour in hours:
        past = [sum(v) / len(v) for (day, h), v in buckets.items() if h == hour and day != today]
        samples = buckets.get((today, hour))
        bars.append(HourBar(hour, sum(samples) / len(samples) if samples else None,
                            sum(past) / past_days))
    return bars
