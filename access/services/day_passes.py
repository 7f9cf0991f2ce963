"""Day passes: a visitor pays what they can and gets in until the day's cut-off.

A visitor is a member row of their own (first name optional) with one membership on the
site's day-pass plan, so the door's rules and the snapshot treat them like anyone else.
The money goes on the ledger as a charge and the matching payment (cash box or online),
so the treasurer reconciles the cash box against the ``cash`` payments of the day.
The door credential is a spare badge bound to the visitor, or a 6-digit code that the
kiosk checks before it asks the entrance node to open.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.domain import membership
from access.domain.cards import CARD_HASH
from access.domain.money import Money
from access.domain.opening import opening, pass_day
from access.domain.plain_text import NAME_LENGTH, UNSAFE
from access.domain.ruleset import PlanDef, PlanPeriod, RuleSet
from access.domain.snapshot import MembershipWindow, MemberView, Snapshot
from access.errors import Conflict, InvalidInput, NotFound
from access.services import audit, checkouts
from access.services.context import Site
from access.services.ledger import EntryKind, PaymentMethod, Posting, check_reference, post
from access.services.rules import DoorAnswer, applied_rules, door_for, entrance_resource
from access.store.models import Card, DayPass, Member, Membership, OnlineCheckout

CODE_DIGITS = 6
DAY_PASS_CARD_LABEL = "day pass"
VISITOR_NAME = "Visitor"
MAX_AMOUNT_CENTS = 100_000
KIOSK_ACTOR = "kiosk"


@dataclass(frozen=True)
class Offer:
    """What the kiosk proposes: the plan's suggested price, presets and floor."""

    plan: str
    description: str
    suggested_cents: int
    floor_cents: int
    presets_cents: tuple[int, ...]
    currency: str
    valid_until: datetime
    """When a pass sold now ends (the cut-off that ends its day)."""
    opens_until: datetime | None = None
    """When its badge and code stop opening the entrance on its day (the door's closing time
    for the plan, capped by ``valid_until``); None when the entrance does not open for it."""
    valid_from: datetime | None = None
    """When a pass sold now starts: now, or the cut-off that starts the next opening day when
    the door does not open again today (``opens_at``)."""
    opens_at: datetime | None = None
    """When the entrance next opens for a pass sold now, when it is closed now (after the
    hours, a closed day, a holiday); None when it is open now."""

    @property
    def closed_now(self) -> bool:
        return self.opens_until is None or self.opens_at is not None

    def check(self, cents: int) -> None:
        if cents < self.floor_cents:
            raise InvalidInput(f"the least you can pay is {Money(self.floor_cents, self.currency).plain()}")
        if cents > MAX_AMOUNT_CENTS:
            raise InvalidInput(f"at most {Money(MAX_AMOUNT_CENTS, self.currency).plain()} at the kiosk")


@dataclass(frozen=True)
class SoldPass:
    id: int
    member_id: int
    name: str
    cents: int
    currency: str
    method: str
    reference: str
    sold_at: datetime
    valid_until: datetime
    code: str | None
    """The door code in clear: shown once on the receipt, only its hash is kept."""
    paid_twice_cents: int = 0
    """The cash just paid was a second payment for this pass (its phone payment came first):
    kept on the visitor's ledger, flagged for the treasurer, no second pass."""


def _plan(site: Site, session: Session) -> PlanDef:
    name = site.config.kiosk.day_pass_plan
    plan = applied_rules(session).rules.plan(name)
    if plan is None:
        raise NotFound(f'no plan "{name}" in the applied rules', hint="add it to rules.toml "
                       "(period = \"day\"), or set [kiosk] day_pass_plan")
    if plan.period is not PlanPeriod.DAY:
        raise InvalidInput(f'plan "{name}" lasts a {plan.period.value}, a day pass lasts a day')
    return plan


def offer(site: Site) -> Offer:
    with site.store.read() as session:
        return _offer(site, _plan(site, session), applied_rules(session).rules)


LOOK_AHEAD = timedelta(days=15)
"""How far ahead a pass sold now looks for the door's next opening (a fortnight's closure)."""


