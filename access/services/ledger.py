"""The contributions ledger, and its only writer: charges, payments, credits and waivers.

Amounts are handed over positive; the kind gives the sign (a charge lowers the balance, the
rest raise it). A member's balance is the sum of their entries, nothing else (``balances``).
Every row of ``ledger_entries`` is written here: ``post`` (one entry, flushed, for the CLI and
the kiosk), ``post_many`` (one Core insert for a whole batch: the hub's hot path) and
``restate`` (the in-place correction of entries derived from machine sessions), and
``take_cash`` (a count of the cash box marks the cash payments it covered).

Entries belong to a member, except a cash-box difference (``surplus``/``shortfall``), which is
money nobody owes: the ledger's sum is the members' balances (machine credit and dues) plus
those differences, always.

What keeps a charge from being written twice, from the node to this table:

1. The node's outbox keeps each event, with its UUID ``event_id``, until the broker
   acknowledges it; a resend carries the same id.
2. The hub acknowledges a message only after the transaction holding it committed; a hub
   killed mid-batch gets the message again, with the same id.
3. ``ingested_events`` keeps every event id (primary key) with a hash of its body: a second
   delivery is ignored, the same id with another body goes to the dead letters. A batch
   is deduplicated within itself too.
4. ``usage_sessions.event_id`` (the session's id) is unique: a session's start, extends and
   stop are one row, and a stop for a session that already ended is ignored.
5. A session is priced when it ends and only what changed is written: a session priced again
   (an earlier one arrived late) has its entry corrected in place by ``restate``, never a
   second entry; ``restate`` takes only derived references (``session:``).
6. ``ledger_entries.reference`` is unique: ``session:<id>``, ``daypass:<id>`` and its payment
   (``daypass:<id>:payment`` or the online order id), ``waiver:<entry id>``, ``hours:<grant
   id>``, or the receipt number the treasurer typed. ``post`` and ``post_many`` refuse a
   reference already there (``Conflict``), and the unique index refuses whatever slips past
   (in the hub that fails the batch, whose messages are then applied one by one and the
   offending one set aside).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from access.errors import Conflict
from access.store import generation
from access.store.models import LedgerEntry
from access.texts import admin_money

LOOKUP_CHUNK = 500


class EntryKind(StrEnum):
    CHARGE = "charge"  # machine use, a day pass, anything the member owes
    PAYMENT = "payment"  # money received: cash box, online, transfer, card
    CREDIT = "credit"  # volunteer hours, valued as the site decides
    WAIVER = "waiver"  # a charge forgiven (a project that benefits the whole space)
    SURPLUS = "surplus"  # the cash box held more than the books said (no member)
    SHORTFALL = "shortfall"  # the cash box held less than the books said (no member)


CASH_DIFFERENCES = frozenset({EntryKind.SURPLUS, EntryKind.SHORTFALL})
"""The kinds that belong to no member: a count's difference."""
NEGATIVE_KINDS = frozenset({EntryKind.CHARGE, EntryKind.SHORTFALL})


class PaymentMethod(StrEnum):
    CASH = "cash"
    ONLINE = "online"
    TRANSFER = "transfer"
    CARD = "card"
    CHEQUE = "cheque"


DERIVED_PREFIXES = ("session:",)
"""References of entries the hub derives from events, which ``restate`` may correct. Entries
typed by people (payments, credits, waivers) never change."""


@dataclass(frozen=True, slots=True)
class Posting:
    """One entry to write. ``cents`` is the positive amount: ``kind`` gives the sign.

    >>> Posting(1, EntryKind.CHARGE, 150, "EUR", datetime(2026, 1, 1), "hub").signed_cents
    -150
    """

    member_id: int | None
    kind: EntryKind
    cents: int
    currency: str
    created_at: datetime
    created_by: str
    reference: str | None = None
    description: str = ""
    method: PaymentMethod | None = None
    membership_id: int | None = None
    """Set on a membership's dues (a charge) and on what pays or waives them: dues are their own
    account, never machine credit."""
    cash_count_id: int | None = None
    """Set on a count's difference entry (cash payments get theirs from ``take_cash``)."""

    def __post_init__(self) -> None:
        if self.cents <= 0:  # callers refuse a user's zero or negative amount with a message first
            raise ValueError(f"a ledger amount is positive, not {self.cents} (the kind gives the sign)")
        if (self.member_id is None) != (self.kind in CASH_DIFFERENCES):
            raise ValueError(f"a {self.kind.value} entry {'needs' if self.member_id is None else 'has no'} "
                             "member (only a cash-box difference belongs to nobody)")

    @property
    def signed_cents(self) -> int:
        return -self.cents if self.kind in NEGATIVE_KINDS else self.cents

    def row(self) -> dict[str, object]:
        return {"member_id": self.member_id, "kind": self.kind.value, "cents": self.signed_cents,
                "currency": self.currency, "method": self.method.value if self.method else None,
                "reference": self.reference, "description": self.description,
                "created_at": self.created_at, "created_by": self.created_by,
                "membership_id": self.membership_id, "cash_count_id": self.cash_count_id}


def check_reference(session: Session, reference: str | None) -> None:
    """``Conflict`` if an entry already holds ``reference``: the same thing is never entered twice."""
    if reference is None:
        return
    existing = session.scalars(select(LedgerEntry).where(LedgerEntry.reference == reference)).first()
    if existing is not None:
        raise Conflict(f'reference "{reference}" is already in the ledger (entry #{existing.id}, '
                       f"{admin_money(abs(existing.cents), existing.currency)} {existing.kind})",
                       hint="the same payment is never entered twice; use another reference")


