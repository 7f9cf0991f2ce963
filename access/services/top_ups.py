"""Topping up machine credit at the kiosk, after a badge tap: into the cash box, or online.

The kiosk's top-up screen (issue 18.4, the kiosk's to build) calls these, as the CLI would:

- ``top_up_cash``: the member put the money in the box; the payment is declared into it
  (method ``cash``), so the next count of the box expects it.
- ``start_online``: a checkout opened with the provider and kept (``access.services.
  checkouts``) before the QR code is shown; when it is paid, the hub or the screen's own poll
  posts the payment (the provider's order id is its reference, so it is posted once), and a
  paid checkout that cannot be posted is listed by ``seuil payments orphans``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from access.domain.money import Money
from access.errors import InvalidInput, NotFound
from access.payments.provider import PaymentProvider
from access.services import audit
from access.services.checkouts import CheckoutView, Purpose, start
from access.services.context import Site
from access.services.day_passes import KIOSK_ACTOR
from access.services.ledger import EntryKind, PaymentMethod, Posting, balances, post
from access.store.models import Member

MAX_TOP_UP_CENTS = 50_000
"""500.00: more than this at a kiosk is a typing slip."""


@dataclass(frozen=True)
class TopUp:
    entry_id: int
    member_id: int
    member: str
    cents: int
    currency: str
    balance_cents: int
    """Machine credit after the top-up."""

    def to_json(self) -> dict[str, Any]:
        return {"entry_id": self.entry_id, "member_id": self.member_id, "member": self.member,
                "cents": self.cents, "currency": self.currency, "balance_cents": self.balance_cents}


def check_amount(site: Site, cents: int) -> None:
    if cents <= 0:
        raise InvalidInput("a top-up is more than 0")
    if cents > MAX_TOP_UP_CENTS:
        raise InvalidInput(f"at most {Money(MAX_TOP_UP_CENTS, site.currency).plain()} at the kiosk")


def top_up_cash(site: Site, member_id: int, cents: int) -> TopUp:
    """Machine credit paid into the cash box by the member the kiosk identified."""
    check_amount(site, cents)
    now = site.now()
    with site.store.write() as session:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFound(f"no member #{member_id}")
        entry = post(session, Posting(member.id, EntryKind.PAYMENT, cents, site.currency, now, KIOSK_ACTOR,
                                      None, "Top-up at the kiosk (cash box)", PaymentMethod.CASH))
        audit.record(session, site, "topup.cash", f"{member.name} (#{member.id})", actor=KIOSK_ACTOR,
                     entry=entry.id, cents=cents)
        balance = balances(session, member.id).get(member.id, 0)
        return TopUp(entry.id, member.id, member.name, cents, site.currency, balance)


def start_online(site: Site, provider: PaymentProvider, member_id: int, cents: int) -> CheckoutView:
    """Open (and keep) an online checkout for a top-up; show its ``url`` as a QR code."""
    check_amount(site, cents)
    with site.store.read() as session:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFound(f"no member #{member_id}")
        name = member.name
    return start(site, provider, Purpose.TOP_UP, cents, f"Top-up: {name}", {"member_id": member_id})
