"""Opening hours, closed dates and the site's day cut-off.

All times are wall-clock times in the site's timezone, so a rule written as
``"Mon-Fri 08:00-20:00"`` means 08:00 in Paris in winter and in summer alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAY_NAMES: dict[str, int] = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6,
}
_EVERY_DAY = frozenset(range(7))
_RANGE = re.compile(
    r"^\s*(?P<days>[A-Za-z,\- ]+?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)
MINUTES_PER_DAY = 24 * 60


class ScheduleError(ValueError):
    """A schedule line could not be read; the message says how to write it."""


def _minutes(text: str, *, allow_24: bool) -> int:
    hours_s, minutes_s = text.split(":")
    hours, minutes = int(hours_s), int(minutes_s)
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not allow_24)):
        span = "00:00 to 23:59, or 24:00 as an end" if allow_24 else "00:00 to 23:59"
        raise ScheduleError(f'"{text}" is not a time of day ({span})')
    return hours * 60 + minutes


def _days(text: str) -> frozenset[int]:
    spec = text.strip().lower()
    if spec in ("daily", "every day", "tous les jours", "*"):
        return _EVERY_DAY
    days: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        bounds = [b.strip()[:3] for b in part.split("-")]
        if len(bounds) not in (1, 2) or any(b not in _DAY_NAMES for b in bounds):
            raise ScheduleError(
                f'"{part}" is not a day or a range of days (write Mon, Mon-Fri or Mon,Wed,Fri)'
            )
        first = _DAY_NAMES[bounds[0]]
        last = _DAY_NAMES[bounds[-1]]
        day = first
        days.add(day)
        while day != last:  # wraps: "Sat-Mon" is Sat, Sun, Mon
            day = (day + 1) % 7
            days.add(day)
    return frozenset(days)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Days of the week and a span of the day. ``end <= start`` runs past midnight.

    >>> TimeRange.parse("Fri 20:00-02:00").spans_midnight
    True
    """

    days: frozenset[int]
    start_minute: int
    end_minute: int
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> TimeRange:
        match = _RANGE.match(text)
        if match is None:
            raise ScheduleError(
                f'"{text}" is not an opening time (write it like "Mon-Fri 08:00-20:00")'
            )
        start = _minutes(match["start"], allow_24=False)
        end = _minutes(match["end"], allow_24=True)
        if start == end:
            raise ScheduleError(f'"{text}" opens and closes at the same minute')
        return cls(_days(match["days"]), start, end, text.strip())

    @property
    def spans_midnight(self) -> bool:
        return self.end_minute < self.start_minute

    def opening_day(self, local: datetime) -> date | None:
        """The date this range opened on, if it covers ``local``; else None."""
        minute = local.hour * 60 + local.minute
        weekday = local.weekday()
        if not self.spans_midnight:
            if weekday in self.days and self.start_minute <= minute < self.end_minute:
                return local.date()
            return None
        if weekday in self.days and minute >= self.start_minute:
            return local.date()
        if (weekday - 1) % 7 in self.days and minute < self.end_minute:
            return local.date() - timedelta(days=1)
        return None


@dataclass(frozen=True, slots=True)
class Schedule:
    """When something is open: ranges of hours, minus closed dates.

    ``Schedule.always()`` is open at every instant. A closed date closes the ranges that
    open on that date (an overnight range opened the evening before is not cut).
    """

    ranges: tuple[TimeRange, ...] = ()
    closed: frozenset[date] = field(default_factory=frozenset)
    always_open: bool = False

    @classmethod
    def always(cls) -> Schedule:
        return cls(always_open=True)

    @classmethod
    def parse(cls, hours: Iterable[str], closed: Iterable[date] = ()) -> Schedule:
        lines = list(hours)
        if any(line.strip().lower() in ("always", "24/7") for line in lines):
            return cls(always_open=True, closed=frozenset(closed))
        return cls(tuple(TimeRange.parse(line) for line in lines), frozenset(closed))

    def is_open(self, local: datetime) -> bool:
        """Whether the schedule is open at ``local``, a time in the site's timezone."""
        if self.always_open:
            return local.date() not in self.closed
        for time_range in self.ranges:
            opened = time_range.opening_day(local)
            if opened is not None and opened not in self.closed:
                return True
        return False

    def hours_on(self, day: date) -> tuple[tuple[int, int], ...]:
        """The spans (start, end minute; ``end <= start`` runs past midnight) that open on ``day``,
        in order; none on a closed date. ``always()`` gives the whole day, ``(0, 1440)``.

        >>> Schedule.parse(["Mon-Fri 08:00-20:00", "Sat 10:00-18:00"]).hours_on(date(2026, 11, 21))
        ((600, 1080),)
        """
        if day in self.closed:
            return ()
        if self.always_open:
            return ((0, 24 * 60),)
        return tuple(sorted((r.start_minute, r.end_minute) for r in self.ranges if day.weekday() in r.days))

    def closed_on(self, local: datetime) -> date | None:
        """The closed date that keeps this schedule shut at ``local``, when its hours would
        be open (a holiday); None when open, or shut by its hours anyway."""
        if self.always_open:
            return local.date() if local.date() in self.closed else None
        if self.is_open(local):
            return None
        for time_range in self.ranges:
            opened = time_range.opening_day(local)
            if opened is not None:
                return opened
        return None


