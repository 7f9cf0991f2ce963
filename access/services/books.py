"""A month of the association's books, from the ledger: Paheko's Simplifié CSV or the FEC.

Each ledger entry of the month is one entry in the books (``access.domain.books`` says which
accounts), and so is each amount of cash taken to the bank and each day of volunteer time (in
kind: 864/875, at ``[accounts] volunteer_hour_value``). The account numbers come from
``[accounts]`` in seuil.toml. ``without_online`` leaves out what Paheko already receives from
HelloAsso itself (its own synchronisation): online payments, and the charges of day passes
bought online, whose money and income reach Paheko that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.domain.books import BookLine, ChargeFor, Movement, MovementKind, book, fec, paheko_csv
from access.services import accounts, volunteering
from access.services.context import Site
from access.services.ledger import PaymentMethod
from access.spreadsheet import text_cell
from access.store.models import CashDeposit, DayPass

KIND_WORDS = {"charge": "Charge", "payment": "Payment", "waiver": "Waiver", "credit": "Credit",
              "surplus": "Cash box surplus", "shortfall": "Cash box shortfall"}


@dataclass(frozen=True)
class Books:
    """A month's entries, booked."""

    month: str
    lines: list[BookLine]
    left_out: int
    """Ledger entries left out (``without_online``)."""

    @property
    def total_cents(self) -> int:
        return sum(line.cents for line in self.lines)


def charge_for(entry: accounts.EntryInfo) -> ChargeFor:
    """What a charge was for, by its reference: dues, a day pass, a machine (or prepaid hours)."""
    reference = entry.reference or ""
    if entry.membership_id is not None or reference.startswith("membership:"):
        return ChargeFor.DUES
    if reference.startswith("daypass:"):
        return ChargeFor.DAY_PASS
    if reference.startswith(("session:", "hours:")):
        return ChargeFor.MACHINE
    return ChargeFor.OTHER


def _entry_movement(site: Site, entry: accounts.EntryInfo) -> Movement:
    words = entry.description or KIND_WORDS.get(entry.kind, entry.kind)
    label = f"{words} ({entry.member})" if entry.member else words
    kind = MovementKind(entry.kind)
    return Movement(f"E{entry.id}", site.clock.local(entry.created_at).date(), kind, abs(entry.cents),
                    label, entry.member, entry.member_id, entry.method,
                    charge_for(entry) if kind is MovementKind.CHARGE else ChargeFor.OTHER,
                    entry.reference or "", f"Seuil {entry.kind} #{entry.id} by {entry.created_by}")


def _online_day_passes(session: Session, start: datetime, end: datetime) -> set[str]:
    return {f"daypass:{i}" for i in session.scalars(select(DayPass.id).where(
        DayPass.method == PaymentMethod.ONLINE.value, DayPass.sold_at >= start, DayPass.sold_at < end))}


def month_books(site: Site, month: str, *, without_online: bool = False) -> Books:
    """The month's ledger entries, bank deposits and volunteer time, booked, in date order."""
    start, end = accounts.month_range(site, month)
    entries = accounts.list_entries(site, since=start, until=end)
    chart = site.config.accounts.chart()
    movements: list[Movement] = []
    with site.store.read() as session:
        online_passes = _online_day_passes(session, start, end) if without_online else set()
        deposits = session.scalars(select(CashDeposit).where(
            CashDeposit.deposited_at >= start, CashDeposit.deposited_at < end)
            .order_by(CashDeposit.deposited_at, CashDeposit.id)).all()
        for d in deposits:
            on = site.clock.local(d.deposited_at).date()
            movements.append(Movement(f"D{d.id}", on, MovementKind.DEPOSIT, d.cents,
                                      f"Cash taken to the bank ({d.deposited_by})",
                                      reference=d.reference or "", notes=d.note))
    left_out = 0
    for entry in entries:
        if without_online and (entry.method == PaymentMethod.ONLINE.value
                               or (entry.kind == "charge" and entry.reference in online_passes)):
            left_out += 1
            continue
        movements.append(_entry_movement(site, entry))
    movements.extend(volunteering.in_kind(site, month))
    movements.sort(key=lambda m: (m.on, m.piece[0], int(m.piece[1:])))
    return Books(month, [book(m, chart) for m in movements], left_out)


def paheko(site: Site, month: str, *, without_online: bool = False) -> tuple[str, Books]:
    books = month_books(site, month, without_online=without_online)
    return paheko_csv(books.lines, text_cell), books


def fec_file(site: Site, month: str, *, without_online: bool = False) -> tuple[str, Books]:
    books = month_books(site, month, without_online=without_online)
    return fec(books.lines, site.config.accounts.chart(), text_cell), books
