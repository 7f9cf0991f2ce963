"""The hub's MQTT connection, in a child process of its own.

paho-mqtt is pure Python: reading a message and acknowledging it costs about 100 µs of CPU,
as much as storing it. In one process both fight for one interpreter lock; in two, they run on
two cores (bench/bench_hub.py: 3,100 events/s in one process, 4,300-5,100 in two; see
docs/design.md for the later figures).

The child connects, subscribes and forwards what arrives in batches over a pipe; the parent
sends back acknowledgements (only once the events are committed) and messages to publish.
If the parent dies, the pipe closes and the child exits: the broker keeps what was not
acknowledged for the next hub. If the child dies, the parent starts another; acknowledgements
meant for the dead one's connection are dropped (the broker sends those messages again).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

log = logging.getLogger(__name__)

FORWARD_EVERY_S = 0.005
FORWARD_MAX = 500


class Received(NamedTuple):  # a tuple: cheap to pickle across the pipe, thousands a second
    topic: str
    payload: bytes
    mid: int
    qos: int
    epoch: int
    """Which child connection received it: an acknowledgement only makes sense on that one."""


@dataclass(frozen=True, slots=True)
class LinkSettings:
    url: str
    client_id: str
    username: str
    password: str
    subscriptions: tuple[tuple[str, int], ...]
    ca_file: str = ""


class BrokerLink:
    """The parent's side: ``start()``, then ``ack()``, ``publish()``; ``stop()`` at the end.

    ``on_messages`` and ``on_connected`` are called on the link's reader thread.
    """

    def __init__(self, settings: LinkSettings, *, on_messages: Callable[[list[Received]], None],
                 on_connected: Callable[[], None], on_subscribed: Callable[[], None]) -> None:
        self.settings = settings
        self.on_messages = on_messages
        self.on_connected = on_connected
        self.on_subscribed = on_subscribed
        self._context = multiprocessing.get_context("spawn")
        self._epoch = 0
        self._conn: Connection | None = None
        self._process: Any = None
        self._send_lock = threading.Lock()
        self._stopping = threading.Event()
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        self._spawn()

    def _spawn(self) -> None:
        self._epoch += 1
        parent, child = self._context.Pipe(duplex=True)
        self._process = self._context.Process(target=_child_main, args=(child, self.settings, self._epoch),
                                              name="seuil-hub-mqtt", daemon=True)
        self._process.start()
        child.close()
        self._conn = parent
        self._reader = threading.Thread(target=self._read, args=(parent, self._epoch),
                                        name="hub-link-reader", daemon=True)
        self._reader.start()

    def _read(self, conn: Connection, epoch: int) -> None:
        while True:
            try:
                kind, body = conn.recv()
            except (EOFError, OSError):
                break
            if kind == "messages":
                self.on_messages(body)
            elif kind == "connected":
                self.on_connected()
            elif kind == "subscribed":
                self.on_subscribed()
        if not self._stopping.is_set() and epoch == self._epoch:
            log.error("the MQTT process stopped; starting another")
            time.sleep(1.0)
            if not self._stopping.is_set():
                self._spawn()

    def _send(self, item: tuple[str, Any]) -> None:
        with self._send_lock:
            if self._conn is None:
                return
            try:
                self._conn.send(item)
            except (OSError, ValueError):
                log.warning("the MQTT process is gone; %s dropped", item[0])

    def ack(self, messages: list[Received]) -> None:
        """Acknowledge QoS 1 messages to the broker (those of the current connection)."""
        mids = [(m.mid, m.qos) for m in messages if m.qos > 0 and m.epoch == self._epoch]
        if mids:
            self._send(("ack", mids))

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        self._send(("publish", (topic, payload, retain)))

    def stop(self) -> None:
        self._stopping.set()
        self._send(("stop", None))
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
        if self._conn is not None:
            self._conn.close()


# --- the child process ------------------------------------------------------------------------

def _child_main(conn: Connection, settings: LinkSettings, epoch: int) -> None:
    # Ctrl-C reaches the whole process group: the parent stops this child in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from access.bus.client import make_client

    inbox: queue.Queue[Received] = queue.Queue()
    send_lock = threading.Lock()

    def send(item: tuple[str, Any]) -> None:
        with send_lock:
            conn.send(item)

    client = make_client(settings.url, settings.client_id, username=settings.username,
                         password=settings.password, manual_ack=True, ca_file=settings.ca_file)

    def on_connect(c: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if reason.is_failure:
            log.warning("the broker refused the hub: %s", reason)
            return
        c.subscribe(list(settings.subscriptions))
        send(("connected", None))

    client.on_connect = on_connect
    client.on_subscribe = lambda c, u, mid, reasons, p: send(("subscribed", None))
    client.on_message = lambda c, u, m: inbox.put(Received(m.topic, bytes(m.payload), m.mid, m.qos, epoch))
    stopping = threading.Event()

    def forward() -> None:
        # Batches over the pipe: one pickle per few hundred messages, not one per message.
        while not stopping.is_set():
            try:
                batch = [inbox.get(timeout=0.2)]
            except queue.Empty:
                continue
            deadline = time.monotonic() + FORWARD_EVERY_S
            while len(batch) < FORWARD_MAX:
                try:
                    batch.append(inbox.get(timeout=max(deadline - time.monotonic(), 0)))
                except queue.Empty:
                    break
            try:
                send(("messages", batch))
            except (OSError, ValueError):
                break

    threading.Thread(target=forward, name="forward", daemon=True).start()
    client.loop_start()
    try:
        while True:
            try:
                kind, body = conn.recv()
            except (EOFError, OSError):
                break  # the hub is gone: what it did not acknowledge stays with the broker
            if kind == "ack":
                for mid, qos in body:
                    client.ack(mid, qos)
            elif kind == "publish":
                topic, payload, retain = body
                client.publish(topic, payload, qos=1, retain=retain)
            elif kind == "stop":
                break
    finally:
        stopping.set()
        with contextlib.suppress(Exception):
            client.disconnect()
            client.loop_stop()
        os._exit(0)
