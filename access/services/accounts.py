"""Members' accounts, as the treasurer keeps them: entries, waivers, prepaid hours, balances.

Amounts are typed positive; the kind gives the sign (a charge lowers the balance, the rest
raise it). Every entry goes through ``access.services.ledger`` (the only writer of the
ledger), and every write here is audited; a ``reference`` (a receipt number, an online order
id) is unique, so the same payment cannot be entered twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.domain.money import Money
from access.domain.plain_text import LABEL_LENGTH, NOTE_LENGTH
from access.errors import InvalidInput, NotFound, unknown
from access.services import audit
from access.services.context import Site
from access.services.ledger import EntryKind, PaymentMethod, Posting, balances, dues_owed, post
from access.services.lookup import find_member
from access.services.rules import applied_rules
from access.services.text_input import checked
from access.store.models import LedgerEntry, Member, PrepaidGrant, UsageSession


@dataclass(frozen=True)
class EntryInfo:
    id: int
    member_id: int | None
    """None for a cash-box difference (``surplus``/``shortfall``), which belongs to no member."""
    member: str
    email: str | None
    kind: str
    cents: int
    currency: str
    method: str | None
    reference: str | None
    description: str
    created_at: datetime
    created_by: str
    membership_id: int | None = None

    @property
    def account(self) -> str:
        """``dues`` (a membership's charge and what paid or waived it), ``cash`` (a cash-box
        difference) or ``credit`` (the rest: machine credit)."""
        if self.member_id is None:
            return "cash"
        return "dues" if self.membership_id is not None else "credit"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "member_id": self.member_id, "member": self.member,
                "account": self.account, "membership_id": self.membership_id,
                "email": self.email, "kind": self.kind, "cents": self.cents,
                "amount": Money(self.cents, self.currency).plain(), "currency": self.currency,
                "method": self.method, "reference": self.reference,
                "description": self.description, "created_at": self.created_at.isoformat(),
                "created_by": self.created_by}


@dataclass(frozen=True)
class Balance:
    member_id: int
    member: str
    email: str | None
    cents: int
    currency: str
    prepaid_seconds: dict[str, int] = field(default_factory=dict)
    """Prepaid time left, per resource."""
    dues_owed_cents: int = 0
    """Dues still owed: their own account, never taken from ``cents`` (machine credit)."""

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "member": self.member, "email": self.email,
                "cents": self.cents, "balance": Money(self.cents, self.currency).plain(),
                "dues_owed_cents": self.dues_owed_cents,
                "currency": self.currency,
                "prepaid_hours": {r: round(s / 3600, 2) for r, s in self.prepaid_seconds.items()}}


def _info(entry: LedgerEntry, member: Member) -> EntryInfo:
    return EntryInfo(entry.id, member.id, member.name, member.email, entry.kind, entry.cents,
                     entry.currency, entry.method, entry.reference, entry.description,
                     entry.created_at, entry.created_by, entry.membership_id)


ENTRY_COLUMNS = (LedgerEntry.id, LedgerEntry.member_id, Member.name, Member.email, LedgerEntry.kind,
                 LedgerEntry.cents, LedgerEntry.currency, LedgerEntry.method, LedgerEntry.reference,
                 LedgerEntry.description, LedgerEntry.created_at, LedgerEntry.created_by,
                 LedgerEntry.membership_id)


def parse_hours(text: str, option: str = "hours") -> int:
    """``"1.5"`` or ``"1,5"`` hours as seconds; refuses 0, negatives and nonsense."""
    try:
        hours = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(f'{option} "{text}" is not a number of hours (write it like 1.5)') from None
    if not hours.is_finite() or hours <= 0 or hours > 10_000:
        raise InvalidInput(f"{option} must be more than 0 (and at most 10000)")
    return int(hours * 3600)


def entry_time(site: Site, on: date | None) -> datetime:
    """When an entry happened: now, or noon (local) of the day ``--date`` gave, never later."""
    now = site.now()
    at = site.clock.at(datetime.combine(on, time(12))) if on else now
    if at > now:
        raise InvalidInput(f"--date {on} is in the future")
    return at


def add_entry(site: Site, member_ref: str, kind: EntryKind, cents: int, *,
              method: PaymentMethod | None = None, reference: str | None = None,
              description: str = "", on: date | None = None) -> EntryInfo:
    """Write one entry. ``cents`` is the positive amount; the kind gives the sign."""
    if cents <= 0:
        raise InvalidInput("the amount must be more than 0")
    _check_words(reference, description)
    if kind is not EntryKind.PAYMENT and method is not None:
        raise InvalidInput("--method is for payments only")
    if kind is EntryKind.PAYMENT and method is None:
        method = PaymentMethod.CASH
    at = entry_time(site, on)
    with site.store.write() as session:
        member = find_member(session, member_ref)
        entry = post(session, Posting(member.id, kind, cents, site.currency, at, site.actor,
                                      reference, description, method))
        audit.record(session, site, f"ledger.{kind.value}", member.name, entry=entry.id,
                     cents=entry.cents, method=entry.method, reference=reference)
        return _info(entry, member)


def _check_words(reference: str | None, description: str) -> None:
    if reference is not None:
        checked(reference, "a reference", LABEL_LENGTH)
    checked(description, "a note", NOTE_LENGTH, multiline=True)


def waive(site: Site, entry_id: int, *, description: str = "") -> EntryInfo:
    """Forgive a charge: a waiver of the same amount, referencing it (once only)."""
    _check_words(None, description)
    with site.store.write() as session:
        charge = session.get(LedgerEntry, entry_id)
        if charge is None:
            raise NotFound(f"no ledger entry #{entry_id}", hint="see `seuil ledger list MEMBER`")
        if charge.kind != EntryKind.CHARGE:
            raise InvalidInput(f"entry #{entry_id} is a {charge.kind}: only a charge can be waived "
                               "(machine use, dues, anything owed)")
        assert charge.member_id is not None  # a charge always has its member
        member = session.get_one(Member, charge.member_id)
        text = f"waives #{entry_id} ({charge.description})" if charge.description else f"waives #{entry_id}"
        entry = post(session, Posting(member.id, EntryKind.WAIVER, -charge.cents, charge.currency,
                                      site.now(), site.actor, f"waiver:{entry_id}",
                                      f"{text}: {description}" if description else text,
                                      membership_id=charge.membership_id))
        audit.record(session, site, "ledger.waiver", member.name, entry=entry.id, waives=entry_id,
                     cents=entry.cents)
        return _info(entry, member)


def grant_hours(site: Site, member_ref: str, seconds: int, resource: str, *,
                price_cents: int | None = None, description: str = "") -> Balance:
    """Prepaid time on ``resource``; with ``price_cents``, also the charge for it."""
    _check_words(None, description)
    with site.store.write() as session:
        rules = applied_rules(session).rules
        priced = [r.name for r in rules.resources if r.pricing and not r.pricing.is_free]
        if rules.resource(resource) is None or resource not in priced:
            raise InvalidInput(unknown("priced resource", resource, priced)
                               if rules.resource(resource) is None
                               else f'"{resource}" is free: prepaid hours are for priced machines')
        member = find_member(session, member_ref)
        now = site.now()
        grant = PrepaidGrant(member_id=member.id, resource=resource, seconds=seconds, granted_at=now,
                             note=description, created_by=site.actor)
        session.add(grant)
        session.flush()
        hours = f"{seconds / 3600:g} h prepaid on {resource}"
        if price_cents:
            post(session, Posting(member.id, EntryKind.CHARGE, price_cents, site.currency, now,
                                  site.actor, f"hours:{grant.id}", hours))
        audit.record(session, site, "ledger.hours", member.name, resource=resource, seconds=seconds,
                     price_cents=price_cents)
        session.flush()
        return _balance(session, site, member)


def prepaid_left(session: Session, member_id: int) -> dict[str, int]:
    granted: dict[str, int] = defaultdict(int)
    for resource, seconds in session.execute(
            select(PrepaidGrant.resource, func.sum(PrepaidGrant.seconds))
            .where(PrepaidGrant.member_id == member_id).group_by(PrepaidGrant.resource)):
        granted[resource] = int(seconds)
    for resource, seconds in session.execute(
            select(UsageSession.resource, func.sum(UsageSession.prepaid_seconds))
            .where(UsageSession.member_id == member_id, UsageSession.resource.in_(list(granted)))
            .group_by(UsageSession.resource)):
        granted[resource] -= int(seconds or 0)
    return dict(granted)


def _balance(session: Session, site: Site, member: Member) -> Balance:
    return Balance(member.id, member.name, member.email,
                   balances(session, member.id).get(member.id, 0), site.currency,
                   prepaid_left(session, member.id),
                   max(dues_owed(session, member_id=member.id).get(member.id, 0), 0))


def member_balance(site: Site, member_ref: str) -> Balance:
    with site.store.read() as session:
        return _balance(session, site, find_member(session, member_ref, erased_ok=True))


def all_balances(site: Site, *, include_zero: bool = False) -> list[Balance]:
    """Every member's balance and dues owed (only those with either, unless ``include_zero``),
    lowest balance first."""
    with site.store.read() as session:
        money = balances(session)
        owed = {m: max(c, 0) for m, c in dues_owed(session).items()}
        rows = session.execute(select(Member.id, Member.name, Member.email)).all()
        result = [Balance(i, n, e, money.get(i, 0), site.currency, dues_owed_cents=owed.get(i, 0))
                  for i, n, e in rows if include_zero or money.get(i, 0) != 0 or owed.get(i, 0)]
    return sorted(result, key=lambda b: (b.cents, b.member))


def month_range(site: Site, month: str) -> tuple[datetime, datetime]:
    """``2026-11`` as the instants of its first and next month's first local midnight."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise InvalidInput(f'month "{month}" is not a month (write it like 2026-11)') from None
    following = date(year + number // 12, number % 12 + 1, 1)
    return (site.clock.at(datetime.combine(first, time())),
            site.clock.at(datetime.combine(following, time())))


def list_entries(site: Site, *, member_ref: str | None = None, month: str | None = None,
                 since: datetime | None = None, until: datetime | None = None,
                 method: PaymentMethod | None = None) -> list[EntryInfo]:
    """Entries in date order, for one member or all, in a month or a range, paid one way."""
    if month is not None:
        since, until = month_range(site, month)
    query = select(*ENTRY_COLUMNS).outerjoin(Member, Member.id == LedgerEntry.member_id)
    if since is not None:
        query = query.where(LedgerEntry.created_at >= since)
    if until is not None:
        query = query.where(LedgerEntry.created_at < until)
    if method is not None:
        query = query.where(LedgerEntry.method == method.value)
    with site.store.read() as session:
        if member_ref is not None:
            query = query.where(LedgerEntry.member_id == find_member(session, member_ref, erased_ok=True).id)
        rows = session.connection().execute(query.order_by(LedgerEntry.created_at, LedgerEntry.id)).all()
        return [_row_info(cast(tuple[Any, ...], row)) for row in rows]


def _row_info(row: tuple[Any, ...]) -> EntryInfo:
    values = list(row)
    values[2] = values[2] or ""  # a cash-box difference has no member, hence no name
    return EntryInfo(*values)
