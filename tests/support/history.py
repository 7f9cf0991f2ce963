"""Five years of a small association's life in a real database: 30 members, their dues, visits,
machine sessions, day passes, top-ups, the cash box counted every month, volunteer hours.

Deterministic (a seeded random), written in bulk (Core inserts; ledger rows through
``access.services.ledger.post_many``, the ledger's one writer), so a test or a look at the
month's PDF gets real volumes in seconds.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert

from access.services import cash_box
from access.services.context import Site
from access.services.ledger import EntryKind, PaymentMethod, Posting, post_many
from access.store.models import (
    DayPass,
    Member,
    Membership,
    OccupancySample,
    UsageSession,
    Visit,
    VolunteerHours,
)

NAMES = [
    "Ada Lovelace",
    "Grace Hopper",
    "Marie-Thérèse de La Rochefoucauld-Montbazon",
    "Bob Marley",
    "Zoé Nguyễn",
    "Hedy Lamarr",
    "Alan Turing",
    "Katherine Johnson",
    "Émile Durkheim",
    "Nour El-Amine",
    "Jean-Baptiste Poquelin",
    "Frida Kahlo",
    "Søren Kierkegaard",
    "Chloé Martin",
    "Léa Bernard",
    "Hugo Petit",
    "Inès Moreau",
    "Lucas Laurent",
    "Manon Simon",
    "Nathan Michel",
    "Camille Lefèvre",
    "Yasmine Haddad",
    "Théo Garcia",
    "Sarah Roux",
    "Louis David",
    "Jade Bertrand",
    "Gabriel Morel",
    "Anaïs Fournier",
    "Raphaël Girard",
    "Margaux Bonnet",
]
DUES_CENTS = 2000
RESOURCES = (("3d-printer", 250), ("sewing-machine", 100))
"""Machines and their price per started hour, in cents."""


@dataclass(frozen=True)
class History:
    first: date
    last: date
    members: int
    entries: int


def _month_starts(first: date, months: int) -> list[date]:
    days = []
    year, month = first.year, first.month
    for _ in range(months):
        days.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def fill(site: Site, *, last_month: date, years: int = 5, seed: int = 18) -> History:
    """Write ``years`` of history ending with ``last_month`` (its first day) into ``site``."""
    rng = random.Random(seed)
    clock = site.clock
    months = _month_starts(date(last_month.year - years, last_month.month, 1), years * 12 + 1)[1:]
    at = lambda day, hour, minute=0: clock.at(datetime.combine(day, time(hour, minute)))  # noqa: E731
    # who is a member when: the first 18 from the start, the others join later; some leave
    # (first month, month after the last): those still members have next month's membership too
    # (renewed), Bob Marley leaves at the end of the last month, Margaux Bonnet joins in it
    spans = []
    for i, name in enumerate(NAMES):
        start = 0 if i < 18 else rng.randrange(1, len(months) - 1)
        end = len(months) + 1 if i % 7 != 3 else rng.randrange(start + 1, len(months))
        if name == "Bob Marley":
            end = len(months)
        if name == "Margaux Bonnet":
            start, end = len(months) - 1, len(months) + 1
        spans.append((start, end))
    after = months[-1]
    months_and_next = [*months, date(after.year + after.month // 12, after.month % 12 + 1, 1)]
    postings: list[Posting] = []
    with site.store.write() as session:
        members = [
            Member(name=name, email=None, note="", show_on_dashboard=False, created_at=at(months[start], 10))
            for name, (start, _) in zip(NAMES, spans, strict=True)
        ]
        session.add_all(members)
        session.flush()
        memberships = []
        for member, (start, end) in zip(members, spans, strict=True):
            for index in range(start, end):
                first = months_and_next[index]
                following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
                memberships.append(
                    Membership(
                        member_id=member.id,
                        plan="monthly",
                        valid_from=clock.day_start(first),
                        valid_until=clock.day_start(following),
                        price_cents=DUES_CENTS,
                        currency=site.currency,
                        created_at=at(first, 10),
                    )
                )
        session.add_all(memberships)
        session.flush()
        for row in memberships:
            day = clock.local(row.valid_from).date()
            paid_at = at(day, 11)
            postings.append(
                Posting(
                    row.member_id,
                    EntryKind.CHARGE,
                    DUES_CENTS,
                    site.currency,
                    paid_at,
                    "history",
                    f"membership:{row.id}",
                    f"Dues monthly {day}",
                    membership_id=row.id,
                )
            )
            method = rng.choice(
                [
                    PaymentMethod.TRANSFER,
                    PaymentMethod.TRANSFER,
                    PaymentMethod.CASH,
                    PaymentMethod.CHEQUE,
                    PaymentMethod.ONLINE,
                ]
            )
            postings.append(
                Posting(
                    row.member_id,
                    EntryKind.PAYMENT,
                    DUES_CENTS,
                    site.currency,
                    paid_at,
                    "history",
                    f"membership:{row.id}:payment",
                    f"Dues monthly {day}",
                    method,
                    membership_id=row.id,
                )
            )

        visits, samples, sessions, hours, passes = [], [], [], [], []
        for index, first in enumerate(months):
            following = (
                months[index + 1]
                if index + 1 < len(months)
                else date(first.year + first.month // 12, first.month % 12 + 1, 1)
            )
            active = [m for m, (s, e) in zip(members, spans, strict=True) if s <= index < e]
            day = first
            while day < following:
                if day.weekday() < 6:  # open Monday to Saturday
                    busy = 1.4 if day.weekday() in (1, 3) else 1.0
                    for quarter in range(8 * 4, 22 * 4):
                        hour = quarter / 4
                        wave = max(0.0, 1 - abs(hour - 14.5) / 7)
                        present = max(0, round(rng.gauss(9 * wave * busy, 1.5)))
                        samples.append(
                            {
                                "ts": at(day, quarter // 4, quarter % 4 * 15),
                                "present": min(present, 20),
                                "capacity": 20,
                                "machines_in_use": 0,
                            }
                        )
                    for member in rng.sample(active, k=min(len(active), rng.randrange(3, 9))):
                        start_h = rng.randrange(8, 16)
                        visits.append(
                            {
                                "member_id": member.id,
                                "service_day": day,
                                "checked_in_at": at(day, start_h, rng.randrange(0, 60)),
                                "checked_out_at": at(day, min(start_h + rng.randrange(1, 7), 22)),
                                "auto_checked_out": False,
                            }
                        )
                day += timedelta(days=1)
            for resource, hourly in RESOURCES:
                for _ in range(rng.randrange(8, 25) if resource == "3d-printer" else rng.randrange(3, 12)):
                    member = rng.choice(active)
                    day = first + timedelta(days=rng.randrange((following - first).days))
                    started = at(day, rng.randrange(9, 19))
                    seconds = rng.randrange(600, 6 * 3600)
                    cost = hourly * -(-seconds // 3600)
                    event = str(uuid.UUID(int=rng.getrandbits(128)))
                    sessions.append(
                        {
                            "event_id": event,
                            "resource": resource,
                            "member_id": member.id,
                            "node": "printer",
                            "started_at": started,
                            "service_day": day,
                            "ended_at": started + timedelta(seconds=seconds),
                            "active_seconds": seconds,
                            "billed_seconds": seconds,
                            "prepaid_seconds": 0,
                            "discount_percent": 0,
                            "full_cents": cost,
                            "cost_cents": cost,
                            "end_reason": "tap",
                        }
                    )
                    postings.append(
                        Posting(
                            member.id,
                            EntryKind.CHARGE,
                            cost,
                            site.currency,
                            started + timedelta(seconds=seconds),
                            "hub",
                            f"session:{event}",
                            f"{resource}, {seconds // 60} min",
                        )
                    )
            for member in rng.sample(active, k=min(len(active), 6)):  # top-ups
                postings.append(
                    Posting(
                        member.id,
                        EntryKind.PAYMENT,
                        rng.choice([1000, 2000, 500]),
                        site.currency,
                        at(first + timedelta(days=rng.randrange(20)), 18),
                        "kiosk",
                        None,
                        "Top-up at the kiosk",
                        rng.choice([PaymentMethod.CASH, PaymentMethod.ONLINE]),
                    )
                )
            for member in rng.sample(active, k=min(len(active), 4)):  # volunteering
                hours.append(
                    {
                        "member_id": member.id,
                        "worked_on": first + timedelta(days=rng.randrange(25)),
                        "seconds": rng.choice([3600, 5400, 7200, 10800]),
                        "what_for": "front desk",
                        "recorded_at": at(first, 20),
                        "recorded_by": "history",
                        "credit_entry_id": None,
                    }
                )
            passes.extend(
                (first + timedelta(days=rng.randrange(26)), rng.choice([0, 3, 5, 5, 8, 10, 10, 15, 20]))
                for _ in range(rng.randrange(6, 20))
            )
        visitors = [
            Member(
                name="Visitor",
                email=None,
                note="day-pass visitor",
                show_on_dashboard=False,
                created_at=at(day, 10),
            )
            for day, _ in passes
        ]
        session.add_all(visitors)
        session.flush()
        sold = []
        for visitor, (day, euros) in zip(visitors, passes, strict=True):
            session.add(
                Membership(
                    member_id=visitor.id,
                    plan="day-pass",
                    valid_from=at(day, 10),
                    valid_until=clock.day_end(day),
                    price_cents=euros * 100,
                    currency=site.currency,
                    created_at=at(day, 10),
                )
            )
            sold.append(
                {
                    "member_id": visitor.id,
                    "amount_cents": euros * 100,
                    "currency": site.currency,
                    "method": "cash",
                    "payment_reference": None,
                    "sold_at": at(day, 10),
                    "valid_until": clock.day_end(day),
                    "code_hash": None,
                    "expired_at": None,
                }
            )
        connection = session.connection()
        for model, rows in (
            (Visit, visits),
            (OccupancySample, samples),
            (UsageSession, sessions),
            (VolunteerHours, hours),
        ):
            if rows:
                connection.execute(insert(model), rows)
        ids = [row.id for row in session.execute(insert(DayPass).returning(DayPass.id), sold)]
        for pass_id, visitor, (day, euros) in zip(ids, visitors, passes, strict=True):
            if euros:
                postings.append(
                    Posting(
                        visitor.id,
                        EntryKind.CHARGE,
                        euros * 100,
                        site.currency,
                        at(day, 10),
                        "kiosk",
                        f"daypass:{pass_id}",
                        "Pay what you can, for one day",
                    )
                )
                postings.append(
                    Posting(
                        visitor.id,
                        EntryKind.PAYMENT,
                        euros * 100,
                        site.currency,
                        at(day, 10),
                        "kiosk",
                        f"daypass:{pass_id}:payment",
                        "Cash box",
                        PaymentMethod.CASH,
                    )
                )
    # month by month: its entries, then the box counted at its end by a volunteer (a few euros
    # off now and then), since a count takes every cash payment entered before it
    by_month: dict[tuple[int, int], list[Posting]] = {}
    for posting in sorted(postings, key=lambda p: p.created_at):
        local = clock.local(posting.created_at)
        by_month.setdefault((local.year, local.month), []).append(posting)
    real_now = site.now
    try:
        for index, first in enumerate(months):
            with site.store.write() as session:
                post_many(session, by_month.get((first.year, first.month), []))
            following = (
                months[index + 1]
                if index + 1 < len(months)
                else date(first.year + first.month // 12, first.month % 12 + 1, 1)
            )
            last_day = following - timedelta(days=1)
            site.now = _fixed(at(last_day, 23, 30))
            expected = cash_box.open_period(site).expected_cents
            if index == 0:
                cash_box.count(site, expected, counted_by="Marie Curie", opening=True)
                continue
            cash_box.count(
                site,
                max(expected + rng.choice([0, 0, 0, -150, 200, -500]), 0),
                counted_by=rng.choice(["Marie Curie", "Grace Hopper", "Nour El-Amine"]),
            )
            if expected > 30000:
                site.now = _fixed(at(last_day, 23, 45))
                cash_box.deposit(site, expected - 10000, reference=f"BORD-{first:%Y-%m}")
    finally:
        site.now = real_now
    return History(months[0], last_month, len(NAMES), len(postings))
