"""Memberships: where a member stands at an instant, and how long a plan bought today lasts.

>>> from datetime import UTC, datetime
>>> from access.domain.snapshot import MembershipWindow
>>> jan, feb = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
>>> paid = [MembershipWindow("monthly", jan, feb)]
>>> standing(paid, datetime(2026, 1, 15, tzinfo=UTC)).status
<MembershipStatus.ACTIVE: 'active'>
>>> standing(paid, feb).status, standing(paid, feb).current.valid_until == feb
(<MembershipStatus.EXPIRED: 'expired'>, True)
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from access.domain.ruleset import PlanDef, PlanPeriod
from access.domain.schedule import SiteClock


class Window(Protocol):
    """A paid period (the snapshot's ``MembershipWindow``, the store's ``Membership``)."""

    @property
    def plan(self) -> str: ...
    @property
    def valid_from(self) -> datetime: ...
    @property
    def valid_until(self) -> datetime | None: ...


W = TypeVar("W", bound=Window)


class MembershipStatus(StrEnum):
    """Where a member stands; the values are stable codes (``seuil member list --status``)."""

    ACTIVE = "active"
    UPCOMING = "upcoming"  # paid ahead, not begun
    EXPIRED = "expired"
    SUSPENDED = "suspended"  # whatever the memberships say
    NONE = "none"  # never had one


@dataclass(frozen=True, slots=True)
class Standing(Generic[W]):
    """The status and the membership it is about: the active one that ends last (an
    open-ended one first), else the next to begin, else the one that ended last."""

    status: MembershipStatus
    current: W | None


def active_at(window: Window, now: datetime) -> bool:
    """Valid at ``now``: begun, and not ended (``valid_until`` is the first instant after)."""
    return window.valid_from <= now and (window.valid_until is None or now < window.valid_until)


def standing(windows: Sequence[W], now: datetime, *, suspended: bool = False) -> Standing[W]:
    """Where a member with these memberships stands at ``now``: the one rule the snapshot's
    decisions, the CLI and the kiosk use."""
    active = [w for w in windows if active_at(w, now)]
    upcoming = [w for w in windows if w.valid_from > now]
    current: W | None
    if active:
        current = max(active, key=lambda w: (w.valid_until is None, w.valid_until or now))
        status = MembershipStatus.ACTIVE
    elif upcoming:
        current, status = min(upcoming, key=lambda w: w.valid_from), MembershipStatus.UPCOMING
    elif windows:
        current = max(windows, key=lambda w: w.valid_until or now)
        status = MembershipStatus.EXPIRED
    else:
        current, status = None, MembershipStatus.NONE
    return Standing(MembershipStatus.SUSPENDED if suspended else status, current)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (Jan 31 + 1 = Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day(plan: PlanDef, first_day: date) -> date:
    """The last service day of a plan that starts on ``first_day``: a month runs to the eve of
    the same date next month, a day pass is that one day.

    When next month lacks that date (a month from 29-31 January), it runs to next month's last
    day: 31 January gives 28 February, not the 27th, which 28 January already gives.
    """
    if plan.period is PlanPeriod.DAY:
        return first_day
    months = 1 if plan.period is PlanPeriod.MONTH else 12
    same_date = add_months(first_day, months)
    if same_date.day != first_day.day:  # clamped: the month has no such date
        return same_date
    return same_date - timedelta(days=1)


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


def renewal_day(windows: Sequence[Window], now: datetime, clock: SiteClock) -> date | None:
    """The day a renewal starts: the day after the last period not yet ended (paid ahead
    included), or ``None`` when none is running (it then starts today). A period without an
    end cannot be extended: ``ValueError``.

    >>> from access.domain.snapshot import MembershipWindow
    >>> from datetime import UTC
    >>> clock = SiteClock("UTC")
    >>> ends = datetime(2026, 12, 15, 4, tzinfo=UTC)  # the cut-off that ends 14 December
    >>> renewal_day([MembershipWindow("monthly", ends - timedelta(days=30), ends)],
    ...             datetime(2026, 12, 1, tzinfo=UTC), clock)
    datetime.date(2026, 12, 15)
    """
    running = [w for w in windows if w.valid_until is None or w.valid_until > now]
    if any(w.valid_until is None for w in running):
        raise ValueError("the current membership has no end: there is nothing to extend")
    ends = [w.valid_until for w in running if w.valid_until is not None]
    return clock.service_day(max(ends)) if ends else None
