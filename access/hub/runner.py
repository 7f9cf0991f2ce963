"""``seuil hub``: node events into the database, snapshots out to the nodes, scheduled jobs.

One worker thread does every database write, in order: MQTT messages and scheduler ticks
only put items on its queue (as in the node). A message is acknowledged to the broker only
after the transaction holding it has committed, so a hub killed at any instant loses
nothing: the broker delivers again what was not acknowledged, and the event ids make the
second delivery harmless.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from access.bus.client import mqtt_login
from access.bus.schemas import Receipt, encode, seq_ranges
from access.bus.topics import Topics
from access.hub.intake import Incoming, Ingestor, IngestResult
from access.hub.jobs import HubJobs
from access.hub.link import BrokerLink, LinkSettings, Received
from access.lifecycle import run_until_signalled
from access.services.context import Site
from access.services.node_snapshots import node_snapshots
from access.store import generation

log = logging.getLogger(__name__)

BATCH_MAX = 2000
WATCH_INTERVAL_S = 0.25
BUSY_WATCH_DELAY_S = 0.5
STUCK_AFTER_S = 240.0
"""No turn of the worker's loop for this long: stop the watchdog pings (WatchdogSec=300 in
seuil-hub.service). A nightly backup of a large database stays well under it."""


@dataclass(frozen=True, slots=True)
class _Job:
    name: str
    run: Callable[[], object]


class _Stop:
    pass


@dataclass
class HubStats:
    batches: int = 0
    snapshots_published: int = 0
    totals: IngestResult = field(default_factory=IngestResult)


class HubRunner:
    """Everything the hub runs. ``start()``, then ``stop()`` (or ``run_forever()``)."""

    def __init__(self, site: Site, *, batch_max: int = BATCH_MAX, watch_interval_s: float = WATCH_INTERVAL_S,
                 scheduler: bool = True) -> None:
        config = site.config
        self.site = site
        self.topics = Topics(config.site.id)
        self.ingestor = Ingestor(site)
        self.batch_max = batch_max
        self.watch_interval_s = watch_interval_s
        self.stats = HubStats()
        self.heartbeat = time.monotonic()
        self.queue: queue.Queue[Received | _Job | _Stop] = queue.Queue()
        t = self.topics
        login = mqtt_login(config, "hub")
        self.link = BrokerLink(
            LinkSettings(config.mqtt.url, login.client_id, login.username, login.password,
                         (*((topic, 1) for topic in t.all_node_events), (t.all_statuses, 1)),
                         login.ca_file),
            on_messages=self._on_messages, on_connected=self._on_connected,
            on_subscribed=self._on_subscribed)
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.jobs = HubJobs(site, self.submit) if scheduler else None
        self._published: dict[str, str] = {}  # node -> digest of the last snapshot sent
        self._generation: int | None = None
        self._republish = threading.Event()
        self._next_watch = 0.0
        self._worker = threading.Thread(target=self._run, name="hub-worker", daemon=True)
        self._stopped = False

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self._worker.start()
        if self.jobs is not None:
            self.jobs.start()
        self.link.start()
        log.info("hub for site %s started", self.site.config.site.id)

    def stop(self) -> None:
        """Finish the batch in hand, then stop. Calling it twice is harmless."""
        if self._stopped:
            return
        self._stopped = True
        if self.jobs is not None:
            self.jobs.stop()
        self.queue.put(_Stop())
        self._worker.join(timeout=30)
        self.link.stop()

    def run_forever(self) -> None:
        """Run until SIGTERM or SIGINT (systemd stop, Ctrl-C)."""
        run_until_signalled(self.start, self.stop, alive=self.alive)

    def alive(self) -> bool:
        """The worker goes round its loop (at least every watch interval, after each batch or job)."""
        return self._worker.is_alive() and time.monotonic() - self.heartbeat < STUCK_AFTER_S

    def submit(self, name: str, run: Callable[[], object]) -> None:
        """Run ``run`` on the worker thread, between two batches (scheduler jobs use this)."""
        self.queue.put(_Job(name, run))

    def republish(self) -> None:
        """Rebuild every node's snapshot at the next look, even if nothing seems changed."""
        self._republish.set()

    # --- MQTT (the link's reader thread: enqueue only) -------------------------------------------

    def _on_connected(self) -> None:
        self._published.clear()  # a broker that restarted may have lost the retained snapshots
        self._republish.set()
        self.connected.set()
        log.info("connected to the broker")

    def _on_subscribed(self) -> None:
        log.info("subscribed to the nodes' events")
        self.subscribed.set()
        # Hello: each node sends again what it gave the broker and never saw receipted (a broker
        # that crashed while the hub was stopped lost it); the hub drops what it already has.
        hello = encode(Receipt(hello=True))
        for node in sorted(self.site.config.nodes):
            self.link.publish(self.topics.node_receipt(node), hello)

    def _on_messages(self, messages: list[Received]) -> None:
        for message in messages:
            self.queue.put(message)

    # --- the worker ---------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            self.heartbeat = time.monotonic()
            wait = max(self._next_watch - time.monotonic(), 0.0)
            try:
                items = [self.queue.get(timeout=wait)]
            except queue.Empty:
                items = []
            while items and len(items) < self.batch_max:
                try:
                    items.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            messages = [i for i in items if isinstance(i, Received)]
            if messages:
                self._take(messages)
            for item in items:
                if isinstance(item, _Job):
                    self._do(item)
            if any(isinstance(i, _Stop) for i in items):
                return
            now = time.monotonic()
            busy = not self.queue.empty()  # a backlog: look less often, still within a second
            if now >= self._next_watch + (BUSY_WATCH_DELAY_S if busy else 0.0):
                self._next_watch = now + self.watch_interval_s
                self._do(_Job("snapshots", self._publish_snapshots))

    def _take(self, messages: list[Received]) -> None:
        events = [Incoming(m.topic, m.payload) for m in messages if self.ingestor.takes(m.topic)]
        if events:
            result = self._ingest(events)
            if result is None:
                return  # stopping with the database unreachable: the broker keeps them
            self.stats.batches += 1
            self.stats.totals.add(result)
            if result.dead:
                log.warning("%d message(s) set aside (seuil dead-letters)", result.dead)
            self.link.ack(messages)
            for node, seqs in sorted(result.received.items()):  # stored: the node may forget them
                self.link.publish(self.topics.node_receipt(node), encode(Receipt(ranges=seq_ranges(seqs))))
            return
        self.link.ack(messages)

    def _ingest(self, events: list[Incoming]) -> IngestResult | None:
        """Store ``events``; while the database is unreachable (disk full, PostgreSQL down),
        retry with a growing pause. Nothing is acknowledged meanwhile."""
        pause = 0.5
        while True:
            try:
                return self.ingestor.ingest(events)
            except Exception:
                log.exception("could not store %d events; retrying in %.0f s", len(events), pause)
            if self._stopped:
                return None
            time.sleep(pause)
            pause = min(pause * 2, 30.0)

    def _do(self, job: _Job) -> None:
        try:
            job.run()
        except Exception:
            log.exception("the %s job failed; the hub goes on", job.name)

    def _publish_snapshots(self) -> None:
        with self.site.store.read() as session:
            current = generation.current(session)
        if current == self._generation and not self._republish.is_set():
            return
        self._republish.clear()
        nodes = sorted(self.site.config.nodes)
        with self.site.store.read() as session:
            snapshots = node_snapshots(session, self.site, nodes)
        self._generation = current
        sent = 0
        for snapshot in snapshots:
            if self._published.get(snapshot.node) == snapshot.digest:
                continue
            self.link.publish(self.topics.node_snapshot(snapshot.node), snapshot.raw, retain=True)
            self._published[snapshot.node] = snapshot.digest
            sent += 1
        if sent:
            self.stats.snapshots_published += sent
            log.info("published %d snapshot(s), version %d", sent, snapshots[0].payload.version)
        if self.jobs is not None:
            self.jobs.schedule_boundary(self.republish)
