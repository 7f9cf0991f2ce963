"""How full the space is, sampled every 15 minutes by the hub for the dashboard's chart."""

from __future__ import annotations

from sqlalchemy import func, select

from access.services.context import Site
from access.store.models import OccupancySample, UsageSession, Visit


def take_sample(site: Site) -> OccupancySample:
    """Record how many are in now (the 15-minute job). Sampling twice at one instant is harmless."""
    now = site.now().replace(second=0, microsecond=0)
    start = site.clock.day_start(site.clock.service_day(now))
    with site.store.write() as session:
        present = session.scalar(select(func.count()).select_from(Visit).where(
            Visit.checked_out_at.is_(None), Visit.checked_in_at >= start)) or 0
        machines = session.scalar(select(func.count()).select_from(UsageSession).where(
            UsageSession.ended_at.is_(None))) or 0
        sample = session.get(OccupancySample, now) or OccupancySample(ts=now)
        sample.present, sample.capacity, sample.machines_in_use = present, site.config.site.capacity, machines
        session.add(sample)
        return sample
