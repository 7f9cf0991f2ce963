"""``seuil member erase``: a person who asks to be forgotten (GDPR article 17).

What goes: the name, the email, the note, what they offered help with (ask me about), the
groups, the dashboard opt-in, the trainings they received, every card hash (the cards stay,
revoked, with a hash no badge can match), who tapped in the access log (the taps stay,
anonymous, as the retention job leaves them), the day passes' door codes, and every mention of
their names, emails, card hashes and card labels in the audit log, the ledger's descriptions,
prepaid-hour notes, online checkouts and dead letters.

What stays, under the anonymous id ``erased #ID``: the ledger's entries with their amounts,
dates and references, the memberships they pay, machine sessions and visits (the basis of the
charges and of the occupancy figures), prepaid hours, and trainings they gave to others (the
trainee stays trained). Accounting law keeps the books ten years (France: Code de commerce
L123-22); GDPR article 17(3)(b) lets a legal obligation override erasure. Backups are not
rewritten: they age out after ``backup.keep`` nights.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from access.domain.cards import CardStatus
from access.domain.erasure import anonymous_label, scrub
from access.errors import Conflict
from access.services import audit
from access.services.cards import FINGERPRINT_LENGTH
from access.services.context import Site
from access.services.ledger import balances, dues_owed
from access.services.lookup import find_member
from access.store.models import (
    AccessEvent,
    AuditEntry,
    DayPass,
    DeadLetter,
    LedgerEntry,
    Member,
    OnlineCheckout,
    PrepaidGrant,
    Training,
    UsageSession,
)

PERSONAL_FIELDS = ("name", "email", "note", "ask_me_about")
"""The keys of a ``member.add`` or ``member.edit`` audit entry that hold what they typed."""


@dataclass(frozen=True)
class Erasure:
    """What ``erase`` removes (or removed) for one member, and what the ledger keeps."""

    member_id: int
    name: str
    """Their name before the erasure (only shown to the admin who confirms it)."""
    cards: int
    trainings: int
    taps: int
    ledger_entries: int
    balance_cents: int
    dues_owed_cents: int
    currency: str

    def to_json(self) -> dict[str, Any]:
        return {"member_id": self.member_id, "erased_as": anonymous_label(self.member_id),
                "cards_revoked": self.cards, "trainings_removed": self.trainings,
                "taps_anonymised": self.taps, "ledger_entries_kept": self.ledger_entries,
                "balance_cents": self.balance_cents, "dues_owed_cents": self.dues_owed_cents,
                "currency": self.currency}


def _member(session: Session, ref: str) -> Member:
    member = find_member(session, ref)
    running = session.scalar(select(UsageSession.resource).where(
        UsageSession.member_id == member.id, UsageSession.ended_at.is_(None)))
    if running is not None:
        raise Conflict(f"{member.name} has a session running on {running}: end it first",
                       hint=f"seuil resource stop {running}")
    return member


def _plan(session: Session, site: Site, member: Member) -> Erasure:
    hashes = [c.card_hash for c in member.cards]
    taps = len(session.scalars(select(AccessEvent.id).where(_their_taps(member.id, hashes))).all())
    entries = len(session.scalars(select(LedgerEntry.id).where(
        LedgerEntry.member_id == member.id)).all())
    trainings = len(session.scalars(select(Training.id).where(
        Training.member_id == member.id)).all())
    return Erasure(member.id, member.name, len(member.cards), trainings, taps, entries,
                   balances(session, member.id).get(member.id, 0),
                   max(dues_owed(session, member_id=member.id).get(member.id, 0), 0),
                   site.currency)


def _their_taps(member_id: int, hashes: list[str]) -> Any:
    return or_(AccessEvent.member_id == member_id, AccessEvent.card_hash.in_(hashes))


def preview(site: Site, ref: str) -> Erasure:
    """What ``erase`` would do, changing nothing (for the confirmation)."""
    with site.store.read() as session:
        return _plan(session, site, _member(session, ref))


def _personal(session: Session, member: Member) -> list[str]:
    """Every name, email, note and help topic the member had: now, and in the audit of their
    adds and edits."""
    found = [member.name, member.email or "", member.note, member.ask_me_about]
    mine = f"(#{member.id})"
    for details in session.scalars(select(AuditEntry.details).where(
            AuditEntry.action.in_(("member.add", "member.edit")), AuditEntry.target.endswith(mine))):
        for key in PERSONAL_FIELDS:
            value = details.get(key)
            values = value if isinstance(value, list) else [value]
            found += [v for v in values if isinstance(v, str)]
    return found


def erase(site: Site, ref: str) -> Erasure:
    """Forget ``ref``'s person, keep the ledger's amounts under ``erased #ID``; audited."""
    with site.store.write() as session:
        member = _member(session, ref)
        done = _plan(session, site, member)
        label = anonymous_label(member.id)
        hashes = [c.card_hash for c in member.cards]
        personal = [*_personal(session, member), *hashes, *(h[:FINGERPRINT_LENGTH] for h in hashes)]
        _forget_card_labels(session, [c.id for c in member.cards])
        session.execute(update(AccessEvent).where(_their_taps(member.id, hashes))
                        .values(member_id=None, card_hash=None))
        for card in member.cards:
            # A hash like any other (the snapshots' schema checks them) that no badge has.
            card.card_hash = secrets.token_hex(32)
            card.label = ""
            if card.status != CardStatus.REVOKED.value:
                card.status, card.status_changed_at = CardStatus.REVOKED.value, site.now()
        for training in session.scalars(select(Training).where(Training.member_id == member.id)):
            session.delete(training)
        session.execute(update(DayPass).where(DayPass.member_id == member.id).values(code_hash=None))
        for entry in session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member.id)):
            entry.description = scrub(entry.description, personal, label)
        for grant in session.scalars(select(PrepaidGrant).where(PrepaidGrant.member_id == member.id)):
            grant.note = scrub(grant.note, personal, label)
        _scrub_rows(session, personal, label)
        member.name, member.email, member.note, member.ask_me_about = label, None, "", ""
        member.groups = []
        member.show_on_dashboard, member.suspended_at, member.erased_at = False, None, site.now()
        audit.record(session, site, "member.erase", label, cards_revoked=done.cards,
                     trainings_removed=done.trainings, taps_anonymised=done.taps,
                     ledger_entries_kept=done.ledger_entries)
        return done


def _forget_card_labels(session: Session, cards: list[int]) -> None:
    """A card's audit entries keep its id, not the label the member gave it."""
    targets = [f"card #{card}" for card in cards]
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.target.in_(targets))):
        if entry.details.get("label"):
            entry.details = {**entry.details, "label": ""}


def _scrub_rows(session: Session, personal: list[str], label: str) -> None:
    """The audit log and online checkouts name people in free text and JSON: scrub both."""
    for entry in session.scalars(select(AuditEntry)):
        target, details = scrub(entry.target, personal, label), scrub(entry.details, personal, label)
        if target != entry.target or details != entry.details:
            entry.target, entry.details = target, details
    for checkout in session.scalars(select(OnlineCheckout)):
        text, details = scrub(checkout.label, personal, label), scrub(checkout.details, personal, label)
        if text != checkout.label or details != checkout.details:
            checkout.label, checkout.details = text, details
    for letter in session.scalars(select(DeadLetter)):  # a node's decision names the card's hash
        payload = scrub(letter.payload, personal, label)
        if payload != letter.payload:
            letter.payload = payload
