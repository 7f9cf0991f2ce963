"""Money as integer cents with a currency; never floats."""

from __future__ import annotations

import re
from dataclasses import dataclass

_AMOUNT = re.compile(r"^\s*(?P<sign>-)?(?P<units>\d{1,9})(?:[.,](?P<frac>\d{1,2}))?\s*(?:€|EUR)?\s*$")


class MoneyError(ValueError):
    """An amount a person typed could not be read as money."""


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount of money: ``Money(250)`` is 2.50 EUR.

    Arithmetic keeps the currency and refuses to mix two currencies.
    """

    cents: int
    currency: str = "EUR"

    def __post_init__(self) -> None:
        if not isinstance(self.cents, int) or isinstance(self.cents, bool):
            raise TypeError(f"Money needs integer cents, got {self.cents!r}")

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.cents - other.cents, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.cents, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.cents * factor, self.currency)

    @classmethod
    def zero(cls, currency: str = "EUR") -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str = "EUR") -> Money:
        """Read ``"2,50"``, ``"2.50"``, ``"2"`` or ``"2.5 €"`` as 250 cents."""
        match = _AMOUNT.match(text)
        if match is None:
            raise MoneyError(f'"{text}" is not an amount (write it like 12.50 or 12,50)')
        frac = (match["frac"] or "0").ljust(2, "0")
        cents = int(match["units"]) * 100 + int(frac)
        return cls(-cents if match["sign"] else cents, currency)

    def plain(self) -> str:
        """A locale-free rendering for logs and CSV: ``-2.50``."""
        sign = "-" if self.cents < 0 else ""
        units, frac = divmod(abs(self.cents), 100)
        return f"{sign}{units}.{frac:02d}"
