"""Online payments that are never lost: every checkout started is kept until it is final.

The kiosk opens a checkout (``start``: the provider's checkout first, then its row here, before
the QR code is shown) and asks about it while the payer is in front of the screen; the hub asks
about every pending one on its schedule (``confirm_pending``), so a payer who pays after the
screen moved on, or a kiosk that restarted, still gets what they paid for. A HelloAsso
notification cannot be verified by an association, so the provider is always asked (polling
``GET .../checkout-intents/{id}``).

A paid checkout ends as a day pass or a top-up (``fulfil``). Both pollers may see it paid at
once: the provider's order id is the ledger reference, which is unique, so the second one finds
what the first made instead of selling twice. What cannot be made (the rules changed, the
member is gone) stays paid with a ``problem``: ``seuil payments orphans`` lists it for the
treasurer, who refunds it or enters it by hand.

A payer may pay twice for one thing: the cash box, then the QR code on their phone (the
checkout stays watched after a cash sale, so a phone payment is never lost). The cash sale
marks the payer's pending checkouts with what it made (``set_aside``, in the sale's
transaction); one of them paid later makes no second pass or top-up: its money is kept as a
payment on the payer's ledger (a credit the association owes them) and the checkout keeps a
``problem`` saying so, listed by ``seuil payments twice`` and counted in the month's report,
for the treasurer to refund or keep as a gift. The two may also cross (the phone's payment was
fulfilled a moment before the cash): then the cash is the second payment, recorded the same way.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import Conflict, SeuilError
from access.payments.provider import PaymentError, PaymentProvider, PaymentState
from access.services import day_passes, top_ups
from access.services.context import Site
from access.services.ledger import EntryKind, PaymentMethod, Posting, post
from access.store.models import DayPass, LedgerEntry, OnlineCheckout

EXPIRES_AFTER = timedelta(hours=2)
"""A checkout still unpaid this long after it was opened is given up (HelloAsso's payment page
lasts far less); until then the hub keeps asking."""


class Purpose(StrEnum):
    DAY_PASS = "daypass"
    TOP_UP = "topup"


class State(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CheckoutView:
    id: int
    provider: str
    checkout_id: str
    purpose: str
    cents: int
    currency: str
    state: str
    started_at: datetime
    order_reference: str | None
    outcome: str | None
    problem: str
    url: str = ""
    paid_before: str = ""
    """What the payer had already paid another way when this was paid (``daypass:12``):
    this payment is a second one, kept on their ledger, not a second pass."""
    second_cents: int = 0
    """The second payment's amount (this checkout's, or the cash that crossed it)."""

    @property
    def day_pass_id(self) -> int | None:
        made = self.outcome or ""
        return int(made.split(":")[1]) if made.startswith("daypass:") else None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "provider": self.provider, "checkout_id": self.checkout_id,
                "purpose": self.purpose, "cents": self.cents, "currency": self.currency,
                "state": self.state, "started_at": self.started_at.isoformat(),
                "order_reference": self.order_reference, "outcome": self.outcome,
                "problem": self.problem}


PAID_BEFORE = "paid_before"
"""``details`` key: what a cash sale made for this checkout's payer while it was pending."""
SECOND = "second_payment"
"""``details`` key: the second payment kept on the payer's ledger (entry id, cents, method)."""
TWICE = "paid twice"
"""How a second payment's ``problem`` begins (``seuil payments twice`` lists them)."""


def _view(row: OnlineCheckout, url: str = "") -> CheckoutView:
    second = row.details.get(SECOND) or {}
    return CheckoutView(row.id, row.provider, row.checkout_id, row.purpose, row.cents, row.currency,
                        row.state, row.started_at, row.order_reference, row.outcome, row.problem, url,
                        str(row.details.get(PAID_BEFORE, "")), int(second.get("cents", 0)))


def set_aside(session: Session, ids: Collection[int], made: str) -> None:
    """In a cash sale's transaction: the payer's pending checkouts (``ids``) are marked with
    what the cash made (``daypass:12``, ``entry:40``), so a phone payment that arrives later
    is kept as a second payment, not made into a second pass or top-up."""
    for row in _rows(session, ids):
        if row.state == State.PENDING.value:
            row.details = {**row.details, PAID_BEFORE: made}


