"""The hub with a real mosquitto, real nodes and a real SQLite file: the paths people take."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from access.bootstrap import open_site
from access.bus.client import make_client
from access.bus.outbox import Message, Outbox
from access.bus.publisher import OutboxPublisher
from access.bus.topics import Topics
from access.domain.decide import Reason
from access.services import accounts
from access.store.models import IngestedEvent, Visit
from tests.integration.cli_helpers import run
from tests.integration.hub_helpers import (
    batches,
    enroll_fake_cards,
    forget_events,
    money_state,
    workday_stream,
)
from tests.integration.node_helpers import RELAY, UIDS, next_wednesday_10am, wait_until


def balance(who: str) -> int:
    site = open_site()
    try:
        return accounts.member_balance(site, who).cents
    finally:
        site.store.close()


def card_hash(site, who: str) -> str:
    return site.hash_uid(UIDS[who])


def test_a_print_is_charged_and_a_front_door_tap_checks_in(hub, nodes):
    door, printer = nodes("entrance"), nodes("printer")
    door.tap("ada")
    printer.tap("ada")
    printer.advance(minutes=42)
    printer.tap("ada")
    assert wait_until(lambda: balance("ada") == -150)  # 3 started quarter hours at 2.00/h
    with hub.site.store.read() as session:
        visit = session.execute(select(Visit.member_id, Visit.checked_out_at)).one()
    assert tuple(visit) == (1, None)
    result = run("ledger", "list", "ada")
    assert "Prusa MK4, 45 min" in result.out and "-1.50 EUR" in result.out


def test_a_new_card_reaches_every_node_without_anyone_publishing(hub, nodes, maker_space):
    door, printer = nodes("entrance"), nodes("printer")
    assert run("member", "add", "Eve Newcomer", "--group", "members", "--plan", "monthly").code == 0
    assert run("card", "enroll", "eve", "--uid", "0E0E0E0E").code == 0
    wanted = hub.site.hash_uid("0E0E0E0E")
    assert wait_until(lambda: wanted in door.core.base.cards and wanted in printer.core.base.cards,
                      timeout_s=5)
    door.tap("0E0E0E0E")
    assert any(s.state for s in door.pin(RELAY).states)


def test_each_node_gets_only_what_it_needs(hub, nodes):
    door, printer = nodes("entrance"), nodes("printer")
    ada_door = door.core.base.members[1]
    ada_printer = printer.core.base.members[1]
    assert ada_printer.trainings.keys() == {"3d-printing"}
    assert ada_door.trainings == {}  # the door needs no training
    assert set(door.core.base.resources) >= {"front-door"}
    assert door.core.base.out_of_service == frozenset()


def test_below_the_credit_floor_the_machine_refuses_until_a_payment(hub, nodes, watcher):
    from tests.integration.test_node_machine import decisions

    printer = nodes("printer")
    printer.tap("ada")
    printer.advance(minutes=30)
    printer.tap("ada")
    assert wait_until(lambda: printer.core.base.members[1].balance_cents == -100)
    printer.tap("ada")
    assert not printer.is_on(RELAY)
    assert wait_until(lambda: len(decisions(watcher)) == 3)
    assert decisions(watcher)[-1].reason == Reason.NOT_ENOUGH_CREDIT
    assert run("ledger", "add", "ada", "payment", "10", "--method", "cash").code == 0
    assert wait_until(lambda: printer.core.base.members[1].balance_cents == 900)
    printer.tap("ada")
    assert printer.is_on(RELAY)


def test_an_induction_at_the_machine_is_a_training_in_the_database(hub, nodes):
    printer = nodes("printer")
    printer.tap("grace")  # a trainer: starts her session, opens the induction window
    printer.tap("grace")
    printer.tap("bob")  # untrained: inducted
    assert wait_until(lambda: "3d-printing" in json.dumps(run("training", "list", "--json").out)
                      and '"Bob Marley"' in run("training", "list", "--json").out)
    assert '"training.grant"' in run("audit", "--json").out


def test_the_hub_killed_mid_stream_loses_nothing_and_bills_nothing_twice(maker_space, broker, site_dir,
                                                                          tmp_path):
    """SIGKILL while 10,000 events stream from two nodes; restart; the ledger is exact."""
    site = open_site()
    enroll_fake_cards(site, [1, 2, 3, 4])  # the cards FakeNode taps for them
    topics = Topics(site.config.site.id)
    # A year of events (10,000 of them) that ended before today: the hub believes no future.
    stream = workday_stream(topics, [1, 2, 3, 4], next_wednesday_10am().replace(hour=8) - _days(420),
                            events=10_000)
    env = {**os.environ, "SEUIL_CONFIG": str(site_dir / "seuil.toml"), "SEUIL_MQTT_URL": broker.url}
    log = (tmp_path / "hub.log").open("ab")

    def start_hub() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "access.cli.main", "hub"], env=env,
                                stdout=log, stderr=subprocess.STDOUT)

    def ingested() -> int:
        with site.store.read() as session:
            return session.scalar(select(func.count()).select_from(IngestedEvent)) or 0

    hub_process = start_hub()
    publishers = []
    try:
        assert wait_until(lambda: b"subscribed" in (tmp_path / "hub.log").read_bytes(), timeout_s=20)
        outboxes = {}
        for node in ("entrance", "printer"):
            outboxes[node] = Outbox(tmp_path / f"{node}.outbox.db")
        for chunk in batches(stream, 500):
            by_node: dict[str, list[Message]] = {"entrance": [], "printer": []}
            for message in chunk:
                node = json.loads(message.payload)["node"]
                by_node[node].append(Message(message.topic, lambda seq, p=message.payload: p))
            for node, messages in by_node.items():
                outboxes[node].record(messages)
        for node, outbox in outboxes.items():
            client = make_client(broker.url, f"seuil-{site.config.site.id}-node-{node}")
            publisher = OutboxPublisher(client, outbox)
            publisher.start()
            publisher.kick()
            publishers.append(publisher)
        assert wait_until(lambda: ingested() >= 2_000, timeout_s=60)
        mqtt_children = _children(hub_process.pid)
        assert mqtt_children, "the hub runs its MQTT link in a child process"
        hub_process.send_signal(signal.SIGKILL)
        hub_process.wait(timeout=10)
        # Its MQTT process notices and leaves: no orphan keeps the hub's session.
        assert wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in mqtt_children),
                          timeout_s=10)
        killed_at = ingested()
        time.sleep(0.5)
        hub_process = start_hub()
        assert wait_until(lambda: ingested() == len(stream), timeout_s=120), (
            f"{ingested()} of {len(stream)}", (tmp_path / "hub.log").read_text()[-3000:])
        assert all(len(o) == 0 for o in outboxes.values())
    finally:
        for publisher in publishers:
            publisher.stop()
        hub_process.terminate()
        hub_process.wait(timeout=30)
        log.close()
    assert 0 < killed_at < len(stream)
    after_crash = money_state(site)
    forget_events(site)
    from access.hub.intake import Ingestor

    ingestor = Ingestor(site)
    for batch in batches(stream, 500):
        ingestor.ingest(batch)
    assert money_state(site) == after_crash
    assert len(after_crash["ledger"]) > 100
    site.store.close()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_the_hub_starts_another_mqtt_process_if_its_own_dies(hub, nodes):
    printer = nodes("printer")
    hub.link._process.kill()
    assert wait_until(lambda: hub.link._epoch == 2, timeout_s=10)
    printer.tap("ada")  # the broker keeps the hub's session meanwhile
    printer.advance(minutes=10)
    printer.tap("ada")
    assert wait_until(lambda: balance("ada") == -50)  # the minimum charge


def _days(n: int):

    return timedelta(days=n)


def test_an_admin_puts_a_machine_out_of_service_from_the_cli(hub, nodes):
    printer = nodes("printer")

    def listed() -> dict:
        return {r["name"]: r for r in json.loads(run("resource", "list", "--json").out)}

    result = run("resource", "service", "3d-printer", "off")
    assert result.code == 0, result.err
    assert wait_until(lambda: listed()["3d-printer"]["out_of_service"])
    printer.tap("ada")
    assert not printer.is_on(RELAY)
    assert run("resource", "service", "3d-printer", "on").code == 0
    assert wait_until(lambda: not listed()["3d-printer"]["out_of_service"])
    printer.tap("ada")
    assert printer.is_on(RELAY)
    assert wait_until(lambda: listed()["3d-printer"]["in_use_by"] == "Ada Lovelace")
    assert run("resource", "stop", "3d-printer").code == 0
    assert wait_until(lambda: not printer.is_on(RELAY))
    assert wait_until(lambda: listed()["3d-printer"]["in_use_by"] is None)
    typo = run("resource", "service", "3d-printr", "off")
    assert typo.code == 1 and 'did you mean "3d-printer"' in typo.err
    assert run("resource", "service", "front-door", "off").code == 1


def test_a_member_who_taps_out_after_hours_is_checked_out_though_the_door_stays_shut(hub, nodes):
    """Bob came at 10:00; at 20:30 the door no longer opens for members, he taps on his way out
    (the exit button let him out): he is out, not 'in' until the cut-off and on the fire
    roll-call. A refused tap never checks anyone in."""
    door = nodes("entrance")
    door.tap("bob")
    assert wait_until(lambda: _open_visits(hub) == 1)
    door.advance(hours=10, minutes=30)  # 20:30: members' hours ended at 20:00
    door.tap("bob")
    assert wait_until(lambda: _open_visits(hub) == 0)
    with hub.site.store.read() as session:
        out = session.execute(select(Visit.checked_out_at, Visit.auto_checked_out)).one()
    assert out.auto_checked_out is False and out.checked_out_at is not None
    door.advance(minutes=5)
    door.tap("bob")  # refused again, and he is out: it does not check him back in
    door.tap("ada")  # a tap after it reaches the hub: Bob's has been applied by then
    assert wait_until(lambda: _decisions(hub) == 4)
    assert _open_visits(hub) == 0


def _open_visits(hub) -> int:
    with hub.site.store.read() as session:
        return session.scalar(select(func.count()).select_from(Visit).where(Visit.checked_out_at.is_(None)))


def _decisions(hub) -> int:
    from access.store.models import AccessEvent

    with hub.site.store.read() as session:
        return session.scalar(select(func.count()).select_from(AccessEvent))


def test_a_broker_crash_while_the_hub_is_stopped_loses_nothing(maker_space, broker, nodes, clock):
    """The hub is stopped (an upgrade); the door records 60 taps (120 events), the broker takes
    them for the hub's queue, then dies by SIGKILL before it saved them (autosave every 30 s).
    The node keeps each event until the hub's receipt, and sends again what was never receipted
    when the hub says hello: 0 lost, 0 doubled."""
    from access.bootstrap import open_site
    from access.hub.runner import HubRunner
    from access.store.models import AccessEvent

    started = time.monotonic()

    def start_hub() -> HubRunner:
        site = open_site()
        site.now = lambda: clock.now() + timedelta(seconds=time.monotonic() - started)
        runner = HubRunner(site, scheduler=False)
        runner.start()
        assert runner.subscribed.wait(10)
        return runner

    hub = start_hub()  # its persistent session exists on the broker from now on
    door = nodes("entrance")
    door.tap("ada")
    assert wait_until(lambda: door.runner.outbox.outbox.awaiting_receipt == 0
                      and _decisions(hub) == 1, timeout_s=20)  # receipted: forgotten
    hub.stop()
    hub.site.store.close()
    for _ in range(59):
        door.advance(minutes=3)
        door.tap("ada")
    outbox = door.runner.outbox.outbox
    assert wait_until(lambda: len(outbox) == 0 and outbox.awaiting_receipt == 118, timeout_s=30)
    broker.process.kill()  # SIGKILL: nothing saved since the last autosave
    broker.process.wait(timeout=10)
    broker.start()
    hub = start_hub()
    try:
        assert wait_until(lambda: _decisions(hub) == 60, timeout_s=60), _decisions(hub)
        assert wait_until(lambda: outbox.awaiting_receipt == 0, timeout_s=20)
        with hub.site.store.read() as session:
            assert session.scalar(select(func.count()).select_from(IngestedEvent)) == 120
            assert session.scalar(select(func.count(func.distinct(AccessEvent.event_id)))) == 60
    finally:
        hub.stop()
        hub.site.store.close()
