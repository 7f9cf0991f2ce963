"""The node's worker: every snapshot, button and command goes through one queue; a tap is
decided on the reader's own thread.

MQTT messages and gpiozero inputs only ``put()`` an event; one thread takes them in order.
A card read is decided where it was read (``tap()``), so it never waits in the queue behind a
snapshot or a timer, nor for the worker to be scheduled. One lock, held only for work in
memory and on the relay, keeps every decision in order: no two events ever race over a relay
or a session. What they record is queued in that order and written by the worker, outside the
lock, so a slow or full disk never delays a relay. Timers (a session's warning and end) are
the queue's own timeout. Each change is written to the outbox together with the node's state
in one SQLite transaction, then the publisher is kicked; while the disk refuses writes, the
``Recorder`` holds them and the loop retries every few seconds.

The core loads, installs snapshots and records; what a tap or a button *does* belongs to the
resource's behaviour (``door.Door``, ``machine.Machine``), picked when a snapshot names the
resource, and a machine's rules are the pure policy in ``access.domain.machine``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Literal

from access.bus.outbox import Message
from access.bus.schemas import (
    NodeStatus,
    PayloadError,
    ServiceCommand,
    StopSessionCommand,
    UnlockCommand,
)
from access.bus.snapshot_payload import decode_snapshot
from access.bus.topics import Topics
from access.config import NodeConfig
from access.domain.cards import card_hash
from access.domain.ruleset import ResourceDef, ResourceKind
from access.domain.snapshot import Snapshot
from access.node.behaviour import Behaviour
from access.node.clock import Clock, SystemClock
from access.node.commands import read_command
from access.node.devices import NodeDevices
from access.node.door import Door
from access.node.events import (
    ButtonPressed,
    CardRead,
    CommandArrived,
    InputChanged,
    NodeEvent,
    SnapshotArrived,
    Stop,
    Sync,
    Written,
)
from access.node.local_state import OVERRIDES_KEY, LocalOverrides
from access.node.machine import Machine
from access.node.outgoing import Outgoing
from access.node.recorder import Recorder
from access.node.snapshot_file import SnapshotFile

log = logging.getLogger(__name__)

LATENCY_SAMPLES = 10_000
CARD_FINGERPRINT = 8  # hex digits of the keyed card hash in the log (`seuil log --card` finds it)
DISK_RETRY_S = 2.0
BEHAVIOURS: dict[ResourceKind, type[Behaviour]] = {ResourceKind.DOOR: Door,
                                                    ResourceKind.MACHINE: Machine}


class NodeCore:
    """The queue, the snapshot in use and the recording of one node."""

    def __init__(self, *, node_id: str, site_id: str, settings: NodeConfig, secret: bytes,
                 outbox: Recorder, snapshot_file: SnapshotFile, devices: NodeDevices,
                 clock: Clock | None = None, on_record: Callable[[], None] = lambda: None,
                 on_snapshot: Callable[[], None] = lambda: None) -> None:
        self.node_id = node_id
        self.settings = settings
        self.secret = secret
        self.outbox = outbox
        self.snapshot_file = snapshot_file
        self.devices = devices
        self.clock = clock or SystemClock()
        self.on_record = on_record
        self.on_snapshot = on_snapshot
        self.out = Outgoing(node_id, Topics(site_id))
        self.queue: queue.Queue[NodeEvent] = queue.Queue()
        self.latencies_s: deque[float] = deque(maxlen=LATENCY_SAMPLES)
        self.base: Snapshot | None = None  # as the hub sent it
        self.snapshot: Snapshot | None = None  # with this node's own changes on top
        self.resource: ResourceDef | None = None
        self.overrides = LocalOverrides()
        self.door_closed: bool | None = None  # the door contact's last reading
        self.behaviour = Behaviour(self)
        self.lock = threading.RLock()  # the decisions, the relay and the order of the records
        self._unwritten: deque[tuple[list[Message], dict[str, str | None] | None]] = deque()
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------------
    def load(self) -> None:
        """Read the last snapshot and the node's state; the behaviour claims the relay as it
        really is (a running machine's session is picked up, see ``Machine.claim``)."""
        overrides = self.state(OVERRIDES_KEY)
        if overrides is not None:
            self.overrides = LocalOverrides.from_json(overrides)
        base = self.snapshot_file.read()
        with self.lock:
            if base is not None:
                self._install(base)
            self._record_state()
        self._write()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"node-{self.node_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.queue.put(Stop())
        if self._thread is not None:
            self._thread.join(timeout=10)

    def sync(self, timeout_s: float = 10.0) -> bool:
        """Wait until every event put so far has been handled (the watchdog's probe, tests)."""
        done = threading.Event()
        self.queue.put(Sync(done))
        return done.wait(timeout_s)

    @property
    def running(self) -> bool:
        """A machine session runs: its power must stay on when the node stops."""
        return self.behaviour.running

    def status(self, state: Literal["online", "offline"]) -> NodeStatus:
        return NodeStatus(node=self.node_id, state=state, ts=self.clock.now(),
                          snapshot_version=self.base.version if self.base else None,
                          recording=self.outbox.recording, unrecorded=self.outbox.unrecorded)

    # --- a tap, on the reader's thread ---------------------------------------------------------
    def tap(self, uid: str, read_at: float) -> None:
        """Decide a card read and move the relay now, on the caller's thread (the reader's);
        the worker records it. Never raises: a bad tap must not stop the reader."""
        try:
            self._tap(CardRead(uid, read_at))
        except Exception:
            log.exception("the node could not handle a card read")
        self.queue.put(Written())  # the worker writes what the tap recorded, then re-arms timers

    def _tap(self, event: CardRead) -> None:
        card = card_hash(event.uid, self.secret)
        with self.lock:
            decision = self.behaviour.tap(card, self.clock.now(), event.read_at)
        # After the relay: one line a volunteer can read, with the card's fingerprint only.
        log.info("%s: card %s, member %s: %s%s", decision.resource, card[:CARD_FINGERPRINT],
                 f"#{decision.member_id}" if decision.member_id is not None else "-",
                 "allowed" if decision.allowed else f"denied, {decision.reason.value}",
                 f", rule {decision.rule}" if decision.rule else "")

    # --- the loop -----------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            try:
                event: NodeEvent | None = self.queue.get(timeout=self._seconds_to_next_timer())
            except queue.Empty:
                event = None
            try:
                if isinstance(event, Stop):
                    self._write()
                    return
                if isinstance(event, CardRead):  # put on the queue directly (tests, tools)
                    self._tap(event)
                elif isinstance(event, SnapshotArrived):
                    self._on_snapshot(event.raw)  # decoded and saved outside the lock
                elif event is not None:
                    with self.lock:
                        self._handle(event)
                with self.lock:
                    self.behaviour.on_time(self.clock.now())
            except Exception:  # one bad event must never stop the door
                log.exception("the node could not handle %r", event)
            try:
                self._write()
                self.outbox.retry()
                self.out.make_spare_ids()
                if isinstance(event, Sync):
                    event.done.set()  # everything before it handled and written, timers included
            except Exception:
                log.exception("the node could not record %r", event)

    def _handle(self, event: NodeEvent) -> None:
        """Under the lock: a button, an input or a command."""
        if isinstance(event, CommandArrived):
            self._on_command(event.action, event.raw)
        elif isinstance(event, ButtonPressed):
            self.behaviour.press(event.held, self.clock.now())
        elif isinstance(event, InputChanged):
            if event.input == "door":
                self.door_closed = event.active
            self.behaviour.input_changed(event.input, event.active, self.clock.now())

    def _seconds_to_next_timer(self) -> float:
        with self.lock:
            wake = self.behaviour.next_wake()
        longest = 3600.0 if self.outbox.recording else DISK_RETRY_S
        if wake is None:
            return longest
        return min(longest, max(0.0, (wake - self.clock.now()).total_seconds()))

    def _on_command(self, action: str, raw: bytes) -> None:
        now = self.clock.now()
        command = read_command(action, raw)
        if isinstance(command, UnlockCommand):
            self.behaviour.unlock(command, now)
        elif isinstance(command, ServiceCommand):
            self.behaviour.service(command, now)
        elif isinstance(command, StopSessionCommand):
            self.behaviour.stop_session(command, now)

    # --- snapshots ----------------------------------------------------------------------------
    def _on_snapshot(self, raw: bytes) -> None:
        try:
            payload, base = decode_snapshot(raw)
        except PayloadError as error:
            log.warning("ignored a snapshot: %s", error)
            return
        if self.base is not None and payload.version < self.base.version:
            log.warning("ignored snapshot %d: older than the one in use (%d)", payload.version,
                        self.base.version)
            return
        if self.base is not None and payload.version == self.base.version:
            return  # the retained copy of the one we have
        self.snapshot_file.keep(raw)  # a full or read-only card: used all the same
        with self.lock:
            self._install(base)
            self._record_state()
        log.info("snapshot %d in use: %d cards, resource %s", base.version, len(base.cards),
                 self.behaviour.resource_name)
        self._write()
        self.on_snapshot()

    def _install(self, base: Snapshot) -> None:
        """Use ``base``; the behaviour is picked again only if the resource changed."""
        resource = next((r for r in base.resources.values() if r.node == self.node_id), None)
        previous = self.resource
        same = previous is not None and resource is not None \
            and (previous.name, previous.kind) == (resource.name, resource.kind)
        if not same and self.behaviour.running:
            self.behaviour.leave(self.clock.now())  # the machine was retired mid-session
        self.base = base
        self.resource = resource
        self.overrides = self.overrides.without_known(base)
        self._apply_overrides()
        if not same:
            self.behaviour = BEHAVIOURS[resource.kind](self) if resource else Behaviour(self)
        self.behaviour.claim()

    def set_overrides(self, overrides: LocalOverrides) -> None:
        """This node's own changes (inductions, service flag), applied on the hub's snapshot."""
        self.overrides = overrides
        self._apply_overrides()

    def _apply_overrides(self) -> None:
        if self.base is not None:
            self.snapshot = self.overrides.apply(self.base,
                                                 self.resource.name if self.resource else None)

    # --- recording ----------------------------------------------------------------------------
    def _record_state(self) -> None:
        message = self.behaviour.state_message(self.clock.now())
        if message is not None:
            self.record([message])

    def record(self, messages: list[Message], state: dict[str, str | None] | None = None) -> None:
        """Store ``messages`` and the node's ``state`` in one transaction, then publish.

        Called under the lock by a behaviour: queued in decision order, written by the worker
        (``_write``) once the relay has moved and the lock is free."""
        if messages or state:
            self._unwritten.append((messages, state))

    def state(self, key: str) -> str | None:
        """The node's own state as last recorded, written yet or not (a new behaviour reads it
        in the same turn of the worker as the old one's last record). Worker or ``load`` only:
        the one thread that also empties the queue."""
        for _, state in reversed(self._unwritten):
            if state and key in state:
                return state[key]
        return self.outbox.state(key)

    def _write(self) -> None:
        """Write what was recorded, oldest first; only the worker (or ``load``) calls it."""
        wrote = False
        while self._unwritten:
            messages, state = self._unwritten.popleft()
            self.outbox.record(messages, state)  # never raises: held while the disk refuses
            wrote = True
        if wrote:
            self.on_record()

