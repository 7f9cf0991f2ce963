"""How a machine session is priced. The pricing function itself arrives with the hub."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pricing:
    """A resource's price list, all amounts in cents.

    ``block_minutes=15`` charges every started quarter hour; ``block_minutes=0`` charges
    per second. Sessions shorter than ``free_seconds`` cost nothing. ``daily_cap_cents``
    bounds what one member pays for this resource in one service day.
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