def post(session: Session, posting: Posting) -> LedgerEntry:
    """Write one entry (flushed: it has its id)."""
    check_reference(session, posting.reference)
    entry = LedgerEntry(**posting.row())
    session.add(entry)
    session.flush()
    return entry


def post_many(session: Session, postings: Sequence[Posting]) -> None:
    """Write ``postings`` in one Core insert (the ORM inserts one row at a time on SQLite)."""
    if not postings:
        return
    references = [p.reference for p in postings if p.reference is not None]
    if len(set(references)) != len(references):
        repeated = sorted({r for r in references if references.count(r) > 1})
        raise Conflict(f'reference "{repeated[0]}" is twice in one batch of ledger entries')
    taken = _taken(session, references)
    if taken:
        check_reference(session, taken[0])
    session.connection().execute(insert(LedgerEntry), [p.row() for p in postings])
    generation.mark(session)  # Core writes bypass the ORM's change tracking


def restate(session: Session, postings: Sequence[Posting], withdrawn: Collection[str] = ()) -> None:
    """Correct derived entries in place: a machine session priced again.

    Each posting replaces the amount and description of the entry holding its reference (or
    is posted, if there is none: the session was free until now); the entry of each
    ``withdrawn`` reference is deleted (the session became free). Only ``DERIVED_PREFIXES``.
    """
    references = [p.reference for p in postings] + list(withdrawn)
    wrong = [r for r in references if r is None or not r.startswith(DERIVED_PREFIXES)]
    if wrong:
        raise ValueError(f"only derived entries are restated, not {wrong[0]!r}")
    entries = {e.reference: e for e in _entries(session, [r for r in references if r is not None])}
    for reference in withdrawn:
        if (entry := entries.get(reference)) is not None:
            session.delete(entry)
    fresh: list[Posting] = []
    for posting in postings:
        entry = entries.get(posting.reference)
        if entry is None:
            fresh.append(posting)
        else:
            entry.cents = posting.signed_cents
            entry.description = posting.description
    post_many(session, fresh)


def take_cash(session: Session, count_id: int) -> int:
    """Mark every cash payment no count covered yet as covered by ``count_id``; their sum.

    A payment committed while the count runs is left for the next one: nothing is counted
    twice or never.
    """
    covered = (LedgerEntry.kind == EntryKind.PAYMENT.value) & (LedgerEntry.method == PaymentMethod.CASH.value)
    session.execute(update(LedgerEntry).where(covered, LedgerEntry.cash_count_id.is_(None))
                    .values(cash_count_id=count_id))
    return int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.cents), 0))
                              .where(covered, LedgerEntry.cash_count_id == count_id)) or 0)


def cash_not_counted(session: Session) -> int:
    """The cash payments declared since the last count (none has covered them yet)."""
    return int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.cents), 0)).where(
        LedgerEntry.kind == EntryKind.PAYMENT.value, LedgerEntry.method == PaymentMethod.CASH.value,
        LedgerEntry.cash_count_id.is_(None))) or 0)


def balances(session: Session, member_id: int | None = None) -> dict[int, int]:
    """Each member's machine credit (the sum of their entries outside dues), or ``member_id``'s.

    This is the balance the snapshot's credit floor, the kiosk and ``seuil ledger balance``
    show: unpaid dues never block a machine, and paying dues never buys machine time.
    """
    query = (select(LedgerEntry.member_id, func.sum(LedgerEntry.cents))
             .where(LedgerEntry.membership_id.is_(None), LedgerEntry.member_id.is_not(None))
             .group_by(LedgerEntry.member_id))
    if member_id is not None:
        query = query.where(LedgerEntry.member_id == member_id)
    return {member: int(total or 0) for member, total in session.execute(query) if member is not None}


def dues_owed(session: Session, *, member_id: int | None = None,
              membership_ids: Collection[int] | None = None, by: str = "member") -> dict[int, int]:
    """What is still owed on dues (positive), per member or (``by="membership"``) per membership.

    Only the non-zero ones; a membership paid ahead (more paid than charged) shows negative.
    """
    key = LedgerEntry.member_id if by == "member" else LedgerEntry.membership_id
    query = (select(key, func.sum(LedgerEntry.cents)).where(LedgerEntry.membership_id.is_not(None))
             .group_by(key))
    if member_id is not None:
        query = query.where(LedgerEntry.member_id == member_id)
    if membership_ids is not None:
        query = query.where(LedgerEntry.membership_id.in_(list(membership_ids)))
    return {k: -int(total) for k, total in session.execute(query) if k is not None and total}


def _entries(session: Session, references: Sequence[str]) -> list[LedgerEntry]:
    found: list[LedgerEntry] = []
    for start in range(0, len(references), LOOKUP_CHUNK):
        found.extend(session.scalars(select(LedgerEntry).where(
            LedgerEntry.reference.in_(references[start:start + LOOKUP_CHUNK]))))
    return found


def _taken(session: Session, references: Sequence[str]) -> list[str]:
    taken: list[str] = []
    for start in range(0, len(references), LOOKUP_CHUNK):
        taken.extend(r for r in session.scalars(select(LedgerEntry.reference).where(
            LedgerEntry.reference.in_(references[start:start + LOOKUP_CHUNK]))) if r is not None)
    return taken