def next_change(schedules: Iterable[Schedule], local: datetime, *,
                within: timedelta = timedelta(days=15)) -> datetime | None:
    """When being open under any of ``schedules`` next changes after ``local`` (wall clock in
    the site's zone): the closing time when open now, the next opening when closed. None
    when nothing changes within ``within`` (always open, or never opens).

    >>> week = Schedule.parse(["Mon-Fri 08:00-20:00"])
    >>> friday = datetime(2026, 12, 4, 21, 0, tzinfo=ZoneInfo("Europe/Paris"))
    >>> next_change([week], friday).isoformat()  # closed: opens on Monday
    '2026-12-07T08:00:00+01:00'
    >>> next_change([week], friday.replace(hour=14)).strftime("%H:%M")  # open: closes
    '20:00'
    """
    found = tuple(schedules)
    is_open = any(s.is_open(local) for s in found)
    start = local.replace(second=0, microsecond=0)
    for candidate in sorted(_boundaries(found, start, within)):
        if candidate > local and any(s.is_open(candidate) for s in found) != is_open:
            return candidate
    return None


def _boundaries(schedules: tuple[Schedule, ...], start: datetime, within: timedelta) -> set[datetime]:
    """Every wall-clock instant where one of ``schedules`` may open or close, from the day
    before ``start`` (an overnight range) to ``within`` after it."""
    found: set[datetime] = set()
    first = start.date() - timedelta(days=1)
    for offset in range(within.days + 2):
        day = first + timedelta(days=offset)
        midnight = datetime.combine(day, time(0), tzinfo=start.tzinfo)
        found.add(midnight)  # closed dates and always-open schedules change at midnight
        for schedule in schedules:
            for time_range in schedule.ranges:
                if day.weekday() in time_range.days:
                    found.add(midnight + timedelta(minutes=time_range.start_minute))
                    end_day = midnight + timedelta(days=1 if time_range.spans_midnight else 0)
                    found.add(end_day + timedelta(minutes=time_range.end_minute))
    return found


def parse_time_of_day(text: str) -> time:
    """``"04:00"`` to ``time(4, 0)``."""
    if not re.fullmatch(r"\d{1,2}:\d{2}", text.strip()):
        raise ScheduleError(f'"{text}" is not a time of day (write it like 04:00)')
    minute = _minutes(text.strip(), allow_24=False)
    return time(minute // 60, minute % 60)


@dataclass(frozen=True, slots=True)
class SiteClock:
    """The site's timezone and the hour its day ends (the cut-off).

    A coworking day runs from cut-off to cut-off: with a 04:00 cut-off, someone still in
    at 01:30 on Saturday belongs to Friday's day, and a day pass sold on Friday is valid
    until Saturday 04:00.
    """

    timezone_name: str = "Europe/Paris"
    cutoff: time = time(4, 0)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone_name)

    def local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("SiteClock needs timezone-aware datetimes")
        return instant.astimezone(self.tz)

    def service_day(self, instant: datetime) -> date:
        """The coworking day an instant belongs to: the one whose ``day_start`` last passed."""
        local = self.local(instant)
        if local.time() >= self.cutoff:
            return local.date()
        # Before the cut-off on the wall clock, except in autumn's second pass through a
        # repeated hour that the cut-off's first pass already started (fold=1).
        if local.fold and instant >= self.day_start(local.date()):
            return local.date()
        return local.date() - timedelta(days=1)

    def day_start(self, day: date) -> datetime:
        """The instant a service day begins, as an aware UTC datetime.

        The one rule for every day, DST nights included: the first instant whose wall-clock
        time reaches the cut-off. A cut-off the clocks skip in spring (02:30 in Paris) starts
        the day when they jump (03:00); one they repeat in autumn starts it at its first pass.
        """
        naive = datetime.combine(day, self.cutoff)
        instant = naive.replace(tzinfo=self.tz).astimezone(UTC)  # fold=0: the first pass
        if instant.astimezone(self.tz).replace(tzinfo=None) == naive:
            return instant
        # Skipped: fold=0 read it with the offset before the jump, so ``instant`` is after
        # the jump and fold=1's reading is before it; find the jump between the two.
        before = naive.replace(tzinfo=self.tz, fold=1).astimezone(UTC)
        after_offset = instant.astimezone(self.tz).utcoffset()
        while instant - before > timedelta(seconds=1):
            middle = before + (instant - before) / 2
            if middle.astimezone(self.tz).utcoffset() == after_offset:
                instant = middle
            else:
                before = middle
        return instant.replace(microsecond=0)

    def day_end(self, day: date) -> datetime:
        """The instant a service day ends: the next day's cut-off."""
        return self.day_start(day + timedelta(days=1))

    def last_day(self, end: datetime) -> date:
        """The last service day of something that ends at ``end`` (exclusive).

        A membership valid until 2026-12-22 04:00 (the cut-off) last held on 2026-12-21.
        """
        return self.service_day(end - timedelta(microseconds=1))

    def end_of_today(self, instant: datetime) -> datetime:
        """When the service day containing ``instant`` ends (a day pass's expiry)."""
        return self.day_end(self.service_day(instant))

    def at(self, naive_local: datetime) -> datetime:
        """A wall-clock time typed by a person, as an aware datetime in the site's zone."""
        return naive_local.replace(tzinfo=self.tz)
