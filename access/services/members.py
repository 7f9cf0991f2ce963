"""Members: add, find, list, show, edit, renew, suspend, resume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from access.domain import membership
from access.domain.email_address import is_email_address
from access.domain.membership import MembershipStatus, standing
from access.domain.ruleset import RuleSet
from access.errors import Conflict, InvalidInput, unknown
from access.services import audit, dues
from access.services.context import Site
from access.services.ledger import PaymentMethod, balances, dues_owed
from access.services.lookup import find_member
from access.services.rules import applied_rules
from access.store.models import Member, MemberGroup, Membership, Training


def _check_name(session: Session, name: str, member_id: int | None, same_name_ok: bool) -> None:
    """Two members whose names differ only in case make both ambiguous everywhere."""
    if same_name_ok:
        return
    for other_id, other in session.execute(select(Member.id, Member.name)):
        if other.casefold() == name.casefold() and other_id != member_id:
            raise Conflict(f'"{other}" (#{other_id}) already has that name; to add another '
                           "person of the same name, add --same-name-ok")


def _check_email(session: Session, email: str | None, member_id: int | None = None) -> str | None:
    if email is None or email == "":
        return None
    email = email.strip()
    if not is_email_address(email):
        raise InvalidInput(f'"{email}" is not an email address')
    other = session.scalars(
        select(Member).where(func.lower(Member.email) == email.lower())).first()
    if other is not None and other.id != member_id:
        raise Conflict(f"{email} is already the email of {other.name} (#{other.id})")
    return email


def _check_groups(rules: RuleSet, names: list[str]) -> None:
    known = [g.name for g in rules.groups]
    for name in names:
        if name not in known:
            raise InvalidInput(unknown("group", name, known),
                               hint="groups: " + ", ".join(known))


@dataclass(frozen=True)
class Dues:
    """What a new membership costs and what was paid for it at once (``access.services.dues``).

    ``price_cents`` is the plan's price unless given (0: a free membership, nothing charged);
    without ``paid_cents`` (or ``paid_all``) the dues are owed."""

    price_cents: int | None = None
    paid_cents: int | None = None
    method: PaymentMethod | None = None
    paid_all: bool = False


def _add_membership(session: Session, site: Site, rules: RuleSet, member: Member, plan_name: str,
                    first_day: date | None, until_day: date | None, price: Dues) -> Membership:
    plan = rules.plan(plan_name)
    if plan is None:
        known = [p.name for p in rules.plans]
        raise InvalidInput(unknown("plan", plan_name, known),
                           hint="plans: " + ", ".join(known))
    try:
        valid_from, valid_until = membership.window(plan, site.clock, site.now(), first_day,
                                                    until_day)
    except ValueError as error:
        raise InvalidInput(str(error)) from None
    row = Membership(plan=plan.name, valid_from=valid_from, valid_until=valid_until,
                     price_cents=plan.price_cents if price.price_cents is None else price.price_cents,
                     currency=site.currency, created_at=site.now())
    member.memberships.append(row)
    session.add(member)
    session.flush()
    paid = row.price_cents if price.paid_all else price.paid_cents
    if price.paid_all and not paid:
        raise InvalidInput(f'plan "{plan.name}" costs nothing here: there is nothing to pay')
    dues.charge(session, site, member, row, paid_cents=paid, method=price.method)
    return row


@dataclass(frozen=True)
class MembershipInfo:
    plan: str
    valid_from: datetime
    valid_until: datetime | None
    price_cents: int
    paid_cents: int = 0
    """Paid (or waived) on these dues so far."""

    @property
    def owed_cents(self) -> int:
        return max(self.price_cents - self.paid_cents, 0)

    def to_json(self) -> dict[str, Any]:
        return {"plan": self.plan, "valid_from": self.valid_from.isoformat(),
                "valid_until": self.valid_until.isoformat() if self.valid_until else None,
                "price_cents": self.price_cents, "paid_cents": self.paid_cents,
                "owed_cents": self.owed_cents}


@dataclass(frozen=True)
class MemberSummary:
    id: int
    name: str
    email: str | None
    groups: list[str]
    status: MembershipStatus
    plan: str | None
    valid_until: datetime | None
    show_on_dashboard: bool

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "email": self.email, "groups": self.groups,
                "status": self.status, "plan": self.plan,
                "valid_until": self.valid_until.isoformat() if self.valid_until else None,
                "show_on_dashboard": self.show_on_dashboard}


@dataclass(frozen=True)
class MemberDetail(MemberSummary):
    note: str = ""
    ask_me_about: str = ""
    balance_cents: int = 0
    """Machine credit: dues are apart (``dues_owed_cents``)."""
    dues_owed_cents: int = 0
    currency: str = "EUR"
    memberships: list[MembershipInfo] = field(default_factory=list)
    cards: list[dict[str, Any]] = field(default_factory=list)
    trainings: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "note": self.note, "ask_me_about": self.ask_me_about,
                "balance_cents": self.balance_cents,
                "dues_owed_cents": self.dues_owed_cents, "currency": self.currency,
                "memberships": [m.to_json() for m in self.memberships],
                "cards": self.cards, "trainings": self.trainings}


ASK_ME_ABOUT_ITEMS = 5
ASK_ME_ABOUT_LENGTH = 40


def parse_ask_me_about(text: str) -> str:
    """``"3D printing,  sewing,"`` → ``"3D printing, sewing"``; ``""`` says nothing any more.

    A few short topics (a screen shows them beside a name): at most 5, each at most 40
    characters, printable text only.
    """
    items: list[str] = []
    for raw in text.split(","):
        item = " ".join(raw.split())
        if not item or item.casefold() in (i.casefold() for i in items):
            continue
        if not item.isprintable():
            raise InvalidInput("--ask-me-about takes plain text (no control characters)")
        if len(item) > ASK_ME_ABOUT_LENGTH:
            raise InvalidInput(f'"{item[:20]}…" is too long: '
                               f'at most {ASK_ME_ABOUT_LENGTH} characters a topic')
        items.append(item)
    if len(items) > ASK_ME_ABOUT_ITEMS:
        raise InvalidInput(f"at most {ASK_ME_ABOUT_ITEMS} topics, separated by commas")
    return ", ".join(items)


def membership_status(member: Member, now: datetime) -> tuple[MembershipStatus, Membership | None]:
    """Where ``member`` stands (``domain.membership.standing``) and the membership it is about."""
    found = standing(member.memberships, now, suspended=member.suspended_at is not None)
    return found.status, found.current


def _summary(member: Member, now: datetime) -> MemberSummary:
    status, current = membership_status(member, now)
    return MemberSummary(member.id, member.name, member.email, member.group_names, status,
                         current.plan if current else None,
                         current.valid_until if current else None, member.show_on_dashboard)


def add_member(site: Site, name: str, *, email: str | None = None, groups: list[str] | None = None,
               plan: str | None = None, first_day: date | None = None,
               until_day: date | None = None, price: Dues | None = None,
               show_on_dashboard: bool = False, note: str = "",
               same_name_ok: bool = False) -> MemberSummary:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("a member needs a name")
    price = price or Dues()
    if (first_day or until_day or price != Dues()) and not plan:
        raise InvalidInput("--from, --until, --price and --paid describe a plan: add --plan")
    groups = sorted(set(groups or []))
    with site.store.write() as session:
        rules = applied_rules(session).rules
        _check_groups(rules, groups)
        _check_name(session, name, None, same_name_ok)
        member = Member(name=name, email=_check_email(session, email), note=note,
                        show_on_dashboard=show_on_dashboard, created_at=site.now())
        member.groups = [MemberGroup(group_name=g) for g in groups]
        session.add(member)
        session.flush()
        if plan:
            _add_membership(session, site, rules, member, plan, first_day, until_day, price)
        audit.record(session, site, "member.add", f"{name} (#{member.id})", email=member.email,
                     groups=groups, plan=plan)
        return _summary(member, site.now())


def list_members(site: Site, *, group: str | None = None, status: str | None = None) -> list[MemberSummary]:
    with site.store.read() as session:
        query = select(Member).options(selectinload(Member.groups),
                                       selectinload(Member.memberships)).order_by(Member.name)
        if group:
            query = query.join(MemberGroup).where(MemberGroup.group_name == group)
        now = site.now()
        rows = [_summary(m, now) for m in session.scalars(query).unique()]
    return [r for r in rows if status in (None, "all") or r.status == status]


def show_member(site: Site, ref: str) -> MemberDetail:
    with site.store.read() as session:
        member = find_member(session, ref)
        now = site.now()
        summary = _summary(member, now)
        paid = dues.paid_by_membership(session, member.id)
        cards = [{"id": c.id, "status": c.status, "label": c.label,
                  "enrolled_at": c.enrolled_at.isoformat(), "fingerprint": c.card_hash[:8]}
                 for c in member.cards]
        trainings = []
        for t in session.scalars(select(Training).where(Training.member_id == member.id)
                                 .order_by(Training.skill)):
            trainings.append({
                "skill": t.skill, "granted_at": t.granted_at.isoformat(),
                "granted_by": t.granted_by.name if t.granted_by else None,
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "valid": t.expires_at is None or now < t.expires_at})
        return MemberDetail(
            **summary.__dict__, note=member.note, ask_me_about=member.ask_me_about,
            balance_cents=balances(session, member.id).get(member.id, 0),
            dues_owed_cents=max(dues_owed(session, member_id=member.id).get(member.id, 0), 0),
            currency=site.currency,
            memberships=[MembershipInfo(m.plan, m.valid_from, m.valid_until, m.price_cents, paid.get(m.id, 0))
                         for m in member.memberships],
            cards=cards, trainings=trainings)


def edit_member(site: Site, ref: str, *, name: str | None = None, email: str | None = None,
                add_groups: list[str] | None = None, remove_groups: list[str] | None = None,
                show_on_dashboard: bool | None = None, note: str | None = None,
                ask_me_about: str | None = None, same_name_ok: bool = False) -> MemberSummary:
    offered = None if ask_me_about is None else parse_ask_me_about(ask_me_about)
    with site.store.write() as session:
        member = find_member(session, ref)
        changes: dict[str, Any] = {}
        if name is not None:
            new_name = " ".join(name.split())
            if not new_name:
                raise InvalidInput("a member needs a name")
            _check_name(session, new_name, member.id, same_name_ok)
            changes["name"] = [member.name, new_name]
            member.name = new_name
        if email is not None:
            new_email = _check_email(session, email, member.id)
            changes["email"] = [member.email, new_email]
            member.email = new_email
        current = set(member.group_names)
        if add_groups:
            _check_groups(applied_rules(session).rules, add_groups)
            for group in sorted(set(add_groups) - current):
                member.groups.append(MemberGroup(group_name=group))
            changes["add_groups"] = sorted(set(add_groups) - current)
        if remove_groups:
            missing = sorted(set(remove_groups) - current)
            if missing:
                raise InvalidInput(f"{member.name} is not in group(s) {', '.join(missing)}")
            member.groups = [g for g in member.groups if g.group_name not in remove_groups]
            changes["remove_groups"] = sorted(remove_groups)
        if show_on_dashboard is not None:
            changes["show_on_dashboard"] = show_on_dashboard
            member.show_on_dashboard = show_on_dashboard
        if note is not None:
            changes["note"] = note
            member.note = note
        if offered is not None:
            changes["ask_me_about"] = [member.ask_me_about, offered]
            member.ask_me_about = offered
        if not changes:
            raise InvalidInput("nothing to change: give at least one option (see --help)")
        audit.record(session, site, "member.edit", f"{member.name} (#{member.id})", **changes)
        session.flush()
        return _summary(member, site.now())


@dataclass(frozen=True)
class Renewal:
    """The member after a renewal, and the period it added (which ``member`` may not show yet:
    a renewal paid ahead starts when the current period ends)."""

    member: MemberSummary
    period: MembershipInfo


def renew_member(site: Site, ref: str, plan: str, *, first_day: date | None = None,
                 until_day: date | None = None, price: Dues | None = None) -> Renewal:
    """A new period of ``plan``: from the day after the current one ends (unless ``first_day``)."""
    with site.store.write() as session:
        member = find_member(session, ref)
        if first_day is None:
            try:
                first_day = membership.renewal_day(member.memberships, site.now(), site.clock)
            except ValueError as error:
                raise InvalidInput(str(error), hint="give --from to add a period anyway") from None
        row = _add_membership(session, site, applied_rules(session).rules, member, plan,
                              first_day, until_day, price or Dues())
        session.flush()
        audit.record(session, site, "member.renew", f"{member.name} (#{member.id})", plan=plan,
                     valid_from=row.valid_from.isoformat(),
                     valid_until=row.valid_until.isoformat() if row.valid_until else None,
                     price_cents=row.price_cents)
        return Renewal(_summary(member, site.now()),
                       MembershipInfo(row.plan, row.valid_from, row.valid_until, row.price_cents))


def set_suspended(site: Site, ref: str, suspended: bool, reason: str = "") -> MemberSummary:
    with site.store.write() as session:
        member = find_member(session, ref)
        if suspended == (member.suspended_at is not None):
            state = "already suspended" if suspended else "not suspended"
            raise InvalidInput(f"{member.name} is {state}")
        member.suspended_at = site.now() if suspended else None
        audit.record(session, site, "member.suspend" if suspended else "member.resume",
                     f"{member.name} (#{member.id})", reason=reason)
        session.flush()
        return _summary(member, site.now())
