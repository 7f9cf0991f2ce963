"""Cards: enroll, list, and mark revoked, lost or found. Only UID hashes are stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.domain.cards import CardStatus, UidError, normalize_uid
from access.domain.plain_text import LABEL_LENGTH
from access.errors import Conflict, InvalidInput, NotFound
from access.services import audit
from access.services.context import Site
from access.services.lookup import find_member
from access.services.text_input import checked
from access.store.models import Card, Member

FINGERPRINT_LENGTH = 8


@dataclass(frozen=True)
class CardInfo:
    id: int
    member_id: int
    member: str
    status: str
    label: str
    enrolled_at: datetime
    fingerprint: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "member_id": self.member_id, "member": self.member,
                "status": self.status, "label": self.label,
                "enrolled_at": self.enrolled_at.isoformat(), "fingerprint": self.fingerprint}


def _info(card: Card) -> CardInfo:
    return CardInfo(card.id, card.member_id, card.member.name, card.status, card.label,
                    card.enrolled_at, card.card_hash[:FINGERPRINT_LENGTH])


def _hash(site: Site, uid: str) -> str:
    try:
        return site.hash_uid(uid)
    except UidError as error:
        raise InvalidInput(str(error)) from None


def enroll_card(site: Site, member_ref: str, *, uid: str | None = None,
                card_hash: str | None = None, label: str = "") -> CardInfo:
    """Give a member a card, by its UID, or by the hash a node reported for a tap."""
    if (uid is None) == (card_hash is None):
        raise ValueError("enroll_card needs exactly one of uid or card_hash")
    checked(label, "a label", LABEL_LENGTH)
    hashed = _hash(site, uid) if uid is not None else str(card_hash)
    with site.store.write() as session:
        member = find_member(session, member_ref)
        existing = session.scalars(select(Card).where(Card.card_hash == hashed)).first()
        if existing is not None:
            owner = existing.member
            hint = ("if it was found, mark it back with `seuil card found`"
                    if existing.status == CardStatus.LOST else "use another card")
            raise Conflict(f"this card is already enrolled to {owner.name} (#{owner.id}), "
                           f"status {existing.status}", hint=hint)
        card = Card(card_hash=hashed, member=member, status=CardStatus.ACTIVE.value,
                    label=label, enrolled_at=site.now())
        session.add(card)
        session.flush()
        audit.record(session, site, "card.enroll", f"card #{card.id}",
                     member=f"{member.name} (#{member.id})", label=label,
                     fingerprint=hashed[:FINGERPRINT_LENGTH])
        return _info(card)


def find_member_name(site: Site, member_ref: str) -> str:
    """The member a reference names (raises ``NotFound``/``Ambiguous`` before a tap is awaited)."""
    with site.store.read() as session:
        return find_member(session, member_ref).name


def _find_card(session: Session, site: Site, ref: str) -> Card:
    ref = ref.strip()
    if re.fullmatch(r"#\d+", ref):
        card = session.get(Card, int(ref[1:]))
        if card is None:
            raise NotFound(f"no card has id {ref}")
        return card
    if re.fullmatch(r"\d{1,7}", ref):  # `card list` prints "#2"; a UID has 8 hex digits or more
        raise InvalidInput(f'"{ref}" is not a card UID; card ids are written with a # '
                           f'(did you mean "#{ref}"?)')
    card = session.scalars(select(Card).where(Card.card_hash == _hash(site, ref))).first()
    if card is None:
        raise NotFound(f"no card with UID {normalize_uid(ref)} is enrolled")
    return card


_TRANSITIONS = {
    CardStatus.REVOKED: {CardStatus.ACTIVE, CardStatus.LOST},
    CardStatus.LOST: {CardStatus.ACTIVE},
    CardStatus.ACTIVE: {CardStatus.LOST},  # "found"
}


def set_card_status(site: Site, ref: str, status: CardStatus) -> CardInfo:
    """Revoke (final), mark lost, or mark found (back to active) a card by UID or ``#id``."""
    with site.store.write() as session:
        card = _find_card(session, site, ref)
        before = CardStatus(card.status)
        if before not in _TRANSITIONS[status]:
            if before is status:
                raise InvalidInput(f"card #{card.id} is already {status}")
            raise InvalidInput(f"card #{card.id} is {before}; it cannot become {status}")
        card.status = status.value
        card.status_changed_at = site.now()
        audit.record(session, site, f"card.{status.value}", f"card #{card.id}",
                     member=f"{card.member.name} (#{card.member_id})", before=before.value)
        return _info(card)


def list_cards(site: Site, *, member_ref: str | None = None,
               status: str | None = None) -> list[CardInfo]:
    with site.store.read() as session:
        query = select(Card).join(Member).order_by(Member.name, Card.id)
        if member_ref:
            query = query.where(Card.member_id == find_member(session, member_ref).id)
        if status:
            query = query.where(Card.status == status)
        return [_info(c) for c in session.scalars(query)]
