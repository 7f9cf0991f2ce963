"""What a node's resource does with taps, buttons, inputs, commands and time.

The core picks one behaviour when the snapshot names the node's resource (a door, a machine,
or nothing yet) and hands it every event, instead of asking the resource's kind each time.
The base class is the node with no resource: every tap is refused, everything else ignored.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from access.bus.outbox import Message
from access.bus.schemas import ServiceCommand, StopSessionCommand, UnlockCommand
from access.domain.decide import Decision, Reason

if TYPE_CHECKING:
    from access.node.core import NodeCore

log = logging.getLogger(__name__)


class Behaviour:
    """A node whose snapshot does not name its resource (yet): it refuses every card."""

    def __init__(self, node: NodeCore) -> None:
        self.node = node

    @property
    def resource_name(self) -> str:
        return self.node.resource.name if self.node.resource else self.node.node_id

    @property
    def running(self) -> bool:
        """A session runs: the relay must stay on when the node stops."""
        return False

    def claim(self) -> None:
        """Claim the relay in its safe state (once the resource is known)."""

    def leave(self, now: datetime) -> None:
        """A new snapshot no longer names this resource: stop what runs."""

    def tap(self, card: str, now: datetime, read_at: float) -> Decision:
        """Decide, act, record; the decision is returned for the node's log."""
        decision = Decision(False, Reason.UNKNOWN_RESOURCE, self.resource_name)
        messages = self.tap_messages(card, decision, now)
        self.node.devices.feedback.no()
        self.node.record(messages)
        log.warning("a card was read but this node has no snapshot for its resource yet")
        return decision

    def press(self, held: bool, now: datetime) -> None:
        """The button: a short press, or one ``held`` past ``long_press_seconds``."""

    def input_changed(self, name: str, active: bool, now: datetime) -> None:
        """The door contact or the running sense changed."""

    def unlock(self, command: UnlockCommand, now: datetime) -> None:
        log.info("ignored an unlock command: %s is not a door", self.resource_name)

    def service(self, command: ServiceCommand, now: datetime) -> None:
        log.info("ignored a service command: %s is not a machine", self.resource_name)

    def stop_session(self, command: StopSessionCommand, now: datetime) -> None:
        log.info("ignored a stop-session command: %s is not a machine", self.resource_name)

    def next_wake(self) -> datetime | None:
        """When :meth:`on_time` must run next (None: no timer)."""
        return None

    def on_time(self, now: datetime) -> None:
        """The clock moved on (called after every event and at :meth:`next_wake`)."""

    def state_message(self, now: datetime) -> Message | None:
        """The retained state of the resource, as it is now."""
        return None

    def tap_messages(self, card: str, decision: Decision, now: datetime) -> list[Message]:
        base = self.node.base
        return self.node.out.tap(resource=self.resource_name, card=card, decision=decision,
                                 snapshot_version=base.version if base else 0, now=now)