def _offer(site: Site, plan: PlanDef, rules: RuleSet) -> Offer:
    """The price, and the pass a sale now makes: its day is the next one the door opens on
    (``opening.pass_day``), by the same rules the door decides with."""
    suggested = plan.suggested_cents if plan.suggested_cents is not None else plan.price_cents
    presets = tuple(sorted({p for p in plan.preset_cents if p >= plan.floor_cents}))
    now, resource = site.now(), entrance_resource(site, rules)
    probe = MemberView(0, "", memberships=(MembershipWindow(plan.name, now, now + LOOK_AHEAD),))
    snapshot = Snapshot.build(version=0, clock=site.clock, rules=rules, members=[probe], cards={})
    door = opening(snapshot, probe, resource, now)
    valid_from, valid_until = membership.window(plan, site.clock, now,
                                                first_day=pass_day(site.clock, now, door))
    visitor = MemberView(1, "", memberships=(MembershipWindow(plan.name, valid_from, valid_until),))
    snapshot = Snapshot.build(version=0, clock=site.clock, rules=rules, members=[visitor], cards={})
    opens_at = None if door.open_now else door.change_at
    if opens_at is not None and opens_at >= valid_until:
        opens_at = None  # it never opens within the look-ahead
    on_its_day = opening(snapshot, visitor, resource, opens_at or now)
    return Offer(plan.name, plan.description, max(suggested, plan.floor_cents), plan.floor_cents,
                 presets, site.currency, valid_until,
                 on_its_day.change_at if on_its_day.open_now else None, valid_from, opens_at)


def code_hash(site: Site, code: str) -> str:
    return hmac.new(site.secret, f"day-pass-code:{code}".encode(), hashlib.sha256).hexdigest()


def normalize_code(text: str) -> str:
    digits = "".join(ch for ch in text if not ch.isspace())
    if len(digits) != CODE_DIGITS or not digits.isdigit():
        raise InvalidInput(f"a door code is {CODE_DIGITS} digits")
    return digits


def _new_code(site: Site, session: Session, now: datetime) -> tuple[str, str]:
    """A code no valid pass holds (a clash would open the door for two people's passes)."""
    while True:
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        digest = code_hash(site, code)
        clash = session.scalar(select(DayPass.id).where(
            DayPass.code_hash == digest, DayPass.valid_until > now))
        if clash is None:
            return code, digest


def sell(site: Site, *, cents: int, method: PaymentMethod, name: str = "",
         payment_reference: str | None = None, with_code: bool = False,
         other_checkouts: Collection[int] = ()) -> SoldPass:
    """Record a day pass: visitor, membership until the cut-off, charge and payment, audit.

    ``other_checkouts``: the online checkouts this visitor opened before paying cash. Still
    pending, they are set aside (paid later, their money is a second payment, not a second
    pass); one already paid made the pass already: the cash is then the second payment.
    """
    if method not in (PaymentMethod.CASH, PaymentMethod.ONLINE):
        raise InvalidInput("a day pass is paid in the cash box or online")
    # Typed at the kiosk by anyone: controls are dropped (the visitor cannot see them to fix).
    name = " ".join(UNSAFE.sub("", name).split())[:NAME_LENGTH] or VISITOR_NAME
    now = site.now()
    with site.store.write() as session:
        plan = _plan(site, session)
        crossed = checkouts.crossed(session, other_checkouts) if method is PaymentMethod.CASH else None
        if crossed is not None and cents and (crossed.outcome or "").startswith("daypass:"):
            return _paid_twice(site, session, crossed, cents, now)
        made = _offer(site, plan, applied_rules(session).rules)
        made.check(cents)
        check_reference(session, payment_reference)
        # the day the offer showed: the next one the door opens on (tomorrow, after the hours)
        valid_from, valid_until = made.valid_from or now, made.valid_until
        visitor = Member(name=name, email=None, note="day-pass visitor", show_on_dashboard=False,
                         created_at=now)
        visitor.memberships.append(Membership(plan=plan.name, valid_from=valid_from, valid_until=valid_until,
                                              price_cents=cents, currency=site.currency, created_at=now))
        session.add(visitor)
        session.flush()
        code, digest = _new_code(site, session, now) if with_code else (None, None)
        sold = DayPass(member_id=visitor.id, amount_cents=cents, currency=site.currency,
                       method=method.value, payment_reference=payment_reference, sold_at=now,
                       valid_until=valid_until, code_hash=digest)
        session.add(sold)
        session.flush()
        reference = f"daypass:{sold.id}"
        if cents:
            post(session, Posting(visitor.id, EntryKind.CHARGE, cents, site.currency, now, KIOSK_ACTOR,
                                  reference, plan.description or "Day pass"))
            post(session, Posting(visitor.id, EntryKind.PAYMENT, cents, site.currency, now, KIOSK_ACTOR,
                                  payment_reference or f"{reference}:payment",
                                  "Cash box" if method is PaymentMethod.CASH else "Online payment",
                                  method))
        checkouts.set_aside(session, other_checkouts, reference)
        audit.record(session, site, "daypass.sell", f"{name} (#{visitor.id})", actor=KIOSK_ACTOR,
                     day_pass=sold.id, cents=cents, method=method.value, reference=payment_reference,
                     code=with_code)
        return SoldPass(sold.id, visitor.id, name, cents, site.currency, method.value, reference, now,
                        valid_until, code)