def crossed(session: Session, ids: Collection[int]) -> OnlineCheckout | None:
    """Among the payer's checkouts, one already paid and fulfilled (the phone's payment crossed
    the cash): the cash is then the second payment."""
    return next((r for r in _rows(session, ids) if r.state == State.PAID.value and r.outcome), None)


def keep_second(session: Session, row: OnlineCheckout, member_id: int, cents: int, method: PaymentMethod,
                reference: str, now: datetime, actor: str) -> LedgerEntry:
    """A second payment for what ``row``'s payer already has: a payment on their ledger (money
    the association holds for them), flagged on ``row`` for the treasurer."""
    made = str(row.details.get(PAID_BEFORE) or row.outcome or "")
    entry = post(session, Posting(member_id, EntryKind.PAYMENT, cents, row.currency, now, actor, reference,
                                  f"Paid twice for {made}: refund it or keep it as a gift", method))
    row.details = {**row.details, PAID_BEFORE: made,
                   SECOND: {"entry": entry.id, "cents": cents, "method": method.value}}
    row.problem = (f"{TWICE}: {made} was already paid; the {method.value} payment is kept on the "
                   f"payer's ledger (entry #{entry.id}): refund it or keep it as a gift")
    return entry


def _rows(session: Session, ids: Collection[int]) -> list[OnlineCheckout]:
    if not ids:
        return []
    return list(session.scalars(select(OnlineCheckout).where(OnlineCheckout.id.in_(list(ids)))))


def start(site: Site, provider: PaymentProvider, purpose: Purpose, cents: int, label: str,
          details: dict[str, Any]) -> CheckoutView:
    """Open a checkout with the provider and keep it (``PaymentError`` if it cannot be opened)."""
    reference = f"seuil-{purpose.value}-{site.now().strftime('%Y%m%d%H%M%S%f')}"
    opened = provider.create(cents, label, reference)
    with site.store.write() as session:
        row = OnlineCheckout(provider=provider.name, checkout_id=opened.id, purpose=purpose.value,
                             cents=cents, currency=site.currency, label=label, details=details,
                             state=State.PENDING.value, started_at=site.now(), problem="")
        session.add(row)
        session.flush()
        return _view(row, opened.url)


def confirm(site: Site, provider: PaymentProvider, checkout: int) -> CheckoutView:
    """Ask the provider about a pending checkout; a paid one is fulfilled (once)."""
    with site.store.read() as session:
        row = session.get_one(OnlineCheckout, checkout)
        if row.state != State.PENDING:
            return _view(row)
        checkout_id, started = row.checkout_id, row.started_at
    now = site.now()
    try:
        status = provider.status(checkout_id)
    except PaymentError:
        status = None  # the network: ask again later, unless it is too late
    if status is not None and status.state is PaymentState.PAID:
        return _fulfil(site, checkout, status.reference or f"{provider.name}:{checkout_id}")
    with site.store.write() as session:
        row = session.get_one(OnlineCheckout, checkout)
        row.checked_at = now
        if status is not None and status.state is PaymentState.FAILED:
            row.state, row.final_at = State.FAILED.value, now
        elif now - started > EXPIRES_AFTER:
            row.state, row.final_at = State.EXPIRED.value, now
        return _view(row)


def _fulfil(site: Site, checkout: int, order: str) -> CheckoutView:
    with site.store.read() as session:
        row = session.get_one(OnlineCheckout, checkout)
        purpose, cents, details = Purpose(row.purpose), row.cents, dict(row.details)
    if details.get(PAID_BEFORE):
        return _second(site, checkout, order)
    outcome, problem = _made_already(site, order), ""
    if outcome is None:
        try:
            outcome = _make(site, purpose, cents, details, order)
        except Conflict:  # the other poller made it meanwhile
            outcome = _made_already(site, order)
        except SeuilError as error:
            problem = error.message
    with site.store.write() as session:
        row = session.get_one(OnlineCheckout, checkout)
        row.state, row.order_reference, row.checked_at = State.PAID.value, order, site.now()
        row.final_at = row.final_at or site.now()
        row.outcome, row.problem = outcome, "" if outcome else (problem or "nothing was made")
        return _view(row)


