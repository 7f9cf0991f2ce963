"""Membership dues: a membership's price is a ``dues`` charge, paid by payments with a method,
or left owed.

Dues are their own account in the ledger: every entry about a membership carries its
``membership_id``, so unpaid dues never lower the machine credit the doors and machines check,
and money paid for dues never buys machine time. ``seuil member add/renew --paid AMOUNT
--method M`` writes the charge and its payment; ``--unpaid`` (the default) only the charge;
``seuil ledger add MEMBER payment --dues`` settles what is owed later, oldest
membership first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.domain.plain_text import LABEL_LENGTH
from access.errors import InvalidInput
from access.services import audit
from access.services.accounts import entry_time
from access.services.context import Site
from access.services.ledger import EntryKind, PaymentMethod, Posting, dues_owed, post
from access.services.lookup import find_member
from access.services.text_input import checked
from access.store.models import LedgerEntry, Member, Membership
from access.texts import admin_money


@dataclass(frozen=True)
class DuesPaid:
    """What ``pay`` did: the entries written and what is still owed."""

    member: str
    cents: int
    currency: str
    method: str
    memberships: list[int]
    owed_cents: int

    def to_json(self) -> dict[str, Any]:
        return {"member": self.member, "cents": self.cents, "currency": self.currency,
                "method": self.method, "memberships": self.memberships, "owed_cents": self.owed_cents}


def description(row: Membership, site: Site) -> str:
    """``Dues monthly 2026-12-02 to 2027-01-01`` (service days, as ``member show`` prints them)."""
    first = site.clock.service_day(row.valid_from)
    last = f" to {site.clock.service_day(row.valid_until)}" if row.valid_until else ""
    return f"Dues {row.plan} {first}{last}"


def charge(session: Session, site: Site, member: Member, row: Membership, *,
           paid_cents: int | None, method: PaymentMethod | None) -> None:
    """The dues of a new membership (``row``, flushed), and what was paid at once."""
    if paid_cents is not None and method is None:
        raise InvalidInput("say how the dues were paid: --method cash, transfer, cheque, online or card")
    if paid_cents is None and method is not None:
        raise InvalidInput("--method says how dues were paid: give --paid too")
    if paid_cents is not None and paid_cents > row.price_cents:
        raise InvalidInput(f"--paid {admin_money(paid_cents, site.currency)} is more than the dues "
                           f"({admin_money(row.price_cents, site.currency)})",
                           hint="machine credit is `seuil ledger add MEMBER payment AMOUNT`")
    now = site.now()
    text = description(row, site)
    if row.price_cents:
        post(session, Posting(member.id, EntryKind.CHARGE, row.price_cents, site.currency, now, site.actor,
                              f"membership:{row.id}", text, membership_id=row.id))
    if paid_cents:
        post(session, Posting(member.id, EntryKind.PAYMENT, paid_cents, site.currency, now, site.actor,
                              f"membership:{row.id}:payment", text, method, membership_id=row.id))


def owed_by_membership(session: Session, member_id: int) -> dict[int, int]:
    """What each of the member's memberships still owes (only those that owe)."""
    return {k: v for k, v in dues_owed(session, member_id=member_id, by="membership").items() if v > 0}


def paid_by_membership(session: Session, member_id: int) -> dict[int, int]:
    """What was paid (or waived) on each of the member's memberships."""
    paid: dict[int, int] = {}
    for membership_id, cents in session.execute(
            select(LedgerEntry.membership_id, LedgerEntry.cents).where(
                LedgerEntry.member_id == member_id, LedgerEntry.membership_id.is_not(None),
                LedgerEntry.kind != EntryKind.CHARGE.value)):
        if membership_id is not None:
            paid[membership_id] = paid.get(membership_id, 0) + cents
    return paid


def pay(site: Site, member_ref: str, method: PaymentMethod, cents: int | None = None, *,
        reference: str | None = None, on: date | None = None) -> DuesPaid:
    """Pay owed dues, oldest membership first; without ``cents``, everything owed."""
    if reference is not None:
        checked(reference, "a reference", LABEL_LENGTH)
    at = entry_time(site, on)
    with site.store.write() as session:
        member = find_member(session, member_ref)
        owed = owed_by_membership(session, member.id)
        total = sum(owed.values())
        if not total:
            raise InvalidInput(f"{member.name} owes no dues",
                               hint="machine credit is `seuil ledger add MEMBER payment AMOUNT` "
                                    "without --dues")
        left = total if cents is None else cents
        if left <= 0 or left > total:
            raise InvalidInput(f"{member.name} owes {admin_money(total, site.currency)} of dues: "
                               f"pay at most that")
        rows = {m.id: m for m in member.memberships}
        settled: list[int] = []
        for membership_id in sorted(owed, key=lambda i: (rows[i].valid_from, i)):
            part = min(left, owed[membership_id])
            ref = reference if reference and not settled else (
                f"{reference}:{membership_id}" if reference else None)
            post(session, Posting(member.id, EntryKind.PAYMENT, part, site.currency, at, site.actor, ref,
                                  description(rows[membership_id], site), method,
                                  membership_id=membership_id))
            settled.append(membership_id)
            left -= part
            if not left:
                break
        paid = total if cents is None else cents
        audit.record(session, site, "member.pay", f"{member.name} (#{member.id})", cents=paid,
                     method=method.value, memberships=settled, reference=reference)
        return DuesPaid(member.name, paid, site.currency, method.value, settled, total - paid)
