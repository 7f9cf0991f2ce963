"""How a machine session is priced: pure functions over integer cents and seconds.

A session's price, in this order:

1. a session shorter than ``free_seconds`` costs nothing and uses no prepaid hours;
2. the time is rounded up to whole blocks (``block_minutes = 0``: to the second);
3. the member's prepaid hours for this resource cover that time first;
4. the rest is charged at ``hourly_cents``, plus ``session_fee_cents``, at least
   ``minimum_cents`` (a session fully covered by prepaid hours costs no money at all);
5. the member's plan discount (a percentage) comes off;
6. the daily cap bounds what one member pays for this resource in one service day.

``price_in_order`` prices the sessions of one member on one resource in the order they
started, so the result does not depend on the order their events arrived in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

SECONDS_PER_HOUR = 3600


@dataclass(frozen=True, slots=True)
class Pricing:
    """A resource's price list, all amounts in cents.

    ``block_minutes=15`` charges every started quarter hour; ``block_minutes=0`` charges
    per second. Sessions shorter than ``free_seconds`` cost nothing. ``daily_cap_cents``
    bounds what one member pays for this resource in one service day.

    >>> pricing = Pricing(hourly_cents=200, block_minutes=15)
    >>> pricing.billed_seconds(16 * 60)  # 16 minutes: two started quarter hours
    1800
    >>> pricing.time_cents(pricing.billed_seconds(16 * 60))
    100
    """

    session_fee_cents: int = 0
    hourly_cents: int = 0
    block_minutes: int = 15
    minimum_cents: int = 0
    free_seconds: int = 0
    daily_cap_cents: int | None = None

    @property
    def is_free(self) -> bool:
        return self.session_fee_cents == 0 and self.hourly_cents == 0 and self.minimum_cents == 0

    def billed_seconds(self, active_seconds: int) -> int:
        """The time charged: 0 under the free threshold, else rounded up to whole blocks."""
        if active_seconds <= 0 or active_seconds < self.free_seconds:
            return 0
        block = self.block_minutes * 60
        if block == 0:
            return active_seconds
        return -(-active_seconds // block) * block

    def time_cents(self, seconds: int) -> int:
        """``seconds`` at the hourly rate, rounded half up to the cent."""
        return (2 * self.hourly_cents * max(seconds, 0) + SECONDS_PER_HOUR) // (2 * SECONDS_PER_HOUR)


@dataclass(frozen=True, slots=True)
class Charge:
    """What one session costs, and why."""

    billed_seconds: int
    """The time charged (after the free threshold and block rounding)."""
    prepaid_seconds: int
    """Of that time, what the member's prepaid hours covered."""
    full_cents: int
    """The money owed before the daily cap."""
    cents: int
    """The money owed: what goes to the ledger."""

    @property
    def capped(self) -> bool:
        return self.cents < self.full_cents

    @property
    def free(self) -> bool:
        return self.billed_seconds == 0


FREE = Charge(0, 0, 0, 0)


def discounted(cents: int, percent: int) -> int:
    """``cents`` less ``percent`` (0-100), rounded half up."""
    percent = min(max(percent, 0), 100)
    return (2 * cents * (100 - percent) + 100) // 200


def price_session(pricing: Pricing | None, active_seconds: int, *, discount_percent: int = 0,
                  prepaid_seconds: int = 0, spent_today_cents: int = 0) -> Charge:
    """Price one session of ``active_seconds``.

    ``prepaid_seconds``: the member's prepaid time left for this resource; ``spent_today_cents``:
    what they already paid for it today (for the daily cap).

    >>> price_session(Pricing(hourly_cents=200, block_minutes=15, minimum_cents=50), 20 * 60)
    Charge(billed_seconds=1800, prepaid_seconds=0, full_cents=100, cents=100)
    """
    if pricing is None or pricing.is_free:
        return FREE
    billed = pricing.billed_seconds(active_seconds)
    if billed == 0:
        return FREE
    covered = min(max(prepaid_seconds, 0), billed)
    rest = billed - covered
    if rest == 0:
        return Charge(billed, covered, 0, 0)
    full = discounted(max(pricing.session_fee_cents + pricing.time_cents(rest), pricing.minimum_cents),
                      discount_percent)
    owed = full
    if pricing.daily_cap_cents is not None:
        owed = min(full, max(pricing.daily_cap_cents - max(spent_today_cents, 0), 0))
    return Charge(billed, covered, full, owed)


@dataclass(frozen=True, slots=True)
class Use:
    """One ended session of a member on a resource, as the pricing needs it."""

    key: str
    service_day: date
    ended_at: datetime
    active_seconds: int
    discount_percent: int = 0


@dataclass(frozen=True, slots=True)
class Grant:
    """Prepaid time bought (or given) for a resource at ``at``."""

    at: datetime
    seconds: int


def price_in_order(pricing: Pricing | None, uses: Sequence[Use], *, grants: Sequence[Grant] = (),
                   prepaid_used_before: int = 0,
                   spent_before: Mapping[date, int] | None = None) -> list[Charge]:
    """Price ``uses`` (sorted by start) one after the other.

    Prepaid time bought at or before a session's end can pay for it. ``prepaid_used_before``
    and ``spent_before`` (cents per service day) describe the sessions that started earlier.
    """
    used = prepaid_used_before
    spent = dict(spent_before or {})
    charges = []
    for use in uses:
        granted = sum(g.seconds for g in grants if g.at <= use.ended_at)
        charge = price_session(pricing, use.active_seconds, discount_percent=use.discount_percent,
                               prepaid_seconds=max(granted - used, 0),
                               spent_today_cents=spent.get(use.service_day, 0))
        used += charge.prepaid_seconds
        spent[use.service_day] = spent.get(use.service_day, 0) + charge.cents
        charges.append(charge)
    return charges