def _second(site: Site, checkout: int, order: str) -> CheckoutView:
    """A checkout paid after its payer paid cash: kept as a second payment, once (the order id
    is the entry's unique reference: the other poller finds it)."""
    now = site.now()
    with site.store.write() as session:
        row = session.get_one(OnlineCheckout, checkout)
        if row.state == State.PENDING.value:
            made = str(row.details[PAID_BEFORE])
            member_id = _payer(session, made, row.details)
            if member_id is None:
                row.problem = f"{TWICE}: {made} was already paid and its payer is gone: refund it"
            else:
                entry = keep_second(session, row, member_id, row.cents, PaymentMethod.ONLINE, order, now,
                                    "kiosk")
                row.outcome = f"entry:{entry.id}"
            row.state, row.order_reference, row.checked_at = State.PAID.value, order, now
            row.final_at = row.final_at or now
        return _view(row)


def _payer(session: Session, made: str, details: dict[str, Any]) -> int | None:
    """Whose ledger a second payment goes on: the day pass's visitor, the topped-up member."""
    if made.startswith("daypass:"):
        return session.scalar(select(DayPass.member_id).where(DayPass.id == int(made.split(":")[1])))
    member = details.get("member_id")
    return int(member) if member is not None else None


def _make(site: Site, purpose: Purpose, cents: int, details: dict[str, Any], order: str) -> str:
    if purpose is Purpose.DAY_PASS:
        sold = day_passes.sell(site, cents=cents, method=PaymentMethod.ONLINE,
                               name=str(details.get("name", "")), payment_reference=order)
        return f"daypass:{sold.id}"
    made = top_ups.top_up(site, int(details["member_id"]), cents, PaymentMethod.ONLINE, reference=order)
    return f"entry:{made.entry_id}"


def _made_already(site: Site, order: str) -> str | None:
    with site.store.read() as session:
        sold = session.scalar(select(DayPass.id).where(DayPass.payment_reference == order))
        if sold is not None:
            return f"daypass:{sold}"
        entry = session.scalar(select(LedgerEntry.id).where(LedgerEntry.reference == order))
        return f"entry:{entry}" if entry is not None else None


def confirm_pending(site: Site, provider: PaymentProvider) -> list[CheckoutView]:
    """The hub's job: ask about every pending checkout of ``provider``; returns those that changed."""
    with site.store.read() as session:
        ids = list(session.scalars(select(OnlineCheckout.id).where(
            OnlineCheckout.state == State.PENDING.value, OnlineCheckout.provider == provider.name)
            .order_by(OnlineCheckout.id)))
    changed = [confirm(site, provider, i) for i in ids]
    return [c for c in changed if c.state != State.PENDING]


def pending(site: Site) -> list[CheckoutView]:
    """Checkouts not final yet: someone may still pay."""
    return _listed(site, OnlineCheckout.state == State.PENDING.value)


def orphans(site: Site) -> list[CheckoutView]:
    """Paid checkouts that made nothing: money received that no pass or top-up accounts for."""
    return _listed(site, (OnlineCheckout.state == State.PAID.value) & OnlineCheckout.outcome.is_(None))


def paid_twice(site: Site, start: datetime | None = None, end: datetime | None = None
               ) -> list[CheckoutView]:
    """Second payments for one pass or top-up (paid when final between ``start`` and ``end``):
    money kept on the payer's ledger, for the treasurer to refund or keep as a gift."""
    condition = (OnlineCheckout.state == State.PAID.value) & OnlineCheckout.problem.startswith(TWICE)
    if start is not None:
        condition &= OnlineCheckout.final_at >= start
    if end is not None:
        condition &= OnlineCheckout.final_at < end
    return _listed(site, condition)


def _listed(site: Site, condition: Any) -> list[CheckoutView]:
    with site.store.read() as session:
        return [_view(r) for r in session.scalars(
            select(OnlineCheckout).where(condition).order_by(OnlineCheckout.started_at))]
