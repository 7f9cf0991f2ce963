"""The demo association: "La Ruche", its rules, members, a trainer, a visitor, eight weeks of life.

Built with the same services the CLI and the kiosk use, so the demo shows the real thing.
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from access.bootstrap import open_site
from access.bus.schemas import DecisionEvent, SessionEvent, TapEvent, encode, with_changes
from access.bus.topics import Topics
from access.domain.decide import Reason
from access.hub.intake import Incoming, Ingestor
from access.services import day_passes
from access.services.accounts import add_entry
from access.services.cards import enroll_card
from access.services.context import Site
from access.services.ledger import EntryKind, PaymentMethod, balances
from access.services.members import add_member
from access.services.rules import apply_rules
from access.services.site_init import init_site
from access.services.trainings import grant_training
from access.store.models import Member, OccupancySample, Training, Visit

SITE_NAME = "La Ruche"
HISTORY_DAYS = 56
UNLOCK_SECONDS = 2


@dataclass(frozen=True)
class Badge:
    """A sample badge, and what the demo expects at each reader."""

    who: str
    uid: str
    door: bool
    printer: bool


BADGES = (
    Badge("Ada", "A1000001", door=True, printer=True),        # a member, trained on the printer
    Badge("Bob", "B2000002", door=True, printer=False),       # a member, not trained
    Badge("Grace", "C3000003", door=True, printer=True),      # a trainer
    Badge("Camille", "D4000004", door=True, printer=False),   # a visitor with a day pass
    Badge("Root", "E5000005", door=True, printer=True),       # an admin: break-glass
    Badge("Unknown", "F6000006", door=False, printer=False),  # nobody's card
)
REGULARS = ("Inès Moreau", "Hugo Lambert", "Léa Girard", "Nathan Roux", "Chloé Fontaine",
            "Malik Benali", "Sarah Cohen", "Yanis Petit", "Manon Leroy", "Jules Garnier")


def demo_rules(text: str) -> str:
    """The sample rules, open every hour of every day (a demo runs at night and on holidays too)
    and with no free minutes on the printer (a demo print is short and should show a charge)."""
    text = re.sub(r'^hours = \[.*\]$', 'hours = ["Mon-Sun 00:00-24:00"]', text, flags=re.M)
    text = re.sub(r"^holidays = \[.*\]$", "holidays = []", text, flags=re.M)
    return re.sub(r"^free_minutes = \d+", "free_minutes = 0", text, flags=re.M)


def make_site(directory: Path, mqtt_url: str, *, history: bool = True, mqtt_protocol: int = 5) -> Site:
    """A new demo site in ``directory`` (which must not hold one), ready to open; ``mqtt_protocol``
    4 for a broker that speaks no MQTT v5 (the embedded amqtt)."""
    result = init_site(directory, site_name=SITE_NAME, site_id="la-ruche")
    config = result.config_path.read_text(encoding="utf-8")
    config = config.replace('url = "mqtt://127.0.0.1:1883"',
                            f'url = "{mqtt_url}"\nprotocol = {mqtt_protocol}')
    config = re.sub(r"^unlock_seconds = \d+", f"unlock_seconds = {UNLOCK_SECONDS}", config, flags=re.M)
    config = config.replace('payment = ["cash"] ', 'payment = ["cash", "online"]')
    config = config.replace('online_provider = "helloasso"', 'online_provider = "fake"')
    result.config_path.write_text(config, encoding="utf-8")
    result.rules_path.write_text(demo_rules(result.rules_path.read_text(encoding="utf-8")),
                                 encoding="utf-8")
    site = open_site(result.config_path)
    apply_rules(site)
    _people(site)
    if history:
        _history(site)
    return site


def _people(site: Site) -> None:
    today = site.today()
    start = today - timedelta(days=HISTORY_DAYS + 30)
    until = today + timedelta(days=20)
    for name, groups in (("Ada Lovelace", ["members"]), ("Bob Marley", ["members"]),
                         ("Grace Hopper", ["trainers"]), ("Root Admin", ["admins"])):
        add_member(site, name, email=f"{name.split()[0].lower()}@example.org", groups=groups, plan="monthly",
                   first_day=start, until_day=until, show_on_dashboard=True)
    for badge in BADGES[:3] + BADGES[4:5]:
        enroll_card(site, badge.who.lower(), uid=badge.uid)
    grant_training(site, "grace", "3d-printing")
    grant_training(site, "grace", "sewing")
    grant_training(site, "ada", "3d-printing", trainer_ref="grace")
    for i, name in enumerate(REGULARS):
        add_member(site, name, groups=["members"], plan="monthly", first_day=start, until_day=until,
                   show_on_dashboard=i % 2 == 0)
        enroll_card(site, name, uid=f"{0xA1100000 + i:08X}")
        if i % 3 == 0:
            grant_training(site, name, "3d-printing", trainer_ref="grace")
    add_entry(site, "ada", EntryKind.PAYMENT, 1500, method=PaymentMethod.ONLINE, description="top-up")
    sold = day_passes.sell(site, cents=800, method=PaymentMethod.CASH, name="Camille")
    day_passes.bind_card(site, sold.id, site.hash_uid(BADGES[3].uid))


def _history(site: Site) -> int:
    """Eight weeks of mornings at the door and afternoons at the printer, ingested as the hub would."""
    rng = random.Random(20261122)
    topics = Topics(site.config.site.id)
    tz = site.clock.tz
    seq = {"entrance": 0, "printer": 0}
    messages: list[Incoming] = []

    def tap(node: str, resource: str, member_id: int, at: datetime) -> None:
        seq[node] += 1
        card = "ab" * 32
        event = TapEvent(event_id=uuid.uuid4(), ts=at, node=node, seq=seq[node], resource=resource, card=card)
        seq[node] += 1
        decision = DecisionEvent(event_id=uuid.uuid4(), ts=at, node=node, seq=seq[node],
                                 tap_id=event.event_id, resource=resource, card=card, allowed=True,
                                 reason=Reason.ALLOWED, rule="demo", member_id=member_id,
                                 snapshot_version=1)
        messages.append(Incoming(topics.node_tap(node), encode(event)))
        messages.append(Incoming(topics.node_decision(node), encode(decision)))

    def session(member_id: int, start: datetime, minutes: int) -> None:
        session_id, end = uuid.uuid4(), start + timedelta(minutes=minutes)
        started = SessionEvent(event_id=uuid.uuid4(), ts=start, node="printer", seq=seq["printer"] + 1,
                               action="start", session_id=session_id, resource="3d-printer",
                               member_id=member_id, started_at=start)
        stopped = with_changes(started, event_id=uuid.uuid4(), ts=end, seq=seq["printer"] + 2,
                               action="stop", ended_at=end, active_seconds=minutes * 60,
                               end_reason="tap")
        seq["printer"] += 2
        for event in (started, stopped):
            messages.append(Incoming(topics.node_session("printer"), encode(event)))

    with site.store.read() as db:
        regulars = [m for m in db.scalars(select(Member).order_by(Member.id)) if m.name != "Root Admin"
                    and m.memberships and m.memberships[0].plan == "monthly"]
        makers = {t.member_id for t in db.scalars(select(Training).where(Training.skill == "3d-printing"))}
        people = [(m.id, m.id in makers) for m in regulars]
    today: date = site.today()
    now = site.now()
    for back in range(HISTORY_DAYS, -1, -1):  # today too, up to now: some are in
        day = today - timedelta(days=back)
        if day.weekday() == 6 and back:
            continue
        busy = 0.35 if day.weekday() >= 5 else 0.75
        for member_id, maker in people:
            if rng.random() > busy:
                continue
            morning = datetime(day.year, day.month, day.day, 8, tzinfo=tz)
            arrive = morning + timedelta(minutes=rng.randrange(0, 180))
            leave = arrive + timedelta(minutes=rng.randrange(180, 540))
            if arrive >= now:
                continue
            tap("entrance", "front-door", member_id, arrive)
            start = arrive + timedelta(minutes=60)
            minutes = rng.randrange(20, 150)
            if maker and rng.random() < 0.3 and start + timedelta(minutes=minutes) < now:
                session(member_id, start, minutes)
            if leave < now:
                tap("entrance", "front-door", member_id, leave)
    ingestor = Ingestor(site)
    for first in range(0, len(messages), 500):
        ingestor.ingest(messages[first:first + 500])
    _occupancy(site, now)
    _settle(site)
    return len(messages)


def _settle(site: Site) -> None:
    """Makers settle their machine use by transfer, leaving 10 EUR ahead: the demo's printer works."""
    with site.store.read() as session:
        owing = {member_id: cents for member_id, cents in balances(session).items() if cents < 0}
        names = {m.id: m.name for m in session.scalars(select(Member).where(Member.id.in_(owing)))}
    for member_id, cents in owing.items():
        add_entry(site, names[member_id], EntryKind.PAYMENT, 1000 - cents, method=PaymentMethod.TRANSFER,
                  description="settling machine use")


def _occupancy(site: Site, now: datetime) -> None:
    """The 15-minute samples the hub's job would have taken over those weeks (the chart's data)."""
    capacity = site.config.site.capacity
    with site.store.write() as session:
        visits = session.execute(select(Visit.checked_in_at, Visit.checked_out_at)).all()
        at = site.clock.day_start(site.today() - timedelta(days=HISTORY_DAYS))
        while at < now:
            if 7 <= at.astimezone(site.clock.tz).hour < 23:
                present = sum(1 for arrived, left in visits
                              if arrived <= at and (left is None or left > at))
                session.add(OccupancySample(ts=at, present=present, capacity=capacity, machines_in_use=0))
            at += timedelta(minutes=15)
