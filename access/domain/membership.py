"""How long a plan bought today lasts."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from access.domain.ruleset import PlanDef, PlanPeriod
from access.domain.schedule import SiteClock


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (Jan 31 + 1 = Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day(plan: PlanDef, first_day: date) -> date:
    """The last service day of a plan that starts on ``first_day``: a month runs to the eve of
    the same date next month, a day pass is that one day."""
    if plan.period is PlanPeriod.DAY:
        return first_day
    months = 1 if plan.period is PlanPeriod.MONTH else 12
    return add_months(first_day, months) - timedelta(days=1)


def window(
    plan: PlanDef,
    clock: SiteClock,
    now: datetime,
    first_day: date | None = None,
    until_day: date | None = None,
) -> tuple[datetime, datetime]:
    """``(valid_from, valid_until)`` for a plan: whole service days, cut-off to cut-off.

    Starting today means starting now (not at this morning's cut-off, which would date the
    membership before its purchase). ``until_day`` is the last day included.
    """
    today = clock.service_day(now)
    start_day = first_day or today
    valid_from = now if start_day == today else clock.day_start(start_day)
    end_day = until_day if until_day is not None else last_day(plan, start_day)
    if end_day < start_day:
        raise ValueError(f"the plan would end ({end_day}) before it starts ({start_day})")
    return valid_from, clock.day_end(end_day)
