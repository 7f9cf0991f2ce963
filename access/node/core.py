"""The node's worker: every tap, snapshot, button and command goes through one queue.

Reader callbacks, MQTT messages and gpiozero inputs only ``put()`` an event; one thread takes
them in order, so no two events ever race over a relay or a session. Timers (the session's
warning and end) are the queue's own timeout. Each change is written to the outbox together
with the node's state in one SQLite transaction, then the publisher is kicked.

What a tap does:

- door: ``decide()`` from the snapshot; allowed pulses the strike (timed by gpiozero);
- machine, no session: allowed switches the power on and starts a session; a trainer's start
  opens a training window for the next untrained card;
- machine, the occupant's tap: ends the session, or extends it during the warning;
- machine, someone else: denied "in use" (or trained, in a trainer's window);
- out of service: a maintainer's tap puts it back.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol
from uuid import UUID, uuid4

from pydantic import BaseModel

from access.bus.outbox import Message, Outbox
from access.bus.schemas import (
    DecisionEvent,
    Event,
    NodeStatus,
    PayloadError,
    ResourceState,
    ServiceCommand,
    ServiceEvent,
    SessionEvent,
    StopSessionCommand,
    TapEvent,
    TrainingEvent,
    UnlockCommand,
    decode,
    encode,
)
from access.bus.snapshot_payload import decode_snapshot
from access.bus.topics import Topics
from access.config import NodeConfig
from access.domain.cards import card_hash
from access.domain.decide import Decision, Reason, decide
from access.domain.machine_session import MachineSession
from access.domain.ruleset import ResourceDef, ResourceKind
from access.domain.snapshot import Snapshot
from access.node.devices import NodeDevices
from access.node.local_state import LocalOverrides
from access.node.snapshot_file import SnapshotFile

log = logging.getLogger(__name__)

SESSION_KEY = "session"
OVERRIDES_KEY = "overrides"
LATENCY_SAMPLES = 10_000


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


# --- what goes on the queue ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CardRead:
    uid: str
    read_at: float  # time.perf_counter() in the reader's callback


@dataclass(frozen=True, slots=True)
class SnapshotArrived:
    raw: bytes


@dataclass(frozen=True, slots=True)
class CommandArrived:
    action: str
    raw: bytes


@dataclass(frozen=True, slots=True)
class ButtonPressed:
    held: bool


@dataclass(frozen=True, slots=True)
class InputChanged:
    input: str  # "door" or "running"
    active: bool


@dataclass(frozen=True, slots=True)
class Sync:
    done: threading.Event


class _Stop:
    pass


NodeEvent = CardRead | SnapshotArrived | CommandArrived | ButtonPressed | InputChanged | Sync | _Stop


@dataclass
class _TrainingWindow:
    trainer_id: int
    skill: str
    until: datetime


class NodeCore:
    """The decisions, relays and sessions of one node."""

    def __init__(self, *, node_id: str, site_id: str, settings: NodeConfig, secret: bytes,
                 outbox: Outbox, snapshot_file: SnapshotFile, devices: NodeDevices,
                 clock: Clock | None = None, on_record: Callable[[], None] = lambda: None,
                 on_snapshot: Callable[[], None] = lambda: None) -> None:
        self.node_id = node_id
        self.topics = Topics(site_id)
        self.settings = settings
        self.secret = secret
        self.outbox = outbox
        self.snapshot_file = snapshot_file
        self.devices = devices
        self.clock = clock or SystemClock()
        self.on_record = on_record
        self.on_snapshot = on_snapshot
        self.queue: queue.Queue[NodeEvent] = queue.Queue()
        self.latencies_s: deque[float] = deque(maxlen=LATENCY_SAMPLES)
        self.base: Snapshot | None = None  # as the hub sent it
        self.snapshot: Snapshot | None = None  # with this node's own changes on top
        self.resource: ResourceDef | None = None
        self.session: MachineSession | None = None
        self.overrides = LocalOverrides()
        self.door_closed: bool | None = None
        self._window: _TrainingWindow | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------------
    def load(self) -> None:
        """Read the last snapshot and the node's state; claim the relay in its safe state.

        A machine whose session was running when the node stopped is claimed *on*: a restart
        never cuts a print.
        """
        stored = self.outbox.state(SESSION_KEY)
        if stored is not None:
            self.session = MachineSession.from_json(stored)
        overrides = self.outbox.state(OVERRIDES_KEY)
        if overrides is not None:
            self.overrides = LocalOverrides.from_json(overrides)
        raw = self.snapshot_file.load()
        if raw is not None:
            try:
                _, base = decode_snapshot(raw)
            except PayloadError as error:
                log.error("the stored snapshot is unreadable (%s); waiting for the hub's", error)
            else:
                self._install(base)
        self._claim_relay()
        if self.session is not None:
            log.info("resuming session %s of member #%s on %s, started %s",
                     self.session.session_id, self.session.member_id, self.session.resource,
                     self.session.started_at.isoformat())
            self.devices.feedback.steady(True)
        self._record([self._state_message()])

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"node-{self.node_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.queue.put(_Stop())
        if self._thread is not None:
            self._thread.join(timeout=10)

    def sync(self, timeout_s: float = 10.0) -> bool:
        """Wait until every event put so far has been handled (the watchdog's probe, tests)."""
        done = threading.Event()
        self.queue.put(Sync(done))
        return done.wait(timeout_s)

    def status(self, state: Literal["online", "offline"]) -> NodeStatus:
        return NodeStatus(node=self.node_id, state=state,
                          ts=self.clock.now(),
                          snapshot_version=self.base.version if self.base else None)

    # --- the loop -----------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            try:
                event = self.queue.get(timeout=self._seconds_to_next_timer())
            except queue.Empty:
                event = None
            try:
                if isinstance(event, _Stop):
                    return
                if event is not None:
                    self._handle(event)
                self._check_timers()
                if isinstance(event, Sync):
                    event.done.set()  # everything before it handled, timers included
            except Exception:  # one bad event must never stop the door
                log.exception("the node could not handle %r", event)

    def _handle(self, event: NodeEvent) -> None:
        if isinstance(event, CardRead):
            self._on_card(event.uid, event.read_at)
        elif isinstance(event, SnapshotArrived):
            self._on_snapshot(event.raw)
        elif isinstance(event, CommandArrived):
            self._on_command(event.action, event.raw)
        elif isinstance(event, ButtonPressed):
            self._on_button(event.held)
        elif isinstance(event, InputChanged):
            self._on_input(event.input, event.active)

    def _seconds_to_next_timer(self) -> float:
        wake = self.session.next_wake() if self.session else None
        if wake is None:
            return 3600.0
        return min(3600.0, max(0.0, (wake - self.clock.now()).total_seconds()))

    def _check_timers(self) -> None:
        session = self.session
        if session is None:
            return
        now = self.clock.now()
        if session.deadline is not None and now >= session.deadline:
            log.info("session %s reached its maximum duration: power off", session.session_id)
            self._end_session(now, "timeout")
        elif session.in_warning(now) and not session.warned:
            self.devices.feedback.warning()
            self.session = replace(session, warned=True)
            self._record([], {SESSION_KEY: self.session.to_json()})

    # --- taps ---------------------------------------------------------------------------------
    def _on_card(self, uid: str, read_at: float) -> None:
        now = self.clock.now()
        card = card_hash(uid, self.secret)
        snapshot, resource, session = self.snapshot, self.resource, self.session
        if snapshot is None or resource is None:
            decision = Decision(False, Reason.UNKNOWN_RESOURCE, self._resource_name())
        else:
            decision = decide(card, resource.name, now, snapshot,
                              occupant=session.member_id if session else None)
        if snapshot is None or resource is None:
            self.devices.feedback.no()
            self._record(self._tap_messages(card, decision, now))
            log.warning("a card was read but this node has no snapshot for its resource yet")
        elif resource.kind is ResourceKind.DOOR:
            if decision.allowed:
                self._unlock(read_at)  # first: the messages can wait a few microseconds
            else:
                self.devices.feedback.no()
            messages = self._tap_messages(card, decision, now)
            if decision.allowed:
                messages.append(self._door_state(now, unlocked=True))
            self._record(messages)
        else:
            self._machine_tap(card, decision, now, read_at, self._tap_messages(card, decision, now))

    def _tap_messages(self, card: str, decision: Decision, now: datetime) -> list[Message]:
        """The tap and its decision, linked by the tap's event id."""
        tap_id = uuid4()
        return [
            self._event(TapEvent, self.topics.node_tap(self.node_id), now, event_id=tap_id,
                        resource=self._resource_name(), card=card),
            self._event(DecisionEvent, self.topics.node_decision(self.node_id), now,
                        tap_id=tap_id, resource=decision.resource, card=card,
                        allowed=decision.allowed, reason=decision.reason, rule=decision.rule,
                        member_id=decision.member_id,
                        snapshot_version=self.base.version if self.base else 0),
        ]

    def _machine_tap(self, card: str, decision: Decision, now: datetime, read_at: float,
                     messages: list[Message]) -> None:
        snapshot, resource, session = self.snapshot, self.resource, self.session
        assert snapshot is not None
        assert resource is not None
        holder = snapshot.cards.get(card)
        holder_id = holder.member_id if holder else None
        state: dict[str, str | None] = {}
        feedback = self.devices.feedback

        if session is not None and holder_id == session.member_id:
            if session.in_warning(now) and resource.max_session_minutes and decision.allowed:
                self.session = session.extended(now, resource.max_session_minutes)
                state[SESSION_KEY] = self.session.to_json()
                messages.append(self._session_message("extend", self.session, now))
                feedback.yes()
            else:
                self._record(messages)
                self._end_session(now, "tap")
                feedback.yes()
                return
        elif (trainee := self._trainee(holder_id, now)) is not None:
            assert self._window is not None
            messages.append(self._train(trainee, self._window, now))
            state[OVERRIDES_KEY] = self.overrides.to_json()
            self._window = None
            feedback.yes()
        elif resource.name in snapshot.out_of_service and holder_id is not None \
                and self._is_maintainer(holder_id):  # even a keyholder's tap: back, no session
            messages += self._set_service(False, now, holder_id, "maintainer")
            state[OVERRIDES_KEY] = self.overrides.to_json()
            feedback.yes()
        elif decision.allowed and session is None and holder_id is not None:
            power = self.devices.power()
            if power is not None:
                power.on()
            self.latencies_s.append(time.perf_counter() - read_at)
            self.session = MachineSession.begin(uuid4(), resource.name, holder_id, now,
                                                resource.max_session_minutes, resource.warn_minutes)
            running = self.devices.running_sense
            if running is not None and running.is_active:
                self.session = self.session.sensed(True, now)
            state[SESSION_KEY] = self.session.to_json()
            messages.append(self._session_message("start", self.session, now))
            messages.append(self._machine_state(now))
            feedback.yes()
            feedback.steady(True)
            self._open_window_if_trainer(holder_id, now)
        else:
            feedback.no()
        self._record(messages, state)

    def _unlock(self, read_at: float | None = None, seconds: float | None = None) -> None:
        strike = self.devices.strike()
        if strike is not None:
            strike.pulse(seconds or self.settings.unlock_seconds)
        if read_at is not None:
            self.latencies_s.append(time.perf_counter() - read_at)
        self.devices.feedback.yes()

    # --- sessions -----------------------------------------------------------------------------
    def _end_session(self, now: datetime, reason: str) -> None:
        session = self.session
        if session is None:
            return
        power = self.devices.power()
        if power is not None:
            power.off()
        self.devices.feedback.steady(False)
        self.session = None
        self._record([self._session_message("stop", session, now, end_reason=reason),
                      self._machine_state(now)], {SESSION_KEY: None})
        log.info("session %s of member #%s ended (%s)", session.session_id, session.member_id,
                 reason)

    def _session_message(self, action: str, session: MachineSession, now: datetime, *,
                         end_reason: str | None = None) -> Message:
        stopped = action == "stop"
        sensed = self.devices.running_sense is not None
        return self._event(SessionEvent, self.topics.node_session(self.node_id), now, action=action,
                           session_id=session.session_id, resource=session.resource,
                           member_id=session.member_id, started_at=session.started_at,
                           ended_at=now if stopped else None,
                           active_seconds=session.active_seconds_at(now, sensed=sensed)
                           if stopped else None,
                           end_reason=end_reason)

    # --- training -----------------------------------------------------------------------------
    def _open_window_if_trainer(self, member_id: int, now: datetime) -> None:
        assert self.snapshot is not None
        assert self.resource is not None
        member = self.snapshot.members.get(member_id)
        skill = self.resource.skill
        if member is not None and skill and self.snapshot.can_train(member, skill, now):
            seconds = self.settings.training_window_seconds
            self._window = _TrainingWindow(member_id, skill, now + timedelta(seconds=seconds))
            log.info("trainer #%s may induct someone on %s for %ss", member_id, skill, seconds)

    def _trainee(self, holder_id: int | None, now: datetime) -> int | None:
        """The member to train if this tap completes a trainer's induction."""
        window, snapshot = self._window, self.snapshot
        if window is None or snapshot is None or holder_id is None:
            return None
        if now > window.until:
            self._window = None
            return None
        member = snapshot.members.get(holder_id)
        if member is None or holder_id == window.trainer_id or member.suspended:
            return None
        return None if member.trained(window.skill, now) else holder_id

    def _train(self, member_id: int, window: _TrainingWindow, now: datetime) -> Message:
        assert self.resource is not None
        self.overrides = self.overrides.trained(member_id, window.skill)
        self._apply_overrides()
        log.info("member #%s trained on %s by #%s", member_id, window.skill, window.trainer_id)
        return self._event(TrainingEvent, self.topics.node_training(self.node_id), now,
                           resource=self.resource.name, skill=window.skill, member_id=member_id,
                           trainer_id=window.trainer_id)

    # --- service ------------------------------------------------------------------------------
    def _is_maintainer(self, member_id: int) -> bool:
        assert self.snapshot is not None
        member = self.snapshot.members.get(member_id)
        return member is not None and self.snapshot.is_maintainer(member)

    def _set_service(self, out_of_service: bool, now: datetime, member_id: int | None,
                     source: str) -> list[Message]:
        assert self.resource is not None
        self.overrides = self.overrides.serviced(out_of_service)
        self._apply_overrides()
        log.warning("%s marked %s by %s", self.resource.name,
                    "out of service" if out_of_service else "back in service", source)
        return [self._event(ServiceEvent, self.topics.node_service(self.node_id), now,
                            resource=self.resource.name, out_of_service=out_of_service,
                            member_id=member_id, source=source),
                self._machine_state(now)]

    def _mark_out_of_service(self, source: str) -> None:
        if self.resource is None or self.resource.kind is not ResourceKind.MACHINE:
            return
        now = self.clock.now()
        if self.session is not None:
            self._end_session(now, "out_of_service")
        self._record(self._set_service(True, now, None, source),
                     {OVERRIDES_KEY: self.overrides.to_json()})
        self.devices.feedback.warning()

    # --- buttons, inputs, commands ------------------------------------------------------------
    def _on_button(self, held: bool) -> None:
        if self.resource is None:
            return
        if self.resource.kind is ResourceKind.DOOR and not held:
            self._unlock()
            self._record([self._door_state(self.clock.now(), unlocked=True)])
        elif self.resource.kind is ResourceKind.MACHINE and held:
            self._mark_out_of_service("button")

    def _on_input(self, name: str, active: bool) -> None:
        now = self.clock.now()
        if name == "door":
            self.door_closed = active
            if self.resource is not None and self.resource.kind is ResourceKind.DOOR:
                strike = self.devices.strike()
                self._record([self._door_state(now, unlocked=bool(strike and strike.is_unlocked))])
        elif name == "running" and self.session is not None:
            self.session = self.session.sensed(active, now)
            self._record([], {SESSION_KEY: self.session.to_json()})

    def _on_command(self, action: str, raw: bytes) -> None:
        try:
            if action == "unlock":
                unlock = decode(UnlockCommand, raw)
                if self.resource is not None and self.resource.kind is ResourceKind.DOOR:
                    log.info("door unlocked by %s", unlock.actor)
                    self._unlock(seconds=unlock.seconds)
                    self._record([self._door_state(self.clock.now(), unlocked=True,
                                                   seconds=unlock.seconds)])
            elif action == "service":
                service = decode(ServiceCommand, raw)
                if service.out_of_service:
                    self._mark_out_of_service("admin")
                elif self.resource is not None:
                    self._record(self._set_service(False, self.clock.now(), None, "admin"),
                                 {OVERRIDES_KEY: self.overrides.to_json()})
            elif action == "stop-session":
                stop = decode(StopSessionCommand, raw)
                log.info("session stopped by %s", stop.actor)
                self._end_session(self.clock.now(), "admin")
            else:
                log.warning("ignored an unknown command %r", action)
        except PayloadError as error:
            log.warning("ignored a %s command: %s", action, error)

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
        self.snapshot_file.save(raw)
        self._install(base)
        self._claim_relay()
        log.info("snapshot %d in use: %d cards, resource %s", base.version, len(base.cards),
                 self._resource_name())
        self._record([self._state_message()])
        self.on_snapshot()

    def _install(self, base: Snapshot) -> None:
        self.base = base
        self.resource = next((r for r in base.resources.values() if r.node == self.node_id), None)
        self.overrides = self.overrides.without_known(base)
        self._apply_overrides()

    def _apply_overrides(self) -> None:
        if self.base is None:
            return
        self.snapshot = self.overrides.apply(self.base, self.resource.name if self.resource else None)

    def _claim_relay(self) -> None:
        if self.resource is None:
            return
        if self.resource.kind is ResourceKind.DOOR:
            self.devices.strike()
        else:
            self.devices.power(initially_on=self.session is not None)

    # --- messages -----------------------------------------------------------------------------
    def _resource_name(self) -> str:
        return self.resource.name if self.resource else self.node_id

    def _event(self, model: type[Event], topic: str, now: datetime, *,
               event_id: UUID | None = None, **fields: Any) -> Message:
        event_id = event_id or uuid4()

        def build(seq: int) -> bytes:
            return encode(model(event_id=event_id, ts=now, node=self.node_id, seq=seq, **fields))

        return Message(topic, build)

    def _retained(self, topic: str, payload: BaseModel) -> Message:
        data = encode(payload)
        return Message(topic, lambda _seq: data, retain=True)

    def _state_message(self) -> Message:
        now = self.clock.now()
        if self.resource is not None and self.resource.kind is ResourceKind.DOOR:
            return self._door_state(now, unlocked=False)
        return self._machine_state(now)

    def _door_state(self, now: datetime, *, unlocked: bool, seconds: float | None = None) -> Message:
        until = now + timedelta(seconds=seconds or self.settings.unlock_seconds) if unlocked else None
        return self._retained(self.topics.node_state(self.node_id), ResourceState(
            resource=self._resource_name(), node=self.node_id, ts=now,
            state="unlocked" if unlocked else "locked", until=until, door_closed=self.door_closed))

    def _machine_state(self, now: datetime) -> Message:
        name = self._resource_name()
        session = self.session
        if session is not None:
            state = ResourceState(resource=name, node=self.node_id, ts=now, state="in_use",
                                  member_id=session.member_id, since=session.started_at,
                                  until=session.deadline, session_id=session.session_id)
        else:
            broken = self.snapshot is not None and name in self.snapshot.out_of_service
            state = ResourceState(resource=name, node=self.node_id, ts=now,
                                  state="out_of_service" if broken else "idle")
        return self._retained(self.topics.node_state(self.node_id), state)

    def _record(self, messages: list[Message], state: dict[str, str | None] | None = None) -> None:
        if messages or state:
            self.outbox.record(messages, state)
            self.on_record()

