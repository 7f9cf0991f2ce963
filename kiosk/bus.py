"""The kiosk's MQTT link: the entrance's decisions, node statuses and machine states in,
door unlock commands out. paho runs its own thread; everything reaches the GUI thread as
queued Qt signals.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from access.bus.client import make_client
from access.bus.schemas import (
    BackupStatus,
    DecisionEvent,
    NodeStatus,
    PayloadError,
    ResourceState,
    UnlockCommand,
    decode,
    encode,
)
from access.bus.topics import Topics

log = logging.getLogger(__name__)


class KioskBus(QObject):
    decision = Signal(object)  # DecisionEvent
    node_status = Signal(str, str)  # node, online/offline/not-recording
    resource_state = Signal(object)  # ResourceState
    backup_status = Signal(object)  # BackupStatus: the hub's word on the off-site copy
    connected = Signal(bool)

    def __init__(self, url: str, site_id: str, entrance: str, *, username: str = "", password: str = "",
                 client_id: str | None = None, ca_file: str = "") -> None:
        super().__init__()
        self.topics = Topics(site_id)
        self.entrance = entrance
        self.client = make_client(url, client_id or f"seuil-{site_id}-kiosk", username=username,
                                  password=password, persistent=False, ca_file=ca_file)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self._decisions = self.topics.node_decision(entrance)
        self._states = self.topics.all_states
        self._subscription: int | None = None
        self.is_connected = False
        """True once the broker has acknowledged the kiosk's subscriptions: from then on, a
        decision the entrance publishes reaches the kiosk (before, it could be lost unseen)."""

    def start(self) -> None:
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            log.warning("the broker refused the kiosk: %s", reason)
            return
        _, self._subscription = client.subscribe([(self._decisions, 1), (self.topics.all_statuses, 1),
                                                  (self._states, 1), (self.topics.hub_backup, 1)])

    def _on_subscribe(self, client: Any, userdata: Any, mid: int, reasons: Any, properties: Any) -> None:
        if mid != self._subscription:
            return
        refused = [str(reason) for reason in reasons if reason.is_failure]
        if refused:
            log.warning("the broker refused some of the kiosk's subscriptions: %s", ", ".join(refused))
        self.is_connected = True
        self.connected.emit(True)

    def _on_disconnect(self, *_: Any) -> None:
        self.is_connected = False
        self._subscription = None
        self.connected.emit(False)

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        topic, raw = message.topic, bytes(message.payload)
        try:
            parsed = self.topics.parse(topic)
            if topic == self._decisions:
                self.decision.emit(decode(DecisionEvent, raw))
            elif topic == self.topics.hub_backup:
                self.backup_status.emit(decode(BackupStatus, raw))
            elif parsed is not None and parsed.area == "node" and parsed.node:
                if parsed.leaf == "status":
                    self.node_status.emit(parsed.node, _status(raw))
                elif parsed.leaf == "state":
                    self.resource_state.emit(decode(ResourceState, raw))
        except PayloadError as error:
            log.warning("ignored a message on %s: %s", topic, error)

    def unlock(self, actor: str) -> datetime | None:
        """Ask the entrance node to open the door: when the command was issued, or None when the
        broker is not there. The door is open once the node's state says so (``resource_state``)."""
        if not self.is_connected:
            return None
        issued = datetime.now(UTC)
        info = self.client.publish(self.topics.command(self.entrance, "unlock"),
                                   encode(UnlockCommand(actor=actor, issued_at=issued)), qos=1)
        return issued if info.rc == 0 else None


def _status(raw: bytes) -> str:
    """A node's retained status (its last will says offline); unreadable counts as offline.
    ``not-recording``: online, deciding, but its disk refuses the events (full, read-only)."""
    try:
        status = decode(NodeStatus, raw)
    except PayloadError:
        return "offline"
    return "not-recording" if status.state == "online" and not status.recording else status.state
