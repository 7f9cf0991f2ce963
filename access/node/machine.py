"""A machine: the policy (``access.domain.machine``) decides, this applies its outcome.

Applying means, in this order: build the messages (they validate), move the relay and the
feedback, then record the messages with the node's state in one outbox transaction.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from access.bus.outbox import Message
from access.bus.schemas import (
    EndReason,
    ServiceCommand,
    ServiceSource,
    SessionAction,
    StopSessionCommand,
)
from access.domain.decide import Decision, decide
from access.domain.machine import (
    BackInService,
    End,
    Extend,
    Induct,
    Refuse,
    Start,
    TrainingWindow,
    Warn,
    on_tap,
    on_time,
)
from access.domain.machine_session import MachineSession
from access.domain.pricing import price_session
from access.domain.ruleset import ResourceDef
from access.node.behaviour import Behaviour
from access.node.local_state import OVERRIDES_KEY, SESSION_KEY

if TYPE_CHECKING:
    from access.node.core import NodeCore

log = logging.getLogger(__name__)


class Machine(Behaviour):
    """A machine's power, held on for a session; a restart picks the session up again."""

    def __init__(self, node: NodeCore) -> None:
        super().__init__(node)
        stored = node.state(SESSION_KEY)
        self.session = MachineSession.from_json(stored) if stored is not None else None
        self.window: TrainingWindow | None = None
        if self.session is not None:
            log.info("resuming session %s of member #%s on %s, started %s",
                     self.session.session_id, self.session.member_id, self.session.resource,
                     self.session.started_at.isoformat())

    @property
    def running(self) -> bool:
        return self.session is not None

    @property
    def _resource(self) -> ResourceDef:
        assert self.node.resource is not None
        return self.node.resource

    def claim(self) -> None:
        """Take the power as it really is: a session whose power was cut ends; power nobody's
        session owns goes off. Only a relay held outside this process can say (the keeper)."""
        power = self.node.devices.power(initially_on=self.session is not None)
        real = power.real_state() if power is not None else None
        if self.session is not None and real is False:
            log.warning("session %s: the power was cut while the node was away (keeper restarted "
                        "or Pi rebooted); the session ends", self.session.session_id)
            self._end(self.node.clock.now(), "power_lost")
        elif self.session is None and real is True and power is not None:
            log.warning("%s was on without a session: switching it off", self._resource.name)
            power.off()
        if self.session is not None:
            self.node.devices.feedback.steady(True)

    # --- taps ---------------------------------------------------------------------------------
    def tap(self, card: str, now: datetime, read_at: float) -> Decision:
        node, session = self.node, self.session
        snapshot = node.snapshot
        assert snapshot is not None
        decision = decide(card, self._resource.name, now, snapshot,
                          occupant=session.member_id if session else None)
        holder = snapshot.cards.get(card)
        outcome = on_tap(resource=self._resource, snapshot=snapshot, session=session,
                         holder_id=holder.member_id if holder else None, decision=decision,
                         now=now, window=self.window,
                         window_seconds=node.settings.training_window_seconds)
        messages = self.tap_messages(card, decision, now)
        feedback = node.devices.feedback
        if isinstance(outcome, Start):
            self._start(outcome, messages, now, read_at)
        elif isinstance(outcome, Extend):
            assert session is not None
            self.session = session.extended(now, outcome.minutes)
            messages += [self._session("extend", self.session, now), self.state_message(now)]
            feedback.yes()
            node.record(messages, {SESSION_KEY: self.session.to_json()})
        elif isinstance(outcome, End):
            self._end(now, outcome.reason, messages)
            feedback.yes()
        elif isinstance(outcome, Induct):
            messages.append(node.out.training(resource=self._resource.name, skill=outcome.skill,
                                              member_id=outcome.member_id,
                                              trainer_id=outcome.trainer_id, now=now))
            node.set_overrides(node.overrides.trained(outcome.member_id, outcome.skill))
            self.window = None
            log.info("member #%s trained on %s by #%s", outcome.member_id, outcome.skill,
                     outcome.trainer_id)
            feedback.yes()
            node.record(messages, {OVERRIDES_KEY: node.overrides.to_json()})
        elif isinstance(outcome, BackInService):
            messages += self._set_service(False, now, outcome.member_id, "maintainer")
            feedback.yes()
            node.record(messages, {OVERRIDES_KEY: node.overrides.to_json()})
        else:
            assert isinstance(outcome, Refuse)
            feedback.no()
            node.record(messages)
        return decision

    def _start(self, start: Start, messages: list[Message], now: datetime, read_at: float) -> None:
        node, resource = self.node, self._resource
        session = MachineSession.begin(node.out.new_id(), resource.name, start.member_id, now,
                                       resource.max_session_minutes, resource.warn_minutes)
        running = node.devices.running_sense
        if running is not None and running.is_active:
            session = session.sensed(True, now)
        self.session = session
        messages += [self._session("start", session, now), self.state_message(now)]
        power = node.devices.power()
        if power is not None:
            power.on()
        node.latencies_s.append(time.perf_counter() - read_at)
        node.devices.feedback.yes()
        node.devices.feedback.steady(True)
        if start.window is not None:
            self.window = start.window
            log.info("trainer #%s may induct someone on %s until %s", start.member_id,
                     start.window.skill, start.window.until.isoformat())
        node.record(messages, {SESSION_KEY: session.to_json()})

    def _end(self, now: datetime, reason: EndReason, messages: list[Message] | None = None) -> None:
        session = self.session
        if session is None:
            return
        self.session = None
        ending = [*(messages or []), self._session("stop", session, now, end_reason=reason),
                  self.state_message(now)]
        power = self.node.devices.power()
        if power is not None:
            power.off()
        self.node.devices.feedback.steady(False)
        node = self.node
        sensed = node.devices.running_sense is not None
        cents = price_session(self._resource.pricing, session.active_seconds_at(now, sensed=sensed)).cents
        if cents > 0:  # off the balance until the hub's own price arrives in a snapshot
            node.set_overrides(node.overrides.charged(session.member_id, cents,
                                                      int(now.timestamp() * 1000)))
        node.record(ending, {SESSION_KEY: None, OVERRIDES_KEY: node.overrides.to_json()})
        log.info("session %s of member #%s ended (%s)", session.session_id, session.member_id,
                 reason)

    def _session(self, action: SessionAction, session: MachineSession, now: datetime, *,
                 end_reason: EndReason | None = None) -> Message:
        sensed = self.node.devices.running_sense is not None
        return self.node.out.session(action, session, now, sensed=sensed, end_reason=end_reason)

    # --- time ---------------------------------------------------------------------------------
    def next_wake(self) -> datetime | None:
        return self.session.next_wake() if self.session else None

    def on_time(self, now: datetime) -> None:
        outcome = on_time(self.session, now)
        if isinstance(outcome, End):
            assert self.session is not None
            log.info("session %s reached its maximum duration: power off", self.session.session_id)
            self._end(now, outcome.reason)
        elif isinstance(outcome, Warn):
            assert self.session is not None
            self.node.devices.feedback.warning()
            self.session = replace(self.session, warned=True)
            self.node.record([], {SESSION_KEY: self.session.to_json()})

    # --- the button, the running sense, commands ----------------------------------------------
    def press(self, held: bool, now: datetime) -> None:
        if held:
            self._mark_out_of_service(now, "button")

    def input_changed(self, name: str, active: bool, now: datetime) -> None:
        if name == "running" and self.session is not None:
            self.session = self.session.sensed(active, now)
            self.node.record([], {SESSION_KEY: self.session.to_json()})

    def service(self, command: ServiceCommand, now: datetime) -> None:
        if command.out_of_service:
            self._mark_out_of_service(now, "admin")
        else:
            self.node.record(self._set_service(False, now, None, "admin"),
                             {OVERRIDES_KEY: self.node.overrides.to_json()})

    def leave(self, now: datetime) -> None:
        log.warning("%s is no longer this node's resource: its session ends", self._resource.name)
        self._end(now, "admin")

    def stop_session(self, command: StopSessionCommand, now: datetime) -> None:
        log.info("session stopped by %s", command.actor)
        self._end(now, "admin")

    def _mark_out_of_service(self, now: datetime, source: ServiceSource) -> None:
        self._end(now, "out_of_service")
        self.node.record(self._set_service(True, now, None, source),
                         {OVERRIDES_KEY: self.node.overrides.to_json()})
        self.node.devices.feedback.warning()

    def _set_service(self, out_of_service: bool, now: datetime, member_id: int | None,
                     source: ServiceSource) -> list[Message]:
        node = self.node
        node.set_overrides(node.overrides.serviced(out_of_service))
        log.warning("%s marked %s by %s", self._resource.name,
                    "out of service" if out_of_service else "back in service", source)
        return [node.out.service(resource=self._resource.name, out_of_service=out_of_service,
                                 member_id=member_id, source=source, now=now),
                self.state_message(now)]

    def state_message(self, now: datetime) -> Message:
        snapshot = self.node.snapshot
        broken = snapshot is not None and self._resource.name in snapshot.out_of_service
        return self.node.out.machine_state(resource=self._resource.name, now=now,
                                           session=self.session, out_of_service=broken)
