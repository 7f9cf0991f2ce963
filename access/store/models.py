"""The database, as SQLAlchemy 2 typed models. Every change goes through an Alembic migration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from access.domain.membership import active_at
from access.store.types import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

NAME_LENGTH = 40
HASH_LENGTH = 64
EVENT_ID_LENGTH = 36


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON}  # noqa: RUF012


class Group(Base):
    __tablename__ = "groups"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class MemberGroup(Base):
    __tablename__ = "member_groups"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           primary_key=True)
    group_name: Mapped[str] = mapped_column(ForeignKey("groups.name"), primary_key=True)


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    show_on_dashboard: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    ask_me_about: Mapped[str] = mapped_column(Text, default="", server_default="")
    """What the member is happy to help others with ("3D printing, sewing"): opt-in, shown
    beside their name on the kiosk when they are also shown on the dashboard."""
    created_at: Mapped[datetime]

    groups: Mapped[list[MemberGroup]] = relationship(cascade="all, delete-orphan")
    cards: Mapped[list[Card]] = relationship(back_populates="member")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="member", order_by="Membership.valid_from")
    trainings: Mapped[list[Training]] = relationship(
        back_populates="member", foreign_keys="Training.member_id")

    @property
    def group_names(self) -> list[str]:
        return sorted(g.group_name for g in self.groups)


class Card(Base):
    """A badge. Only the keyed hash of its UID is stored."""

    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    label: Mapped[str] = mapped_column(String(100), default="")
    enrolled_at: Mapped[datetime]
    status_changed_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship(back_populates="cards")


class Membership(Base):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    plan: Mapped[str] = mapped_column(String(NAME_LENGTH))
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    created_at: Mapped[datetime]

    member: Mapped[Member] = relationship(back_populates="memberships")

    def active_at(self, at: datetime) -> bool:
        """Valid at ``at`` (``domain.membership.active_at``)."""
        return active_at(self, at)

    @classmethod
    def active_at_clause(cls, at: datetime) -> ColumnElement[bool]:
        """``active_at`` as a SQL condition (same as the snapshot's ``MembershipWindow.active_at``)."""
        return and_(cls.valid_from <= at, or_(cls.valid_until.is_(None), cls.valid_until > at))


class Training(Base):
    __tablename__ = "trainings"
    __table_args__ = (UniqueConstraint("member_id", "skill"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    skill: Mapped[str] = mapped_column(String(NAME_LENGTH))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship(back_populates="trainings", foreign_keys=[member_id])
    granted_by: Mapped[Member | None] = relationship(foreign_keys=[granted_by_id])


class Resource(Base):
    """A door or a machine, mirrored from the applied rules; never deleted (history)."""

    __tablename__ = "resources"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    node: Mapped[str] = mapped_column(String(NAME_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    skill: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    checkin: Mapped[bool] = mapped_column(Boolean, default=False)
    max_session_minutes: Mapped[int | None]
    warn_minutes: Mapped[int] = mapped_column(Integer, default=5)
    pricing: Mapped[dict[str, Any] | None]
    out_of_service: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_service_since: Mapped[datetime | None]
    service_changed_at: Mapped[datetime | None]
    """When the node reported the last service change (an older report never overrides it)."""
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class RuleSetRow(Base):
    """Every applied rules file, whole; the newest is in force."""

    __tablename__ = "rule_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applied_at: Mapped[datetime]
    applied_by: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)


class Visit(Base):
    """A stay at the space, from check-in to check-out (or the day's cut-off)."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_member_day", "member_id", "service_day"),
                      Index("ix_visits_open", "checked_out_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    service_day: Mapped[date]
    checked_in_at: Mapped[datetime] = mapped_column(index=True)
    checked_out_at: Mapped[datetime | None]
    auto_checked_out: Mapped[bool] = mapped_column(Boolean, default=False)
    """Closed by the cut-off job: the member is reminded to check out on their next visit."""
    reminded_at: Mapped[datetime | None]
    in_event_id: Mapped[str | None] = mapped_column(String(EVENT_ID_LENGTH), unique=True)
    out_event_id: Mapped[str | None] = mapped_column(String(EVENT_ID_LENGTH), unique=True)


class DayPass(Base):
    __tablename__ = "day_passes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    method: Mapped[str] = mapped_column(String(20))
    payment_reference: Mapped[str | None] = mapped_column(String(200))
    sold_at: Mapped[datetime]
    valid_until: Mapped[datetime]
    code_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    expired_at: Mapped[datetime | None]


class UsageSession(Base):
    """A machine session. ``event_id`` is the node's session id; priced when it ends."""

    __tablename__ = "usage_sessions"
    __table_args__ = (Index("ix_usage_sessions_member_resource", "member_id", "resource", "started_at"),
                      Index("ix_usage_sessions_open", "ended_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(EVENT_ID_LENGTH), unique=True)
    resource: Mapped[str] = mapped_column(ForeignKey("resources.name"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    node: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    started_at: Mapped[datetime] = mapped_column(index=True)
    service_day: Mapped[date]
    ended_at: Mapped[datetime | None]
    active_seconds: Mapped[int | None]
    billed_seconds: Mapped[int | None]
    prepaid_seconds: Mapped[int] = mapped_column(Integer, default=0)
    discount_percent: Mapped[int] = mapped_column(Integer, default=0)
    full_cents: Mapped[int | None]
    """The price before the daily cap."""
    cost_cents: Mapped[int | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))


class LedgerEntry(Base):
    """Money in and out. A member's machine credit is the sum of their entries outside dues.

    ``reference`` is unique: ``session:<id>`` for a machine session, ``daypass:<id>``,
    ``membership:<id>`` for dues (and ``membership:<id>:payment`` for what paid them),
    ``waiver:<entry id>``, or what the treasurer typed (a receipt number): the same thing is
    never entered twice.
    """

    __tablename__ = "ledger_entries"
    # Covers the balance sums: every member's balance without reading the rows.
    __table_args__ = (Index("ix_ledger_entries_member_cents", "member_id", "cents"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # charge, dues, payment, credit, waiver
    cents: Mapped[int] = mapped_column(Integer)  # signed: charges are negative
    method: Mapped[str | None] = mapped_column(String(20))  # payments: cash, online, transfer, card
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    reference: Mapped[str | None] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"), index=True)
    """A membership's dues, and what pays or waives them: their own account, not machine credit."""


class AccessEvent(Base):
    """Every tap and its decision, as a node reported it (``event_id`` is the decision's).

    The retention job anonymises old rows: ``card_hash`` and ``member_id`` become NULL.
    """

    __tablename__ = "access_events"
    __table_args__ = (Index("ix_access_events_node_seq", "node", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(EVENT_ID_LENGTH), unique=True)
    node: Mapped[str] = mapped_column(String(NAME_LENGTH))
    seq: Mapped[int] = mapped_column(Integer)
    tap_id: Mapped[str | None] = mapped_column(String(EVENT_ID_LENGTH))
    ts: Mapped[datetime] = mapped_column(index=True)
    resource: Mapped[str] = mapped_column(String(NAME_LENGTH))
    card_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    allowed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(30))
    rule: Mapped[str | None] = mapped_column(String(NAME_LENGTH))


class AuditEntry(Base):
    """Who changed what: every admin write, with the Unix user that made it."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PrepaidGrant(Base):
    """Prepaid time on one resource, bought or given; sessions use it before money."""

    __tablename__ = "prepaid_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    resource: Mapped[str] = mapped_column(ForeignKey("resources.name"))
    seconds: Mapped[int] = mapped_column(Integer)
    granted_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")


class OnlineCheckout(Base):
    """A payment started online (a QR code at the kiosk), kept until it is final.

    ``state``: pending, paid, failed or expired. A paid checkout ends as a day pass or a top-up
    (``outcome``: ``daypass:<id>``, ``entry:<id>``), or with a ``problem`` the treasurer sees in
    ``seuil payments orphans``.
    """

    __tablename__ = "online_checkouts"
    __table_args__ = (UniqueConstraint("provider", "checkout_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    checkout_id: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(10))  # daypass, topup
    cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    label: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(10), index=True)
    started_at: Mapped[datetime]
    checked_at: Mapped[datetime | None]
    final_at: Mapped[datetime | None]
    order_reference: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(100))
    problem: Mapped[str] = mapped_column(Text, default="")


class IngestedEvent(Base):
    """Every event the hub has taken in, by id: a second delivery is recognised and ignored."""

    __tablename__ = "ingested_events"
    __table_args__ = (Index("ix_ingested_events_node_seq", "node", "seq"),)

    event_id: Mapped[str] = mapped_column(String(EVENT_ID_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    node: Mapped[str] = mapped_column(String(NAME_LENGTH))
    seq: Mapped[int] = mapped_column(Integer)
    body_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]


class DeadLetter(Base):
    """A message the hub could not use, kept with the reason (never applied to the ledger)."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    topic: Mapped[str] = mapped_column(Text)
    node: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    event_id: Mapped[str | None] = mapped_column(String(EVENT_ID_LENGTH))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)


class OccupancySample(Base):
    """How many people were in, every 15 minutes (the dashboard's chart)."""

    __tablename__ = "occupancy_samples"

    ts: Mapped[datetime] = mapped_column(primary_key=True)
    present: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    machines_in_use: Mapped[int] = mapped_column(Integer, default=0)


class Generation(Base):
    """One row counting the changes that nodes must hear of; the hub watches it.

    Bumped in the same transaction as the change (see ``access.store.generation``).
    """

    __tablename__ = "generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
