"""Volunteer time: counted as hours, exported as an in-kind contribution, never as pay.

A volunteer's hours are recorded as what they are: who, which day, how long, what for
(``seuil volunteer add``). The books show them as contributions in kind (accounts 864/875
by default, valued at ``[accounts] volunteer_hour_value``), which is how a French
association shows the work its volunteers give, without money changing hands.

Turning hours into machine credit is the association's choice and is off by default
(``[site] volunteer_hour = 0``): in France, volunteering that earns something in return
(money, or credit spent like money) can be requalified as work, with an employer's
obligations. ``credit=True`` asks for it, and is refused while the value is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from access.domain.books import Movement, MovementKind
from access.errors import InvalidInput
from access.services import audit
from access.services.accounts import month_range
from access.services.context import Site
from access.services.ledger import EntryKind, Posting, post
from access.services.lookup import find_member
from access.store.models import Member, VolunteerHours

MAX_SECONDS_A_DAY = 24 * 3600
DEFAULT_PURPOSE = "volunteering"
"""What ``seuil ledger add M credit --hours`` records the time for when no --note says."""


@dataclass(frozen=True)
class HoursView:
    id: int
    member_id: int
    member: str
    worked_on: date
    seconds: int
    what_for: str
    recorded_by: str
    credit_entry_id: int | None
    credit_cents: int | None = None
    """What the hours were credited (only where the site turns hours into credit)."""

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "member_id": self.member_id, "member": self.member,
                "worked_on": self.worked_on.isoformat(), "seconds": self.seconds,
                "hours": round(self.hours, 2), "what_for": self.what_for,
                "recorded_by": self.recorded_by, "credit_entry_id": self.credit_entry_id}


def _view(row: VolunteerHours, member: str, credit_cents: int | None = None) -> HoursView:
    return HoursView(row.id, row.member_id, member, row.worked_on, row.seconds, row.what_for,
                     row.recorded_by, row.credit_entry_id, credit_cents)


def record(site: Site, member_ref: str, seconds: int, what_for: str, *, on: date | None = None,
           credit: bool = False) -> HoursView:
    """Record ``seconds`` of volunteering on day ``on`` (default: today); with ``credit``, also
    credit them at ``[site] volunteer_hour`` (refused while it is 0, the default)."""
    what_for = " ".join(what_for.split())
    if not what_for:
        raise InvalidInput("say what the time was for: --for \"workshop set-up\"")
    if seconds <= 0 or seconds > MAX_SECONDS_A_DAY:
        raise InvalidInput("volunteer hours are more than 0 and at most 24 a day")
    today = site.today()
    on = on or today
    if on > today:
        raise InvalidInput(f"--date {on} is in the future")
    rate = site.config.site.volunteer_hour
    if credit and rate <= 0:
        raise InvalidInput("no value is set for an hour of volunteering, so hours are not credited",
                           hint="this is on purpose (see docs/operations.md: credit for volunteering "
                                "can make it work); set volunteer_hour under [site] in seuil.toml to "
                                "choose otherwise")
    now = site.now()
    with site.store.write() as session:
        member = find_member(session, member_ref)
        row = VolunteerHours(member_id=member.id, worked_on=on, seconds=seconds, what_for=what_for,
                             recorded_at=now, recorded_by=site.actor)
        session.add(row)
        session.flush()
        cents = None
        if credit:
            cents = max((rate * seconds + 1800) // 3600, 1)
            text = f"{seconds / 3600:g} h volunteering"
            entry = post(session, Posting(member.id, EntryKind.CREDIT, cents, site.currency, now, site.actor,
                                          f"volunteer:{row.id}",
                                          text if what_for == DEFAULT_PURPOSE else f"{text}: {what_for}"))
            row.credit_entry_id = entry.id
        audit.record(session, site, "volunteer.hours", member.name, hours=row.id, seconds=seconds,
                     day=on.isoformat(), credited=credit)
        return _view(row, member.name, cents)


def list_hours(site: Site, *, member_ref: str | None = None, month: str | None = None) -> list[HoursView]:
    query = (select(VolunteerHours, Member.name).join(Member, Member.id == VolunteerHours.member_id)
             .order_by(VolunteerHours.worked_on, VolunteerHours.id))
    if month is not None:
        start, end = month_range(site, month)
        first, following = site.clock.local(start).date(), site.clock.local(end).date()
        query = query.where(VolunteerHours.worked_on >= first, VolunteerHours.worked_on < following)
    with site.store.read() as session:
        if member_ref is not None:
            query = query.where(VolunteerHours.member_id == find_member(session, member_ref).id)
        return [_view(row, name) for row, name in session.execute(query).all()]


def in_kind(site: Site, month: str) -> list[Movement]:
    """The month's volunteer time as in-kind movements, at ``[accounts] volunteer_hour_value``."""
    value = site.config.accounts.volunteer_hour_value
    if value <= 0:
        return []
    movements = []
    for h in list_hours(site, month=month):
        cents = (value * h.seconds + 1800) // 3600
        if cents:
            movements.append(Movement(f"B{h.id}", h.worked_on, MovementKind.VOLUNTEERING, cents,
                                      f"Bénévolat {h.hours:g} h: {h.what_for} ({h.member})", h.member,
                                      h.member_id, notes=f"Seuil volunteer hours #{h.id} by {h.recorded_by}"))
    return movements
