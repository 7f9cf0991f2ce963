"""A door: an allowed tap, the exit button or an unlock command pulses the strike."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from access.bus.outbox import Message
from access.bus.schemas import UnlockCommand
from access.domain.decide import Decision, decide
from access.node.behaviour import Behaviour

log = logging.getLogger(__name__)


class Door(Behaviour):
    """The strike relocks by its own timer (``DoorStrike``): even if the worker stalls."""

    def claim(self) -> None:
        self.node.devices.strike()

    def tap(self, card: str, now: datetime, read_at: float) -> Decision:
        node = self.node
        assert node.snapshot is not None
        decision = decide(card, self.resource_name, now, node.snapshot)
        messages = self.tap_messages(card, decision, now)
        if decision.allowed:
            messages.append(self._unlocked(now, node.settings.unlock_seconds))
            self._pulse(node.settings.unlock_seconds, read_at)
        else:
            node.devices.feedback.no()
        node.record(messages)
        return decision

    def press(self, held: bool, now: datetime) -> None:
        if not held:
            message = self._unlocked(now, self.node.settings.unlock_seconds)
            self._pulse(self.node.settings.unlock_seconds)
            self.node.record([message])

    def input_changed(self, name: str, active: bool, now: datetime) -> None:
        if name == "door":
            strike = self.node.devices.strike()
            unlocked = bool(strike and strike.is_unlocked)
            self.node.record([self._unlocked(now, self.node.settings.unlock_seconds) if unlocked
                              else self._locked(now)])

    def unlock(self, command: UnlockCommand, now: datetime) -> None:
        seconds = command.seconds or self.node.settings.unlock_seconds
        log.info("door unlocked by %s", command.actor)
        message = self._unlocked(now, seconds)
        self._pulse(seconds)
        self.node.record([message])

    def state_message(self, now: datetime) -> Message:
        return self._locked(now)

    def _pulse(self, seconds: float, read_at: float | None = None) -> None:
        strike = self.node.devices.strike()
        if strike is not None:
            strike.pulse(seconds)
        if read_at is not None:  # tap to relay: the figure bench_node measures
            self.node.latencies_s.append(time.perf_counter() - read_at)
        self.node.devices.feedback.yes()

    def _unlocked(self, now: datetime, seconds: float) -> Message:
        return self.node.out.door_state(resource=self.resource_name, now=now,
                                        unlocked_for_s=seconds, door_closed=self.node.door_closed)

    def _locked(self, now: datetime) -> Message:
        return self.node.out.door_state(resource=self.resource_name, now=now,
                                        unlocked_for_s=None, door_closed=self.node.door_closed)
