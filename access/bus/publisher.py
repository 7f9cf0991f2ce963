"""Drains an ``Outbox`` to the broker: QoS 1; a row leaves the queue only on its PUBACK (and an
event leaves the file only on the hub's receipt, ``Outbox.receipted``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import paho.mqtt.client as mqtt

from access.bus.outbox import OutboxItem

log = logging.getLogger(__name__)
RETRY_S = 1.0


class Drainable(Protocol):
    """What the publisher drains: an ``Outbox``, or the node's ``Recorder`` in front of one."""

    def pending(self, limit: int = 1000, after: int = 0) -> list[OutboxItem]: ...
    def brokered(self, seqs: Sequence[int]) -> None: ...
    def resend_unreceipted(self) -> int: ...


class OutboxPublisher:
    """Publishes what the outbox holds, oldest first, whenever the broker is reachable.

    Call ``kick()`` after appending to the outbox. A message handed to paho stays in paho's
    own queue until its PUBACK, and paho resends it after a reconnection (QoS 1, DUP flag), so
    the publisher does not resend it itself: within one process each event is published once
    (twice only if a PUBACK is lost on the wire). After a restart, paho's queue is gone and the
    outbox is sent again from its oldest row; the hub ignores duplicates by ``event_id``.

    ``window`` bounds the messages in flight, so a backlog of hours after an outage is sent
    in order without holding it all in memory. An error of the outbox (a full or read-only
    disk) never stops it: it logs, waits a second and goes on.
    """

    def __init__(self, client: mqtt.Client, outbox: Drainable, *, window: int = 500,
                 on_connected: Callable[[mqtt.Client], None] | None = None) -> None:
        self.client = client
        self.on_connected = on_connected
        self.outbox = outbox
        self.window = window
        self._lock = threading.Lock()
        self._inflight: dict[int, int] = {}  # mid -> seq
        self._early: set[int] = set()  # PUBACKs that beat publish() returning
        self._early_refused: set[int] = set()
        self._refused: set[int] = set()  # refused by the broker: kept, sent again on reconnection
        self._acked: list[int] = []  # acknowledged, not yet deleted from the outbox
        self._sent_up_to = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-publisher", daemon=True)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_publish

    def start(self) -> None:
        self.client.loop_start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        self.client.disconnect()
        self.client.loop_stop()

    def kick(self) -> None:
        self._wake.set()

    @property
    def alive(self) -> bool:
        """Its thread runs (the watchdog asks)."""
        return self._thread.is_alive()

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any,
                    properties: Any) -> None:
        if reason.is_failure:
            log.warning("broker refused the connection: %s", reason)
            return
        if not getattr(flags, "session_present", True):
            self.resend_unreceipted("the broker kept no session for this node")
        with self._lock:
            if self._refused:  # try what the broker refused again, from the oldest
                self._sent_up_to = min(self._sent_up_to, min(self._refused) - 1)
                self._refused.clear()
        self._connected.set()
        if self.on_connected is not None:
            self.on_connected(client)  # subscribe, say "online": on every (re)connection
        self._wake.set()

    def resend_unreceipted(self, why: str) -> None:
        """Send again the events the broker took and the hub never receipted (the hub said
        hello, or the broker lost its state): the hub drops what it already has."""
        try:
            count = self.outbox.resend_unreceipted()
        except Exception as error:  # the disk: the next hello tries again
            log.error("cannot requeue unreceipted events (%s)", error)
            return
        if count:
            log.warning("%s: sending again %d event(s) the hub has not receipted", why, count)
            with self._lock:
                self._sent_up_to = 0
            self._wake.set()

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any,
                       properties: Any) -> None:
        self._connected.clear()
        log.info("broker connection lost (%s); events stay in the outbox", reason)

    def _on_publish(self, client: mqtt.Client, userdata: Any, mid: int, reason: Any,
                    properties: Any) -> None:
        refused = bool(getattr(reason, "is_failure", False))  # MQTT v5: the broker said no
        with self._lock:
            seq = self._inflight.pop(mid, None)
            if seq is None:
                (self._early_refused if refused else self._early).add(mid)
                return
            if refused:
                self._refused.add(seq)
            else:
                self._acked.append(seq)  # deleted in batches by the publisher thread
        if refused:
            log.error("the broker refused event seq %d (%s): it stays in the outbox and is sent again "
                      "at the next connection; check the broker's ACL (seuil mqtt setup)", seq, reason)
        self._wake.set()

    def _run(self) -> None:
        failing = False
        while not self._stop.is_set():
            self._wake.wait(timeout=1.0)
            self._wake.clear()
            try:
                self._forget_acknowledged()
                if self._connected.is_set():
                    self._drain()
            except Exception as error:  # the disk, most likely: never die of it
                if not failing:
                    log.error("the publisher cannot use the outbox (%s); retrying", error)
                failing = True
                self._stop.wait(RETRY_S)
                self._wake.set()
            else:
                failing = False
        try:
            self._forget_acknowledged()
        except Exception as error:
            log.warning("acknowledged events stay in the outbox (%s): sent again next time", error)

    def _forget_acknowledged(self) -> None:
        with self._lock:
            acked, self._acked = self._acked, []
        try:
            self.outbox.brokered(acked)
        except BaseException:
            with self._lock:
                self._acked = acked + self._acked  # deleted at the next try
            raise

    def _drain(self) -> None:
        while self._connected.is_set() and not self._stop.is_set():
            with self._lock:
                room = self.window - len(self._inflight)
                after = self._sent_up_to
            if room <= 0:
                return
            items = self.outbox.pending(limit=room, after=after)
            if not items:
                return
            for item in items:
                info = self.client.publish(item.topic, item.payload, qos=item.qos,
                                           retain=item.retain)
                if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
                    log.warning("paho refused seq %d (%s); retrying later", item.seq, info.rc)
                    return
                # NO_CONN: paho queued it and sends it on reconnection, like an in-flight one
                with self._lock:
                    self._sent_up_to = item.seq
                    if info.mid in self._early:
                        self._early.discard(info.mid)
                        self._acked.append(item.seq)
                    elif info.mid in self._early_refused:
                        self._early_refused.discard(info.mid)
                        self._refused.add(item.seq)
                    else:
                        self._inflight[info.mid] = item.seq
            self._forget_acknowledged()
