"""Check-in and check-out from taps at the check-in door: pure pairing, no I/O.

An allowed tap toggles a member in and out. A refused tap (after hours, a pass that just
ended) can only check out: someone who is in and taps on the way out has left, whether or
not the door would have opened for them. The visits of one member on one service day
are a function of that day's taps, sorted: the same taps give the same visits whatever
order they arrived in (a node that was offline delivers its taps late).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_GUARD = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Tap:
    at: datetime
    event_id: str
    enters: bool = True
    """False for a refused tap: it checks out someone who is in, never checks anyone in."""


@dataclass(frozen=True, slots=True)
class Stay:
    """One visit: in at ``checked_in``, out at ``checked_out`` (None: still in)."""

    checked_in: Tap
    checked_out: Tap | None = None
    auto_out_at: datetime | None = None
    """Set when nobody tapped out before the day's cut-off: the visit ends there."""

    @property
    def out_at(self) -> datetime | None:
        return self.checked_out.at if self.checked_out else self.auto_out_at


def pair_taps(taps: Sequence[Tap], *, day_end: datetime, now: datetime,
              guard: timedelta = DEFAULT_GUARD) -> list[Stay]:
    """Pair one member's taps of one service day into stays.

    A tap less than ``guard`` after the previous toggle does not toggle again (someone
    tapping twice because the door was slow). A stay still open once the day has ended
    (``now >= day_end``) is closed at ``day_end``, flagged as an automatic check-out.
    """
    stays: list[Stay] = []
    open_tap: Tap | None = None
    last_toggle: datetime | None = None
    for tap in sorted(taps, key=lambda t: (t.at, t.event_id)):
        if last_toggle is not None and tap.at - last_toggle < guard:
            continue
        if open_tap is None:
            if not tap.enters:
                continue
            open_tap = tap
        else:
            stays.append(Stay(open_tap, tap))
            open_tap = None
        last_toggle = tap.at
    if open_tap is not None:
        stays.append(Stay(open_tap, None, day_end if now >= day_end else None))
    return stays
