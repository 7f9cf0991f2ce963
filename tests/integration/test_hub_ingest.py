"""The hub's intake on a real database: each event once, priced, checked in, or set aside."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from access.bus.schemas import SessionEvent, TrainingEvent, decode, encode, with_changes
from access.bus.topics import Topics
from access.hub.intake import Incoming, Ingestor
from access.services.ledger import balances
from access.store.models import DeadLetter, LedgerEntry, Resource, Training, UsageSession, Visit
from tests.integration.cli_helpers import run
from tests.integration.hub_helpers import (
    FakeNode,
    batches,
    enroll_fake_cards,
    fake_card,
    forget_events,
    money_state,
    workday_stream,
)

pytestmark = pytest.mark.both_backends

# A Wednesday at 09:00 in Paris.
MORNING = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)


@pytest.fixture
def hub_site(site_dir):
    from access.bootstrap import open_site

    for name, group in (("Ada Lovelace", "members"), ("Bob Marley", "members"),
                        ("Grace Hopper", "trainers")):
        result = run("member", "add", name, "--group", group, "--plan", "monthly",
                     "--from", "2026-01-01", "--until", "2099-12-31", "--price", "0")  # no dues
        assert result.code == 0, result.err
    assert run("training", "grant", "grace", "3d-printing").code == 0  # a trainer is trained
    site = open_site()
    site.now = lambda: MORNING + timedelta(hours=2)  # tests with later events move it on
    enroll_fake_cards(site, [1, 2, 3])  # the cards FakeNode taps for them
    yield site
    site.store.close()


@pytest.fixture
def topics(hub_site):
    return Topics(hub_site.config.site.id)


def dead_reasons(site) -> list[str]:
    with site.store.read() as session:
        return list(session.scalars(select(DeadLetter.reason).order_by(DeadLetter.id)))


def test_a_session_is_priced_once_and_charged(hub_site, topics):
    printer = FakeNode(topics, "printer", "3d-printer")
    messages = printer.session(1, MORNING, 40 * 60)
    ingestor = Ingestor(hub_site)
    first = ingestor.ingest(messages)
    again = ingestor.ingest(messages)
    assert (first.applied, first.priced) == (len(messages), 1)
    assert (again.applied, again.duplicates, again.dead) == (0, len(messages), 0)
    with hub_site.store.read() as session:
        entries = session.execute(select(LedgerEntry.member_id, LedgerEntry.kind, LedgerEntry.cents,
                                         LedgerEntry.reference, LedgerEntry.created_at)).all()
        usage = session.execute(select(UsageSession.event_id, UsageSession.active_seconds,
                                       UsageSession.billed_seconds, UsageSession.cost_cents)).one()
    # 40 min -> three started quarter hours at 2.00/h = 1.50
    assert [tuple(e) for e in entries] == [
        (1, "charge", -150, f"session:{usage.event_id}", MORNING + timedelta(minutes=40))]
    assert tuple(usage[1:]) == (2400, 2700, 150)


def test_a_stop_that_arrives_before_its_start(hub_site, topics):
    printer = FakeNode(topics, "printer", "3d-printer")
    messages = printer.session(2, MORNING, 20 * 60)
    Ingestor(hub_site).ingest(list(reversed(messages)))
    with hub_site.store.read() as session:
        usage = session.execute(select(UsageSession.ended_at, UsageSession.cost_cents)).one()
    assert tuple(usage) == (MORNING + timedelta(minutes=20), 100)


def test_free_machines_and_short_sessions_cost_nothing(hub_site, topics):
    sewing = FakeNode(topics, "sewing", "sewing-machine")
    printer = FakeNode(topics, "printer", "3d-printer")
    Ingestor(hub_site).ingest(sewing.session(1, MORNING, 3600) + printer.session(1, MORNING, 4 * 60))
    with hub_site.store.read() as session:
        assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
        assert session.scalar(select(func.count()).select_from(UsageSession)) == 2


def test_the_daily_cap_holds_whatever_the_order(hub_site, topics):
    printer = FakeNode(topics, "printer", "3d-printer")
    messages = (printer.session(1, MORNING, 5 * 3600)
                + printer.session(1, MORNING + timedelta(hours=6), 3 * 3600))
    hub_site.now = lambda: MORNING + timedelta(hours=10)  # after both (the hub believes no future)
    ingestor = Ingestor(hub_site)
    ingestor.ingest(messages[5:])  # the later session first
    ingestor.ingest(messages[:5])
    with hub_site.store.read() as session:
        costs = session.execute(select(UsageSession.started_at, UsageSession.cost_cents)
                                .order_by(UsageSession.started_at)).all()
    assert [c for _, c in costs] == [1000, 200]  # 10.00, then capped at 12.00 for the day
    assert balances_of(hub_site)[1] == -1200


def test_prepaid_hours_are_used_first(hub_site, topics):
    assert run("ledger", "hours", "ada", "1", "--resource", "3d-printer").code == 0
    printer = FakeNode(topics, "printer", "3d-printer")
    later = datetime.now(UTC) + timedelta(minutes=5)  # hours bought before the session
    hub_site.now = lambda: later + timedelta(hours=2)  # the hub takes it in after it ended
    Ingestor(hub_site).ingest(printer.session(1, later, 90 * 60))
    with hub_site.store.read() as session:
        usage = session.execute(select(UsageSession.prepaid_seconds, UsageSession.cost_cents)).one()
    assert tuple(usage) == (3600, 100)


def test_check_in_toggles_at_the_front_door(hub_site, topics):
    hub_site.now = lambda: MORNING + timedelta(hours=5)  # after the taps: no event from the future
    door = FakeNode(topics, "entrance", "front-door")
    ingestor = Ingestor(hub_site)
    ingestor.ingest(door.tap(1, MORNING))
    with hub_site.store.read() as session:
        assert session.execute(select(Visit.checked_out_at)).one() == (None,)
    ingestor.ingest(door.tap(1, MORNING + timedelta(seconds=30)))  # a double tap does not toggle
    ingestor.ingest(door.tap(1, MORNING + timedelta(hours=4)))
    ingestor.ingest(door.tap(2, MORNING, allowed=False))  # denied: not checked in
    with hub_site.store.read() as session:
        visit = session.execute(select(Visit.member_id, Visit.checked_out_at)).one()
    assert tuple(visit) == (1, MORNING + timedelta(hours=4))


def test_a_late_tap_is_paired_in_time_order(hub_site, topics):
    hub_site.now = lambda: MORNING + timedelta(hours=10)  # after the taps: no event from the future
    door = FakeNode(topics, "entrance", "front-door")
    morning, noon, afternoon, evening = (door.tap(1, MORNING + timedelta(hours=h)) for h in (0, 3, 5, 9))
    ingestor = Ingestor(hub_site)
    for messages in (morning, afternoon, evening, noon):  # noon's node was offline
        ingestor.ingest(messages)
    with hub_site.store.read() as session:
        stays = session.execute(select(Visit.checked_in_at, Visit.checked_out_at)
                                .order_by(Visit.checked_in_at)).all()
    assert stays == [(MORNING, MORNING + timedelta(hours=3)),
                     (MORNING + timedelta(hours=5), MORNING + timedelta(hours=9))]


def test_a_visit_left_open_is_closed_at_the_cut_off_when_the_day_is_over(hub_site, topics):
    door = FakeNode(topics, "entrance", "front-door")
    hub_site.now = lambda: MORNING + timedelta(days=1)
    Ingestor(hub_site).ingest(door.tap(1, MORNING))
    with hub_site.store.read() as session:
        visit = session.execute(select(Visit.auto_checked_out, Visit.checked_out_at)).one()
    assert tuple(visit) == (True, hub_site.clock.day_end(hub_site.clock.service_day(MORNING)))


def test_training_and_service_events_reach_the_database(hub_site, topics):
    ingestor = Ingestor(hub_site)
    training = TrainingEvent(event_id=_uuid(1), ts=MORNING, node="printer", seq=1, resource="3d-printer",
                             skill="3d-printing", member_id=2, trainer_id=3)
    ingestor.ingest([Incoming(topics.node_training("printer"), encode(training))])
    with hub_site.store.read() as session:
        row = session.execute(select(Training.skill, Training.granted_by_id)
                              .where(Training.member_id == 2)).one()
    assert tuple(row) == ("3d-printing", 3)
    result = run("audit", "--json")
    assert '"training.grant"' in result.out and '"node printer"' in result.out


def test_malformed_events_are_set_aside_with_the_reason(hub_site, topics):
    printer = FakeNode(topics, "printer", "3d-printer")
    good = printer.session(1, MORNING, 3600)
    stop = decode(SessionEvent, good[-1].payload)
    other_body = with_changes(stop, active_seconds=10)
    stranger = FakeNode(topics, "garage", "3d-printer")
    ingestor = Ingestor(hub_site)
    ingestor.ingest(good)
    cases = [
        (Incoming(topics.node_session("printer"), b"{not json"), "not a valid SessionEvent"),
        (Incoming(topics.node_session("printer"), b'{"v": 1, "event_id": "x"}'), "event_id"),
        (stranger.tap(1, MORNING)[1], 'unknown node "garage"'),
        (FakeNode(topics, "printer", "laser-cutter").tap(1, MORNING)[1], 'unknown resource "laser-cutter"'),
        (FakeNode(topics, "printer", "3d-printer").session(99, MORNING, 60)[-1], "unknown member #99"),
        (Incoming(topics.node_session("printer"), encode(other_body)),
         "duplicate event id with a different body"),
        (FakeNode(topics, "sewing", "3d-printer").session(1, MORNING, 60)[-1],
         'node "sewing" reported on "3d-printer", which is node "printer"\'s'),
        (Incoming(topics.node_decision("sewing"), good[1].payload), 'says node "printer"'),
        (Incoming(topics.node_status("printer"), b"{}"), "does not take events on"),
    ]
    for message, reason in cases:
        result = ingestor.ingest([message])
        assert (result.applied, result.dead) == (0, 1), reason
        assert reason in dead_reasons(hub_site)[-1]
    with hub_site.store.read() as session:
        assert session.scalars(select(LedgerEntry.cents)).all() == [-200]


def test_ten_thousand_events_twice_in_random_order_give_the_same_ledger(hub_site, topics, tmp_path):
    stream = workday_stream(topics, [1, 2, 3], MORNING - timedelta(days=60), events=10_000)
    hub_site.now = lambda: MORNING + timedelta(days=500)  # the stream (into 2027) is over
    ingestor = Ingestor(hub_site)
    for batch in batches(stream, 250):
        ingestor.ingest(batch)
    once = money_state(hub_site)
    assert len(once["ledger"]) > 100 and len(once["visits"]) > 100

    forget_events(hub_site)  # the same site, as before the first delivery
    shuffled = stream + stream
    random.Random(3).shuffle(shuffled)
    ingestor = Ingestor(hub_site)
    total = 0
    for batch in batches(shuffled, 250):
        total += ingestor.ingest(batch).duplicates
    assert total == len(stream)
    assert money_state(hub_site) == once
    assert sum(balances_of(hub_site).values()) == sum(e[2] for e in once["ledger"])


def test_a_service_event_older_than_the_last_change_does_not_win(hub_site, topics):
    from access.bus.schemas import ServiceEvent

    ingestor = Ingestor(hub_site)
    newer = ServiceEvent(event_id=_uuid(2), ts=MORNING + timedelta(hours=1), node="printer", seq=2,
                         resource="3d-printer", out_of_service=False, member_id=3, source="maintainer")
    older = ServiceEvent(event_id=_uuid(3), ts=MORNING, node="printer", seq=1, resource="3d-printer",
                         out_of_service=True, source="button")
    ingestor.ingest([Incoming(topics.node_service("printer"), encode(newer))])
    ingestor.ingest([Incoming(topics.node_service("printer"), encode(older))])
    with hub_site.store.read() as session:
        assert session.scalar(select(Resource.out_of_service).where(Resource.name == "3d-printer")) is False


def balances_of(site) -> dict[int, int]:
    with site.store.read() as session:
        return balances(session)


def _uuid(n: int):
    import uuid

    return uuid.UUID(int=n, version=4)


def test_a_node_login_cannot_write_other_peoples_history(hub_site, topics):
    """What the printer's node (a stolen login: only its own topics) tried, and the hub refused."""
    printer = FakeNode(topics, "printer", "3d-printer")
    ingestor = Ingestor(hub_site)
    sessions_at = [MORNING - timedelta(days=3 * 365), MORNING + timedelta(days=2)]  # backdated, future

    def session(member: int, start: datetime, seconds: int, **update) -> Incoming:
        stop = decode(SessionEvent, printer.session(member, start, seconds)[-1].payload)
        return Incoming(topics.node_session("printer"), encode(with_changes(stop, **update)))

    induction = TrainingEvent(event_id=_uuid(7), ts=MORNING, node="printer", seq=9, resource="3d-printer",
                              skill="3d-printing", member_id=2, trainer_id=2)
    cases = [
        # Ada checked in at the front door, from the printer's topics
        (FakeNode(topics, "printer", "front-door").tap(1, MORNING)[1],
         'node "printer" reported on "front-door", which is node "entrance"\'s'),
        # Bob trained by himself, and on a skill the printer does not use
        (Incoming(topics.node_training("printer"), encode(induction)), "cannot train themselves"),
        (Incoming(topics.node_training("printer"), encode(with_changes(
            induction, event_id=_uuid(8), skill="sewing", trainer_id=3))),
         'an induction on "sewing" at "3d-printer"'),
        # Bob trained by Ada, who may not train
        (Incoming(topics.node_training("printer"), encode(with_changes(
            induction, event_id=_uuid(9), trainer_id=1))), "may not train others"),
        # Bob billed for sessions three years ago and the day after tomorrow, and for 10^9 s
        (session(2, sessions_at[0], 3600), "too long ago"),
        (session(2, sessions_at[1], 3600), "in the future"),
        (session(2, MORNING - timedelta(seconds=10**9), 10**9), "too long ago"),
        (session(2, MORNING - timedelta(hours=30), 29 * 3600), "a session of 104400 s on a machine"),
        (session(2, MORNING - timedelta(hours=2), 3600, active_seconds=7200), "7200 s of use"),
        # a decision naming Bob with Ada's card
        (printer.tap(2, MORNING, card=fake_card(1))[1], "not a card of member #2"),
    ]
    for message, reason in cases:
        result = ingestor.ingest([message])
        assert (result.applied, result.dead) == (0, 1), reason
        assert reason in dead_reasons(hub_site)[-1], dead_reasons(hub_site)[-1]
    with hub_site.store.read() as session_:
        assert session_.scalars(select(LedgerEntry.cents)).all() == []
        assert session_.scalars(select(Visit.member_id)).all() == []
        assert session_.scalars(select(Training.member_id).where(Training.member_id == 2)).all() == []
    listed = run("dead-letters", "--json")
    assert listed.code == 0 and "cannot train themselves" in listed.out
    # What the printer's node really saw still counts: a real session of Ada's, an induction by Grace.
    good = printer.session(1, MORNING - timedelta(hours=1), 3600)
    real = with_changes(induction, event_id=_uuid(10), trainer_id=3)
    result = ingestor.ingest([*good, Incoming(topics.node_training("printer"), encode(real))])
    assert (result.applied, result.dead) == (len(good) + 1, 0)


def test_the_last_session_of_a_machine_retired_meanwhile_is_still_billed(hub_site, topics, tmp_path):
    """The node ends the session when a rules change retires its machine; the stop reaches the
    hub after the change, and the hub judges it by what that node drove (the retired row)."""
    printer = FakeNode(topics, "printer", "3d-printer")
    start, *_, stop = printer.session(1, MORNING, 3600)
    ingestor = Ingestor(hub_site)
    assert ingestor.ingest([start]).applied == 1
    rules = hub_site.config.rules_path.read_text()
    first = rules.index('[[resource]]\nname = "3d-printer"')
    retired = tmp_path / "rules.toml"
    retired.write_text((rules[:first] + rules[rules.index("[[resource]]", first + 1):])
                       .replace('"3d-printer", ', ""))
    assert run("rules", "apply", str(retired)).code == 0
    result = ingestor.ingest([stop])
    assert (result.applied, result.dead, result.priced) == (1, 0, 1), dead_reasons(hub_site)
