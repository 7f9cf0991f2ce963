"""Hub figures: ingest throughput, its ratio to a raw insert loop, rules-to-node time, queries.

    .venv/bin/python bench/bench_hub.py [--events 20000] [--applies 5] [--years 5] [--skip-history]

Needs mosquitto (``./install.sh --dev`` installs it). Prints each figure beside its target
(issue "Hub: the contributions ledger..."). Not a test: it only measures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
from gpiozero.pins.mock import MockFactory
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support: the mosquitto fixture and node events

from access.bootstrap import open_site  # noqa: E402
from access.bus.client import make_client  # noqa: E402
from access.bus.outbox import Message, Outbox  # noqa: E402
from access.bus.publisher import OutboxPublisher  # noqa: E402
from access.bus.topics import Topics  # noqa: E402
from access.cli.main import main as seuil  # noqa: E402
from access.config import load_config  # noqa: E402
from access.hardware.reader import FakeReader  # noqa: E402
from access.hub.runner import HubRunner  # noqa: E402
from access.node.runner import NodeRunner  # noqa: E402
from access.services import accounts, reports  # noqa: E402
from access.services.reports import Period  # noqa: E402
from access.services.screens import dashboard  # noqa: E402
from access.store.models import IngestedEvent, LedgerEntry  # noqa: E402
from tests.support.broker import Broker  # noqa: E402
from tests.support.node_events import enroll_fake_cards, workday_stream  # noqa: E402
from tests.support.sites import bench_site  # noqa: E402

MEMBERS = 40


def ingested(site) -> int:  # type: ignore[no-untyped-def]
    with site.store.read() as session:
        return int(session.scalar(select(func.count()).select_from(IngestedEvent)) or 0)


def fill_outboxes(workdir: Path, stream: list) -> dict[str, Outbox]:  # type: ignore[type-arg]
    outboxes = {node: Outbox(workdir / f"{node}-{uuid.uuid4().hex[:6]}.outbox.db")
                for node in ("entrance", "printer")}
    by_node: dict[str, list[Message]] = {node: [] for node in outboxes}
    for message in stream:
        node = json.loads(message.payload)["node"]
        by_node[node].append(Message(message.topic, lambda seq, p=message.payload: p))
    for node, messages in by_node.items():
        outboxes[node].record(messages)
    return outboxes


def stream_through(broker: Broker, site_id: str, outboxes: dict[str, Outbox]) -> list[OutboxPublisher]:
    publishers = []
    for node, outbox in outboxes.items():
        publisher = OutboxPublisher(make_client(broker.url, f"seuil-{site_id}-node-{node}-bench"), outbox)
        publisher.start()
        publisher.kick()
        publishers.append(publisher)
    return publishers


def preload(broker: Broker, site_id: str, outboxes: dict[str, Outbox]) -> None:
    """Publish everything while the consumer is away: its persistent session queues it."""
    publishers = stream_through(broker, site_id, outboxes)
    while any(len(outbox) for outbox in outboxes.values()):
        time.sleep(0.01)
    for publisher in publishers:
        publisher.stop()


def bench_ingest(workdir: Path, broker: Broker, events: int) -> float:
    """The hub draining a backlog (nodes that were offline, or a hub restart) into the ledger."""
    site = open_site()
    site.now = lambda: datetime(2026, 12, 1, 12, tzinfo=UTC)  # the stream's months, whenever it runs
    enroll_fake_cards(site, range(1, MEMBERS + 1))  # the cards FakeNode taps for them
    topics = Topics(site.config.site.id)
    stream = workday_stream(topics, list(range(1, MEMBERS + 1)), datetime(2026, 6, 1, 7, tzinfo=UTC),
                            events=events, seed=11)
    outboxes = fill_outboxes(workdir, stream)
    hub = HubRunner(site, scheduler=False)
    hub.start()
    assert hub.subscribed.wait(10)
    hub.stop()  # its session stays with the broker, which queues the events for it
    preload(broker, site.config.site.id, outboxes)
    hub = HubRunner(site, scheduler=False)
    hub.start()
    # Timed from the broker's CONNACK to the hub's MQTT process (its queued backlog follows at
    # once), not from the start of that process (about 0.4 s of Python start-up).
    assert hub.connected.wait(10)
    start = time.perf_counter()
    totals = hub.stats.totals  # updated by the hub's worker after each commit: no query steals its time
    while totals.applied + totals.duplicates + totals.dead < len(stream):
        time.sleep(0.005)
    elapsed = time.perf_counter() - start
    hub.stop()
    assert ingested(site) == len(stream)
    with site.store.read() as session:
        charges = session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
    site.store.close()
    rate = len(stream) / elapsed
    print(f"ingest MQTT -> committed rows: {len(stream)} events ({charges} ledger charges) in "
          f"{elapsed:.2f} s = {rate:,.0f} events/s   (target >= 5,000)")
    print(f"  hub batches: {hub.stats.batches}, duplicates {hub.stats.totals.duplicates}, "
          f"dead letters {hub.stats.totals.dead}")
    return rate


def bench_raw(workdir: Path, broker: Broker, events: int) -> float:
    """The floor: a subscriber that inserts raw payloads into SQLite, one commit per batch."""
    topics = Topics("bench-raw")
    stream = workday_stream(topics, list(range(1, MEMBERS + 1)), datetime(2026, 1, 5, 7, tzinfo=UTC),
                            events=events, seed=101)
    db = sqlite3.connect(workdir / "raw.db", check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, topic TEXT, payload BLOB)")
    pending: list[tuple[str, bytes]] = []
    lock = threading.Lock()
    subscribed = threading.Event()

    def connect() -> mqtt.Client:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="raw-bench", clean_session=False)
        client.on_connect = lambda c, u, f, r, p: c.subscribe(
            [(topic, 1) for topic in topics.all_node_events])
        client.on_subscribe = lambda c, u, m, r, p: subscribed.set()
        client.on_message = on_message
        client.connect(broker.host, broker.port)
        client.loop_start()
        return client

    def on_message(c, u, message) -> None:  # type: ignore[no-untyped-def]
        with lock:
            pending.append((message.topic, bytes(message.payload)))

    client = connect()
    assert subscribed.wait(10)
    client.disconnect()
    client.loop_stop()
    preload(broker, "bench-raw", fill_outboxes(workdir, stream))
    start = time.perf_counter()  # connect() returns on CONNACK, as the hub's clock starts
    client = connect()
    count = 0
    while count < len(stream):
        with lock:
            batch, pending[:] = list(pending), []
        if batch:
            db.execute("BEGIN")
            db.executemany("INSERT INTO raw (topic, payload) VALUES (?, ?)", batch)
            db.execute("COMMIT")
            count += len(batch)
        else:
            time.sleep(0.002)
    elapsed = time.perf_counter() - start
    client.disconnect()
    client.loop_stop()
    db.close()
    rate = len(stream) / elapsed
    print(f"raw mosquitto -> SQLite insert loop: {rate:,.0f} events/s (same backlog, same broker)")
    return rate


def bench_rules_to_nodes(workdir: Path, applies: int) -> None:
    config = load_config()
    site = open_site()
    hub = HubRunner(site, scheduler=False)
    hub.start()
    assert hub.subscribed.wait(10)
    nodes = []
    for node_id in sorted(config.nodes):
        runner = NodeRunner(config, node_id, pin_factory=MockFactory(), reader=FakeReader())
        runner.start()
        nodes.append(runner)
    deadline = time.monotonic() + 20
    while any(n.core.base is None for n in nodes) and time.monotonic() < deadline:
        time.sleep(0.01)
    rules = config.rules_path
    original = rules.read_text()
    times: list[float] = []
    spread: list[float] = []  # from the end of the command to the last node
    with open(os.devnull, "w") as quiet:
        for i in range(applies):
            before = [n.core.base.version for n in nodes if n.core.base]
            rules.write_text(original.replace('description = "Prusa MK4"', f'description = "Prusa MK4 #{i}"'))
            stdout, sys.stdout = sys.stdout, quiet
            start = time.perf_counter()
            try:
                assert seuil(["rules", "apply"]) == 0
            finally:
                sys.stdout = stdout
            applied = time.perf_counter()
            while any(n.core.base.version == v for n, v in zip(nodes, before, strict=True)):
                time.sleep(0.002)
            times.append(time.perf_counter() - start)
            spread.append(time.perf_counter() - applied)
            time.sleep(0.3 + random.random() * 0.3)
    rules.write_text(original)
    for node in nodes:
        node.stop()
    hub.stop()
    site.store.close()
    print(f"`seuil rules apply` -> all {len(nodes)} nodes hold the new snapshot: median "
          f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {applies} applies "
          "(target: within a second; includes the apply command itself)")
    print("  each: " + ", ".join(f"{t * 1000:.0f}" for t in times) + " ms; after the command returned: "
          + ", ".join(f"{t * 1000:.0f}" for t in spread) + " ms (the hub looks every 250 ms)")


def _sql_time(moment: datetime) -> str:
    """How SQLAlchemy stores an instant in SQLite (naive UTC): written directly, it is 10x faster."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build_history(site, years: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Five years of a busy space: 2M taps, 200k machine sessions, 100k visits, 175k samples."""
    rng = random.Random(5)
    clock = site.clock
    first = site.today() - timedelta(days=365 * years)
    days = [first + timedelta(days=i) for i in range(365 * years)]
    per_day = {"taps": 2_000_000 // len(days), "sessions": 200_000 // len(days),
               "visits": 100_000 // len(days)}
    counts = {"access_events": 0, "usage_sessions": 0, "visits": 0, "occupancy_samples": 0,
              "ledger_entries": 0}
    raw = site.store.engine.raw_connection()
    db = raw.driver_connection
    db.execute("BEGIN")
    for day in days:
        day_start, day_end = clock.day_start(day), clock.day_end(day)  # 23 or 25 h at DST
        start = day_start + timedelta(hours=4)
        access, usage, visit, charges = [], [], [], []
        for n in range(per_day["taps"]):
            ts = start + timedelta(seconds=rng.randrange(14 * 3600))
            access.append((str(uuid.UUID(int=rng.getrandbits(128))), "entrance", n, _sql_time(ts),
                           "front-door", "ab" * 32, rng.randrange(1, MEMBERS + 1), 1, "allowed", "x"))
        for _ in range(per_day["sessions"]):
            started = start + timedelta(seconds=rng.randrange(12 * 3600))
            seconds = rng.randrange(300, 4 * 3600)
            key = str(uuid.UUID(int=rng.getrandbits(128)))
            member = rng.randrange(1, MEMBERS + 1)
            cost = (seconds // 900 + 1) * 50
            ended = _sql_time(started + timedelta(seconds=seconds))
            usage.append((key, "3d-printer", member, "printer", _sql_time(started), day.isoformat(), ended,
                          seconds, seconds, 0, 0, cost, cost, "tap"))
            charges.append((member, "charge", -cost, "EUR", f"session:{key}", "3d-printer", ended, "bench"))
        for _ in range(per_day["visits"]):
            checked_in = start + timedelta(seconds=rng.randrange(8 * 3600))
            visit.append((rng.randrange(1, MEMBERS + 1), day.isoformat(), _sql_time(checked_in),
                          _sql_time(checked_in + timedelta(seconds=rng.randrange(600, 8 * 3600))), 0))
        samples = [(_sql_time(day_start + timedelta(minutes=15 * i)), rng.randrange(0, 20), 20,
                    rng.randrange(0, 2))
                   for i in range(100) if day_start + timedelta(minutes=15 * i) < day_end]
        db.executemany("INSERT INTO access_events (event_id, node, seq, ts, resource, card_hash, member_id, "
                       "allowed, reason, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", access)
        db.executemany("INSERT INTO usage_sessions (event_id, resource, member_id, node, started_at, "
                       "service_day, ended_at, active_seconds, billed_seconds, prepaid_seconds, "
                       "discount_percent, full_cents, cost_cents, end_reason) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", usage)
        db.executemany("INSERT INTO ledger_entries (member_id, kind, cents, currency, reference, "
                       "description, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", charges)
        db.executemany("INSERT INTO visits (member_id, service_day, checked_in_at, checked_out_at, "
                       "auto_checked_out) VALUES (?, ?, ?, ?, ?)", visit)
        db.executemany("INSERT INTO occupancy_samples (ts, present, capacity, machines_in_use) "
                       "VALUES (?, ?, ?, ?)", samples)
        counts["access_events"] += len(access)
        counts["usage_sessions"] += len(usage)
        counts["visits"] += len(visit)
        counts["occupancy_samples"] += len(samples)
        counts["ledger_entries"] += len(charges)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    raw.close()
    return counts


def timed(label: str, call, repeat: int = 7) -> None:  # type: ignore[no-untyped-def]
    call()  # warm the caches once, as a running kiosk or a second report would have them
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    print(f"  {label:<44} median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms"
          "   (target < 50 ms)")


def bench_queries(years: int) -> None:
    site = open_site()
    start = time.perf_counter()
    counts = build_history(site, years)
    print(f"history of {years} years written in {time.perf_counter() - start:.0f} s: "
          + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    today = site.today()
    month = Period(today.replace(day=1) - timedelta(days=1), today)
    month = Period(month.first.replace(day=1), month.first)  # the last full month
    week = Period(today - timedelta(days=6), today)
    timed("dashboard (who is in, machines, today's chart)", lambda: dashboard.dashboard(site))
    timed("report usage, last month", lambda: reports.usage(site, month))
    timed("report visits, last month", lambda: reports.visits(site, month))
    timed("report occupancy, last month", lambda: reports.occupancy(site, month))
    timed("report occupancy, last 7 days", lambda: reports.occupancy(site, week))
    timed("ledger balance of one member", lambda: accounts.member_balance(site, "#7"))
    timed("every member's balance", lambda: accounts.all_balances(site))
    timed(f"ledger entries of {month.first:%Y-%m} (the CSV export)",
          lambda: accounts.list_entries(site, month=f"{month.first:%Y-%m}"))
    site.store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--applies", type=int, default=5)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--skip-history", action="store_true", help="skip the five-year query figures")
    args = parser.parse_args()
    with bench_site("hub", MEMBERS) as (workdir, broker):
        hub_rate = bench_ingest(workdir, broker, args.events)
        raw_rate = bench_raw(workdir, broker, args.events)
        print(f"ratio hub / raw insert loop: {hub_rate / raw_rate:.2f}")
        bench_rules_to_nodes(workdir, args.applies)
        if not args.skip_history:
            bench_queries(args.years)

if __name__ == "__main__":
    main()