def _paid_twice(site: Site, session: Session, crossed: OnlineCheckout, cents: int, now: datetime
                ) -> SoldPass:
    """The cash came after the phone's payment made the pass: the cash is kept, flagged."""
    sold = session.get_one(DayPass, int((crossed.outcome or "").split(":")[1]))
    member = session.get_one(Member, sold.member_id)
    entry = checkouts.keep_second(session, crossed, member.id, cents, PaymentMethod.CASH,
                                  f"daypass:{sold.id}:cash-twice", now, KIOSK_ACTOR)
    audit.record(session, site, "daypass.paid_twice", f"day pass #{sold.id}", actor=KIOSK_ACTOR,
                 entry=entry.id, cents=cents, method="cash")
    return SoldPass(sold.id, member.id, member.name, sold.amount_cents, sold.currency, sold.method,
                    f"daypass:{sold.id}", sold.sold_at, sold.valid_until, None, cents)


def sold_pass(site: Site, pass_id: int) -> SoldPass:
    """A pass already sold (an online checkout the hub or a poll fulfilled), without its code."""
    with site.store.read() as session:
        sold = session.get(DayPass, pass_id)
        if sold is None:
            raise NotFound(f"no day pass #{pass_id}")
        member = session.get_one(Member, sold.member_id)
        return SoldPass(sold.id, member.id, member.name, sold.amount_cents, sold.currency, sold.method,
                        f"daypass:{sold.id}", sold.sold_at, sold.valid_until, None)


def rename(site: Site, pass_id: int, name: str) -> SoldPass:
    """The visitor's first name, given after payment (optional): it names the visitor's row and
    the receipt. An empty name keeps the one there."""
    name = " ".join(name.split())[:100]
    with site.store.write() as session:
        sold = session.get(DayPass, pass_id)
        if sold is None:
            raise NotFound(f"no day pass #{pass_id}")
        member = session.get_one(Member, sold.member_id)
        if name and name != member.name:
            member.name = name
            audit.record(session, site, "daypass.name", f"day pass #{pass_id}", actor=KIOSK_ACTOR)
    return sold_pass(site, pass_id)


def issue_code(site: Site, pass_id: int) -> str:
    """A door code for a valid pass (a new one replaces the old): shown once, hashed here."""
    now = site.now()
    with site.store.write() as session:
        sold = _valid_pass(session, pass_id, now)
        code, sold.code_hash = _new_code(site, session, now)
        audit.record(session, site, "daypass.code", f"day pass #{pass_id}", actor=KIOSK_ACTOR)
        return code


def _valid_pass(session: Session, pass_id: int, now: datetime) -> DayPass:
    sold = session.get(DayPass, pass_id)
    if sold is None:
        raise NotFound(f"no day pass #{pass_id}")
    if sold.expired_at is not None or sold.valid_until <= now:
        raise Conflict(f"day pass #{pass_id} has ended")
    return sold


@dataclass(frozen=True)
class BoundCard:
    id: int
    member_id: int
    label: str


