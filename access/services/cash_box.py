"""The cash box: counted by a volunteer, compared with what was declared, taken to the bank.

Every cash payment (a day pass or a top-up at the kiosk, dues or credit the treasurer enters
with ``--method cash``) is declared into the box when it is entered. A count (``count``, from
``seuil cash count`` or the kiosk after a volunteer's badge) takes every cash payment no count
covered yet, and compares what the box holds with what it should hold::

    expected = previous count + cash declared since - cash taken to the bank since

The difference (counted - expected) is its own ledger entry, ``surplus`` or ``shortfall``,
which belongs to no member: the members' balances never move because a coin went missing,
and the ledger's sum stays the members' balances plus the differences. ``deposit`` records
cash taken to the bank (``seuil cash deposit``); ``book`` is the livre de caisse, one line per
count. The use cases take the counter's name: the kiosk passes its volunteer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from access.domain.money import Money
from access.errors import Conflict, InvalidInput
from access.services import audit
from access.services.context import Site
from access.services.ledger import EntryKind, Posting, cash_not_counted, post, take_cash
from access.store.models import CashCount, CashDeposit

MAX_COUNT_CENTS = 10_000_000
"""100,000.00: a count above this is a typing slip (a missing decimal point)."""


@dataclass(frozen=True)
class CountLine:
    """One count in the livre de caisse (or, with ``id`` None, the period since the last one)."""

    id: int | None
    counted_at: datetime | None
    counted_by: str
    opening_cents: int
    declared_cents: int
    deposited_cents: int
    counted_cents: int | None
    difference_cents: int
    currency: str
    opening: bool = False
    note: str = ""

    @property
    def expected_cents(self) -> int:
        """What the box should hold by the books."""
        return self.opening_cents + self.declared_cents - self.deposited_cents

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "counted_at": self.counted_at.isoformat() if self.counted_at else None,
                "counted_by": self.counted_by, "opening_cents": self.opening_cents,
                "declared_cents": self.declared_cents, "deposited_cents": self.deposited_cents,
                "expected_cents": self.expected_cents, "counted_cents": self.counted_cents,
                "difference_cents": self.difference_cents, "currency": self.currency,
                "opening": self.opening, "note": self.note}


@dataclass(frozen=True)
class DepositView:
    id: int
    deposited_at: datetime
    deposited_by: str
    cents: int
    currency: str
    reference: str | None
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "deposited_at": self.deposited_at.isoformat(),
                "deposited_by": self.deposited_by, "cents": self.cents, "currency": self.currency,
                "reference": self.reference, "note": self.note}


def _line(row: CashCount) -> CountLine:
    return CountLine(row.id, row.counted_at, row.counted_by, row.opening_cents, row.declared_cents,
                     row.deposited_cents, row.counted_cents, row.difference_cents, row.currency,
                     row.opening, row.note)


def _last(session: Session) -> CashCount | None:
    return session.scalars(select(CashCount).order_by(CashCount.counted_at.desc(), CashCount.id.desc())
                           .limit(1)).first()


def _deposits_not_counted(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(CashDeposit.cents), 0))
                              .where(CashDeposit.cash_count_id.is_(None))) or 0)


def _who(site: Site, by: str | None) -> str:
    name = " ".join((by or "").split())[:100]
    return name or site.actor


def count(site: Site, counted_cents: int, *, counted_by: str | None = None, note: str = "",
          opening: bool = False) -> CountLine:
    """Record a count of the box by ``counted_by`` (default: whoever runs the command).

    ``opening``: the first count, taken as the box's starting point (its float): no difference
    is recorded. Refused once the box has been counted.
    """
    if counted_cents < 0:
        raise InvalidInput("a count cannot be negative")
    if counted_cents > MAX_COUNT_CENTS:
        raise InvalidInput(f"a count of {Money(counted_cents, site.currency).plain()} is too much for "
                           "a cash box: check the decimal point")
    now = site.now()
    who = _who(site, counted_by)
    with site.store.write() as session:
        previous = _last(session)
        if opening and previous is not None:
            raise Conflict(f"the box was already counted (#{previous.id}); --opening is for the first "
                           "count only", hint="count it as usual: the difference is recorded")
        if previous is not None and previous.counted_at > now:
            raise Conflict(f"the last count (#{previous.id}) is later than now: check the clock")
        row = CashCount(counted_at=now, counted_by=who, counted_cents=counted_cents, opening_cents=0,
                        declared_cents=0, deposited_cents=0, difference_cents=0, currency=site.currency,
                        opening=opening, note=note)
        session.add(row)
        session.flush()
        row.declared_cents = take_cash(session, row.id)
        session.execute(update(CashDeposit).where(CashDeposit.cash_count_id.is_(None))
                        .values(cash_count_id=row.id))
        row.deposited_cents = int(session.scalar(select(func.coalesce(func.sum(CashDeposit.cents), 0))
                                                 .where(CashDeposit.cash_count_id == row.id)) or 0)
        if opening:
            # the float that was in the box: what makes the books meet the count
            row.opening_cents = counted_cents - row.declared_cents + row.deposited_cents
        else:
            row.opening_cents = previous.counted_cents if previous is not None else 0
        line = _line(row)
        row.difference_cents = counted_cents - line.expected_cents
        if row.difference_cents:
            kind = EntryKind.SURPLUS if row.difference_cents > 0 else EntryKind.SHORTFALL
            post(session, Posting(None, kind, abs(row.difference_cents), site.currency, now, who,
                                  f"cashcount:{row.id}", _difference_text(row, site.currency),
                                  cash_count_id=row.id))
        audit.record(session, site, "cash.count", f"count #{row.id}", actor=who, counted=counted_cents,
                     expected=line.expected_cents, difference=row.difference_cents, opening=opening)
        return _line(row)


def _difference_text(row: CashCount, currency: str) -> str:
    word = "surplus" if row.difference_cents > 0 else "shortfall"
    return (f"Cash box {word} at count #{row.id} by {row.counted_by}: counted "
            f"{Money(row.counted_cents, currency).plain()}, expected "
            f"{Money(row.counted_cents - row.difference_cents, currency).plain()}")


def deposit(site: Site, cents: int, *, reference: str | None = None, note: str = "",
            deposited_by: str | None = None) -> DepositView:
    """Cash taken from the box to the bank (the next count expects that much less)."""
    if cents <= 0:
        raise InvalidInput("the amount taken to the bank must be more than 0")
    now = site.now()
    who = _who(site, deposited_by)
    with site.store.write() as session:
        if reference is not None:
            taken = session.scalar(select(CashDeposit.id).where(CashDeposit.reference == reference))
            if taken is not None:
                raise Conflict(f'deposit reference "{reference}" is already recorded (deposit #{taken})',
                               hint="the same deposit slip is never entered twice")
        row = CashDeposit(deposited_at=now, deposited_by=who, cents=cents, currency=site.currency,
                          reference=reference, note=note)
        session.add(row)
        session.flush()
        audit.record(session, site, "cash.deposit", f"deposit #{row.id}", actor=who, cents=cents,
                     reference=reference)
        return DepositView(row.id, row.deposited_at, row.deposited_by, row.cents, row.currency,
                           row.reference, row.note)


def _between(query: Select[Any], column: InstrumentedAttribute[datetime], since: datetime | None,
             until: datetime | None) -> Select[Any]:
    """``query`` over ``[since, until)`` of ``column``, in its order."""
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query.order_by(column)


def deposits(site: Site, since: datetime | None = None, until: datetime | None = None) -> list[DepositView]:
    """Cash taken to the bank in ``[since, until)``, oldest first."""
    query = _between(select(CashDeposit), CashDeposit.deposited_at, since, until).order_by(CashDeposit.id)
    with site.store.read() as session:
        return [DepositView(r.id, r.deposited_at, r.deposited_by, r.cents, r.currency, r.reference, r.note)
                for r in session.scalars(query)]


def open_period(site: Site) -> CountLine:
    """Since the last count: cash declared, taken to the bank, and what the box should hold."""
    with site.store.read() as session:
        previous = _last(session)
        return CountLine(None, None, "", previous.counted_cents if previous else 0, cash_not_counted(session),
                         _deposits_not_counted(session), None, 0, site.currency)


def book(site: Site, since: datetime | None = None, until: datetime | None = None) -> list[CountLine]:
    """The livre de caisse: every count in ``[since, until)``, oldest first."""
    query = _between(select(CashCount), CashCount.counted_at, since, until).order_by(CashCount.id)
    with site.store.read() as session:
        return [_line(r) for r in session.scalars(query)]
