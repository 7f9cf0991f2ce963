"""A counter bumped by every transaction that changes what a node's snapshot holds.

Admins write from the CLI (another process); the hub polls this one row and republishes
the snapshots when it moved. It works the same on SQLite and PostgreSQL and needs no
broker: a card enrolled while MQTT is down reaches the nodes when the hub next looks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, UOWTransaction

from access.store.models import (
    Card,
    Generation,
    LedgerEntry,
    Member,
    MemberGroup,
    Membership,
    Resource,
    RuleSetRow,
    Training,
)

WATCHED = (Card, LedgerEntry, Member, MemberGroup, Membership, Resource, RuleSetRow, Training)
_DIRTY = "seuil_snapshot_dirty"


def mark(session: Session) -> None:
    """Count this transaction as a change at commit (for Core writes, which the ORM does not see)."""
    session.info[_DIRTY] = True


def _bump(session: Session) -> None:
    session.execute(update(Generation).where(Generation.id == 1).values(value=Generation.value + 1))


def current(session: Session) -> int:
    return int(session.scalar(select(Generation.value).where(Generation.id == 1)) or 0)


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(instance, WATCHED) for instance in changed):
        session.info[_DIRTY] = True


def _before_commit(session: Session) -> None:
    session.flush()
    if session.info.pop(_DIRTY, False):
        _bump(session)


def _after_rollback(session: Session) -> None:
    session.info.pop(_DIRTY, None)


def watch(session_factory: Any) -> None:
    """Install the listeners on a ``sessionmaker``."""
    event.listen(session_factory, "after_flush", _after_flush)
    event.listen(session_factory, "before_commit", _before_commit)
    event.listen(session_factory, "after_soft_rollback", lambda s, _t: _after_rollback(s))
