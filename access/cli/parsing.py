"""Values typed on the command line. A malformed one is invalid input (exit 1), not usage."""

from __future__ import annotations

from datetime import date, datetime

from access.domain.money import Money, MoneyError
from access.domain.schedule import SiteClock
from access.errors import InvalidInput


def parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f'{option} "{text}" is not a date (write it like 2026-12-31)') from None


def parse_moment(text: str | None, option: str, clock: SiteClock) -> datetime | None:
    """A local date-time (``2026-12-24T21:30`` or ``2026-12-24 21:30``) in the site's zone."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f'{option} "{text}" is not a date and time (write it like 2026-12-24T21:30)') from None
    return clock.at(moment) if moment.tzinfo is None else moment


def parse_cents(text: str | None, option: str, currency: str) -> int | None:
    if text is None:
        return None
    try:
        cents = Money.parse(text, currency).cents
    except MoneyError as error:
        raise InvalidInput(f"{option}: {error}") from None
    if cents < 0:
        raise InvalidInput(f"{option} cannot be negative")
    return cents
