"""The fire roll-call: everyone inside now, badge or code, for a volunteer to tick off.

Names are the members' full names: the screen shows first names (and an initial) until a
volunteer's badge unlocks the full list; the printed copy has them all (it is for the
emergency services).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select

from access.domain.plain_text import printable
from access.services.context import Site
from access.store.models import DayPass, Member, MemberGroup, Visit


@dataclass(frozen=True)
class Inside:
    member_id: int
    name: str
    since: datetime
    visitor: bool
    """A day-pass visitor (their name may be the placeholder: they gave none)."""


@dataclass(frozen=True)
class RollCall:
    made_at: datetime
    people: tuple[Inside, ...]


def roll_call(site: Site) -> RollCall:
    """Everyone checked in now (whatever they opted for on the dashboard), by name."""
    now = site.now()
    start = site.clock.day_start(site.clock.service_day(now))
    visitor = exists().where(DayPass.member_id == Member.id)
    with site.store.read() as session:
        rows = session.execute(
            select(Visit.member_id, Member.name, Visit.checked_in_at, visitor)
            .join(Member, Member.id == Visit.member_id)
            .where(Visit.checked_out_at.is_(None), Visit.checked_in_at >= start)
            .order_by(Member.name, Visit.checked_in_at))
        seen: dict[int, Inside] = {}
        for member_id, name, since, is_visitor in rows:
            # a name stored before control characters were refused shows as text, on screen
            # and on paper, never as a command
            seen.setdefault(member_id, Inside(member_id, printable(name), since, bool(is_visitor)))
    return RollCall(now, tuple(seen.values()))


def is_volunteer(site: Site, member_id: int | None) -> bool:
    """Whether a member may see the full names (in one of ``[kiosk] volunteer_groups``)."""
    if member_id is None:
        return False
    groups = site.config.kiosk.volunteer_groups
    with site.store.read() as session:
        return session.scalar(
            select(MemberGroup.member_id).where(MemberGroup.member_id == member_id,
                                                MemberGroup.group_name.in_(groups)).limit(1)) is not None
