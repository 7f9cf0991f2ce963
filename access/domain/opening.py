"""When a door opens for someone: until when today, or when next. Pure, no I/O.

The same rules as ``decide``: the member's plans and groups pick the rules of the resource,
the rules' schedules say the hours, and the membership's end caps them. A day pass's badge
and its code obey this one answer, and the screens say it ("opens until 20:00", "opens
tomorrow at 08:00"), never the day's cut-off, which is only when the pass ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from access.domain.schedule import SiteClock, next_change
from access.domain.snapshot import MemberView, Snapshot


@dataclass(frozen=True, slots=True)
class Opening:
    """``open_now``: the door opens for them now. ``change_at``: when that stops (open) or
    starts (closed); None when it does not change within two weeks or the membership."""

    open_now: bool
    change_at: datetime | None


def opening(snapshot: Snapshot, member: MemberView, resource: str, now: datetime) -> Opening:
    """When ``resource`` opens for ``member`` around ``now`` (an aware instant)."""
    if member.groups & snapshot.break_glass_groups:
        return Opening(True, None)
    windows = [m for m in member.memberships if m.valid_until is None or m.valid_until > now]
    plans = frozenset(m.plan for m in windows)
    rules = [r for r in snapshot.rules_by_resource.get(resource, ()) if r.applies_to(member, plans)]
    if member.suspended or not rules or not windows:
        return Opening(False, None)
    local = snapshot.clock.local(now)
    schedules = [r.schedule for r in rules]
    current = [m for m in windows if m.active_at(now)]
    if current:
        ends = [m.valid_until for m in current]
        end = None if None in ends else max(e for e in ends if e is not None)
        if any(s.is_open(local) for s in schedules):
            change = next_change(schedules, local)
            return Opening(True, end if end is not None and (change is None or change > end)
                           else change)
        change = next_change(schedules, local)
    else:  # not started yet: the door first opens at the start, or at the next hours after it
        starts = min(m.valid_from for m in windows)
        end = None
        if any(s.is_open(snapshot.clock.local(starts)) for s in schedules):
            return Opening(False, starts)
        change = next_change(schedules, snapshot.clock.local(starts))
    if change is not None and end is not None and change >= end:
        return Opening(False, None)
    return Opening(False, change)


def pass_day(clock: SiteClock, now: datetime, door: Opening) -> date:
    """The service day a day pass bought at ``now`` is for, from ``door``: when the entrance
    opens for a visitor over the coming days (an open-ended probe, not one day). Today when
    the door is open now or opens again before today's cut-off; else the day it opens next,
    so a pass bought after the hours, or on a closed day, is the next opening day's and is
    never a pass that opens nothing. Today too when it never opens within the look-ahead
    (the screen says so before anyone pays).

    >>> from datetime import UTC
    >>> clock = SiteClock("UTC")
    >>> evening = datetime(2026, 12, 2, 21, 0, tzinfo=UTC)  # after the 08:00-20:00 hours
    >>> pass_day(clock, evening, Opening(False, datetime(2026, 12, 3, 8, 0, tzinfo=UTC)))
    datetime.date(2026, 12, 3)
    >>> pass_day(clock, evening.replace(hour=7), Opening(False, evening.replace(hour=8)))
    datetime.date(2026, 12, 2)
    """
    today = clock.service_day(now)
    if door.open_now or door.change_at is None:
        return today
    return max(today, clock.service_day(door.change_at))
