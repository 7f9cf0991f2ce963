"""The messages a node sends, built eagerly with typed constructors.

Each builder validates its payload at once (``encode_checked``: msgspec checks a Struct
when it is decoded, not when it is built), before the node moves a relay, so a bad field fails
before anything happens. Only the per-node ``seq`` is filled in later, by the outbox, in the
transaction that stores the message.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from access.bus.outbox import Message
from access.bus.schemas import (
    DecisionEvent,
    EndReason,
    Event,
    Payload,
    ResourceState,
    ServiceEvent,
    ServiceSource,
    SessionAction,
    SessionEvent,
    TapEvent,
    TrainingEvent,
    encode,
    encode_checked,
    with_changes,
)
from access.bus.topics import Topics
from access.domain.decide import Decision
from access.domain.machine_session import MachineSession


def _event(topic: str, event: Event) -> Message:
    encode_checked(event)

    def build(seq: int) -> bytes:
        return encode(with_changes(event, seq=seq))

    return Message(topic, build)


def _retained(topic: str, payload: Payload) -> Message:
    data = encode_checked(payload)
    return Message(topic, lambda _seq: data, retain=True)


SPARE_IDS = 8


class Outgoing:
    """Builders of one node's events (``seq`` comes from the outbox) and retained states.

    Event ids are drawn from a few made in advance (:meth:`make_spare_ids`, after a tap is
    recorded): ``uuid4()`` reads the kernel's random source, a system call that lets another
    thread take the interpreter, and the tap then waits for it before its relay moves.
    """

    def __init__(self, node_id: str, topics: Topics) -> None:
        self.node_id = node_id
        self.topics = topics
        self._spare_ids: deque[UUID] = deque()
        self.make_spare_ids()

    def make_spare_ids(self) -> None:
        while len(self._spare_ids) < SPARE_IDS:
            self._spare_ids.append(uuid4())

    def new_id(self) -> UUID:
        return self._spare_ids.popleft() if self._spare_ids else uuid4()

    def tap(self, *, resource: str, card: str, decision: Decision, snapshot_version: int,
            now: datetime) -> list[Message]:
        """The tap and its decision, linked by the tap's event id."""
        tap_id = self.new_id()
        node = self.node_id
        return [
            _event(self.topics.node_tap(node), TapEvent(
                event_id=tap_id, ts=now, node=node, seq=0, resource=resource, card=card)),
            _event(self.topics.node_decision(node), DecisionEvent(
                event_id=self.new_id(), ts=now, node=node, seq=0, tap_id=tap_id,
                resource=decision.resource, card=card, allowed=decision.allowed,
                reason=decision.reason, rule=decision.rule, member_id=decision.member_id,
                until=decision.until, skill=decision.skill, snapshot_version=snapshot_version)),
        ]

    def session(self, action: SessionAction, session: MachineSession, now: datetime, *,
                sensed: bool, end_reason: EndReason | None = None) -> Message:
        """``sensed``: a running-sense input counts the active seconds (else the whole span)."""
        stopped = action == "stop"
        return _event(self.topics.node_session(self.node_id), SessionEvent(
            event_id=self.new_id(), ts=now, node=self.node_id, seq=0, action=action,
            session_id=session.session_id, resource=session.resource,
            member_id=session.member_id, started_at=session.started_at,
            ended_at=now if stopped else None,
            active_seconds=session.active_seconds_at(now, sensed=sensed) if stopped else None,
            end_reason=end_reason, extensions=session.extensions))

    def training(self, *, resource: str, skill: str, member_id: int, trainer_id: int,
                 now: datetime) -> Message:
        return _event(self.topics.node_training(self.node_id), TrainingEvent(
            event_id=self.new_id(), ts=now, node=self.node_id, seq=0, resource=resource, skill=skill,
            member_id=member_id, trainer_id=trainer_id))

    def service(self, *, resource: str, out_of_service: bool, member_id: int | None,
                source: ServiceSource, now: datetime) -> Message:
        return _event(self.topics.node_service(self.node_id), ServiceEvent(
            event_id=self.new_id(), ts=now, node=self.node_id, seq=0, resource=resource,
            out_of_service=out_of_service, member_id=member_id, source=source))

    def door_state(self, *, resource: str, now: datetime, unlocked_for_s: float | None,
                   door_closed: bool | None) -> Message:
        """Retained: locked, or unlocked for ``unlocked_for_s`` seconds from ``now``."""
        until = None if unlocked_for_s is None else now + timedelta(seconds=unlocked_for_s)
        return _retained(self.topics.node_state(self.node_id), ResourceState(
            resource=resource, node=self.node_id, ts=now,
            state="locked" if until is None else "unlocked", until=until,
            door_closed=door_closed))

    def machine_state(self, *, resource: str, now: datetime, session: MachineSession | None,
                      out_of_service: bool) -> Message:
        """Retained: in use (by whom, since, until), idle or out of service."""
        if session is not None:
            state = ResourceState(resource=resource, node=self.node_id, ts=now, state="in_use",
                                  member_id=session.member_id, since=session.started_at,
                                  until=session.deadline, session_id=session.session_id)
        else:
            state = ResourceState(resource=resource, node=self.node_id, ts=now,
                                  state="out_of_service" if out_of_service else "idle")
        return _retained(self.topics.node_state(self.node_id), state)
