"""Topping up a member's machine credit at the kiosk, after a badge tap: cash box or online.

A top-up is a payment on the member's ledger (method ``cash`` or ``online``). Cash is recorded
when the member confirms the money is in the box: it is declared into the box, so the next
count expects it (``services.cash_box``). Online, a checkout is opened and kept first
(``start_online``); the payment is posted when the provider reports it paid
(``services.checkouts``, with the provider's order id as the unique reference, so the kiosk's
poll and the hub's never enter it twice; a paid checkout that cannot be posted is listed by
``seuil payments orphans``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from access.domain.money import Money
from access.errors import InvalidInput, NotFound
from access.payments.provider import PaymentProvider
from access.services import audit, checkouts  # checkouts posts paid top-ups through top_up
from access.services.context import Site
from access.services.ledger import EntryKind, PaymentMethod, Posting, balances, post
from access.store.models import Member

KIOSK_ACTOR = "kiosk"
PRESETS_CENTS = (500, 1000, 2000, 5000)
MAX_CENTS = 50_000
DESCRIPTION = "Top-up at the kiosk"


@dataclass(frozen=True)
class TopUp:
    member_id: int
    name: str
    cents: int
    method: str
    entry_id: int
    balance_cents: int
    """The member's machine credit after the top-up."""
    paid_twice: bool = False
    """The member's phone payment for it came first: this cash is a second payment (kept as
    their credit all the same, flagged for the treasurer)."""

    @property
    def member(self) -> str:
        return self.name


def check_amount(cents: int, currency: str) -> None:
    if cents <= 0:
        raise InvalidInput("a top-up is more than 0")
    if cents > MAX_CENTS:
        raise InvalidInput(f"at most {Money(MAX_CENTS, currency).plain()} at the kiosk")


def top_up(site: Site, member_id: int, cents: int, method: PaymentMethod,
           reference: str | None = None, other_checkouts: Collection[int] = ()) -> TopUp:
    """Record the payment (``reference``: the online order id; cash gets one of its own).

    ``other_checkouts``: the member's online checkouts still open when they paid cash: set
    aside (paid later, a second payment, flagged); one already paid makes this cash the second.
    """
    if method not in (PaymentMethod.CASH, PaymentMethod.ONLINE):
        raise InvalidInput("a top-up at the kiosk is paid in the cash box or online")
    check_amount(cents, site.currency)
    with site.store.write() as session:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFound(f"no member #{member_id}")
        crossed = checkouts.crossed(session, other_checkouts) if method is PaymentMethod.CASH else None
        if crossed is not None:  # the phone's top-up came first: this cash is the second one
            entry = checkouts.keep_second(session, crossed, member_id, cents, method,
                                          f"topup:{uuid.uuid4().hex}", site.now(), KIOSK_ACTOR)
        else:
            entry = post(session, Posting(
                member_id, EntryKind.PAYMENT, cents, site.currency, site.now(), KIOSK_ACTOR,
                reference or f"topup:{uuid.uuid4().hex}",
                f"{DESCRIPTION} (cash box)" if method is PaymentMethod.CASH else DESCRIPTION, method))
            checkouts.set_aside(session, other_checkouts, f"entry:{entry.id}")
        audit.record(session, site, f"topup.{method.value}", f"{member.name} (#{member.id})",
                     actor=KIOSK_ACTOR, entry=entry.id, cents=cents)
        balance = balances(session, member_id).get(member_id, 0)
        return TopUp(member_id, member.name, cents, method.value, entry.id, balance, crossed is not None)


def top_up_cash(site: Site, member_id: int, cents: int) -> TopUp:
    """Machine credit paid into the cash box by the member the kiosk identified."""
    return top_up(site, member_id, cents, PaymentMethod.CASH)


def start_online(site: Site, provider: PaymentProvider, member_id: int, cents: int
                 ) -> checkouts.CheckoutView:
    """Open (and keep) an online checkout for a top-up; show its ``url`` as a QR code."""
    check_amount(cents, site.currency)
    with site.store.read() as session:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFound(f"no member #{member_id}")
        name = member.name
    return checkouts.start(site, provider, checkouts.Purpose.TOP_UP, cents, f"Top-up: {name}",
                           {"member_id": member_id})


def balance(site: Site, member_id: int) -> int:
    with site.store.read() as session:
        return balances(session, member_id).get(member_id, 0)