def bind_card(site: Site, pass_id: int, card_hash: str) -> BoundCard:
    """Give the visitor a spare badge (by the hash the entrance node reported for its tap).

    A spare badge of an ended day pass is taken back and re-bound; a member's badge is not.
    """
    if not re.match(CARD_HASH, card_hash):
        raise InvalidInput("not a card hash")
    now = site.now()
    with site.store.write() as session:
        sold = _valid_pass(session, pass_id, now)
        card = session.scalars(select(Card).where(Card.card_hash == card_hash)).first()
        if card is not None:
            if card.member_id == sold.member_id:
                return BoundCard(card.id, card.member_id, card.label)
            holder_valid = session.scalar(select(Membership.id).where(
                Membership.member_id == card.member_id, Membership.active_at_clause(now))) is not None
            if card.label != DAY_PASS_CARD_LABEL or holder_valid:
                raise Conflict("this badge belongs to someone else: take one from the spare badges")
            card.member_id = sold.member_id
            card.status = "active"
            card.status_changed_at = now
        else:
            card = Card(card_hash=card_hash, member_id=sold.member_id, status="active",
                        label=DAY_PASS_CARD_LABEL, enrolled_at=now)
            session.add(card)
        session.flush()
        audit.record(session, site, "daypass.card", f"day pass #{pass_id}", actor=KIOSK_ACTOR,
                     card=card.id, fingerprint=card_hash[:8])
        return BoundCard(card.id, card.member_id, card.label)


@dataclass(frozen=True)
class CodeCheck:
    pass_id: int
    member_id: int
    name: str
    valid_until: datetime
    resource: str
    """The door it opens (the kiosk's entrance)."""
    rule: str | None
    opens_until: datetime | None
    """When the door stops opening for this pass: today's closing time (or the pass's end),
    or, when it is closed now, the closing time of its next opening (``opens_at``)."""
    opens_at: datetime | None = None
    """When the door next opens for this pass, when it is closed to it now."""


class CodeRefused(Conflict):
    """A valid code at an hour the door does not open for its pass (the badge's rule)."""

    def __init__(self, check: CodeCheck, answer: DoorAnswer) -> None:
        super().__init__(f"day pass #{check.pass_id}: the door does not open for it now "
                         f"({answer.decision.reason.value})")
        self.check = check
        self.answer = answer


def check_code(site: Site, text: str) -> CodeCheck:
    """The valid day pass a door code belongs to; ``NotFound`` for a wrong or ended code.

    A code follows the same rule as the pass's badge: ``CodeRefused`` (with when the door
    opens next) at an hour the entrance is closed to the pass.
    """
    code = normalize_code(text)
    now = site.now()
    with site.store.read() as session:
        row = session.execute(
            select(DayPass.id, Member.id, Member.name, DayPass.valid_until)
            .join(Member, Member.id == DayPass.member_id)
            .where(DayPass.code_hash == code_hash(site, code), DayPass.valid_until > now,
                   DayPass.expired_at.is_(None))).first()
    if row is None:
        raise NotFound("this code is not valid (wrong, or the day pass has ended)")
    return _at_door(site, row[0], row[1], row[2], row[3], now)


def check_pass(site: Site, pass_id: int) -> CodeCheck:
    """The door's answer for a valid pass just sold, by the rule its code and badge follow
    (``CodeRefused`` at an hour the entrance is closed to it): the kiosk opens the door at
    the end of a sale with it."""
    now = site.now()
    with site.store.read() as session:
        row = session.execute(
            select(DayPass.id, Member.id, Member.name, DayPass.valid_until)
            .join(Member, Member.id == DayPass.member_id)
            .where(DayPass.id == pass_id, DayPass.valid_until > now,
                   DayPass.expired_at.is_(None))).first()
    if row is None:
        raise NotFound(f"day pass #{pass_id} has ended")
    return _at_door(site, row[0], row[1], row[2], row[3], now)


def _at_door(site: Site, pass_id: int, member_id: int, name: str, valid_until: datetime,
             now: datetime) -> CodeCheck:
    resource = entrance_resource(site)
    answer = door_for(site, member_id, resource, now)
    door = answer.opening
    opens_at = None if door.open_now else door.change_at
    until = door.change_at if door.open_now else None
    if opens_at is not None:  # closed now: until when it opens, once it does
        later = door_for(site, member_id, resource, opens_at).opening
        until = later.change_at if later.open_now else None
    check = CodeCheck(pass_id, member_id, name, valid_until, resource, answer.decision.rule, until,
                      opens_at)
    if not answer.decision.allowed:
        raise CodeRefused(check, answer)
    return check
