"""``seuil node --node ID``: the composition root of one node (reader, pins, worker, MQTT)."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

import paho.mqtt.client as mqtt

from access.bus.client import make_client, mqtt_login
from access.bus.publisher import OutboxPublisher
from access.bus.schemas import NodeStatus, PayloadError, Receipt, decode, encode
from access.bus.topics import Topics
from access.config import Config
from access.hardware.reader import Reader
from access.lifecycle import run_until_signalled
from access.node.clock import Clock
from access.node.core import NodeCore
from access.node.devices import NodeDevices, keeper_socket_path, open_reader, tap_socket_path
from access.node.events import ButtonPressed, CommandArrived, InputChanged, SnapshotArrived
from access.node.recorder import Recorder
from access.node.snapshot_file import SnapshotFile

log = logging.getLogger(__name__)
ALIVE_TIMEOUT_S = 5.0
"""The worker must answer the watchdog's probe within this (it handles a tap in milliseconds)."""


class NodeRunner:
    """Everything one node runs. ``start()``, then ``stop()`` (or ``run_forever()``)."""

    def __init__(self, config: Config, node_id: str, *, pin_factory: Any = None,
                 clock: Clock | None = None, reader: Reader | None = None) -> None:
        settings = config.node(node_id)
        self.node_id = node_id
        self.topics = Topics(config.site.id)
        data_dir = config.data_dir
        with contextlib.suppress(OSError):  # a read-only card: the node runs all the same
            data_dir.mkdir(parents=True, exist_ok=True)
        self.outbox = Recorder(data_dir / f"node-{node_id}.outbox.db",
                               on_change=self._publish_online)
        self.devices = NodeDevices(settings, pin_factory=pin_factory,
                                   keeper_socket=keeper_socket_path(config, node_id))
        offline = encode(NodeStatus(node=node_id, state="offline"))
        login = mqtt_login(config, f"node-{node_id}")
        self.client = make_client(config.mqtt.url, login.client_id,
                                  username=login.username, password=login.password,
                                  mqtt5=config.mqtt.protocol == 5, ca_file=login.ca_file,
                                  will=(self.topics.node_status(node_id), offline))
        self.client.on_message = self._on_message
        self.publisher = OutboxPublisher(self.client, self.outbox, on_connected=self._on_connected)
        self.core = NodeCore(
            node_id=node_id, site_id=config.site.id, settings=settings,
            secret=config.read_secret(), outbox=self.outbox,
            snapshot_file=SnapshotFile(data_dir / f"node-{node_id}.snapshot.json"),
            devices=self.devices, clock=clock, on_record=self.publisher.kick,
            on_snapshot=self._publish_online)
        self.reader = reader or open_reader(settings, tap_socket_path(config, node_id))
        self._stopped = False

    def start(self) -> None:
        put = self.core.queue.put
        self.core.load()  # relays to their safe state, a running session kept on
        self.devices.watch(on_press=lambda: put(ButtonPressed(held=False)),
                           on_hold=lambda: put(ButtonPressed(held=True)),
                           on_door=lambda closed: put(InputChanged("door", closed)),
                           on_running=lambda running: put(InputChanged("running", running)))
        if self.devices.door_contact is not None:
            put(InputChanged("door", self.devices.door_contact.is_active))
        self.core.start()
        tap = self.core.tap
        self.reader.start(lambda uid: tap(uid, time.perf_counter()))  # decided on its thread
        self.publisher.start()
        log.info("node %s started (%r)", self.node_id, self.reader)

    def _on_connected(self, client: mqtt.Client) -> None:
        client.subscribe([(self.topics.node_snapshot(self.node_id), 1),
                          (self.topics.node_commands(self.node_id), 1),
                          (self.topics.node_receipt(self.node_id), 1)])
        self._publish_online()

    def _publish_online(self) -> None:
        """Retained: online, with the snapshot version in use (again after each new snapshot)."""
        if self.client.is_connected():
            self.client.publish(self.topics.node_status(self.node_id),
                                encode(self.core.status("online")), qos=1, retain=True)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        # paho's thread: only enqueue; the worker validates and acts.
        parsed = self.topics.parse(message.topic)
        if message.topic == self.topics.node_snapshot(self.node_id):
            self.core.queue.put(SnapshotArrived(bytes(message.payload)))
        elif parsed is not None and parsed.area == "cmd" and parsed.node == self.node_id:
            self.core.queue.put(CommandArrived(parsed.leaf, bytes(message.payload)))
        elif message.topic == self.topics.node_receipt(self.node_id):
            self._receipt(bytes(message.payload))
        else:
            log.warning("ignored a message on %s", message.topic)

    def _receipt(self, raw: bytes) -> None:
        """The hub has these events: forget them; or it said hello: send what it never receipted.
        On paho's thread: a few SQLite statements, no relay is waiting on them."""
        try:
            receipt = decode(Receipt, raw)
        except PayloadError as error:
            log.warning("ignored a receipt: %s", error)
            return
        try:
            self.outbox.receipted(receipt.ranges)
        except Exception as error:  # a full or read-only card: they are sent again, harmless
            log.warning("cannot forget receipted events (%s)", error)
        if receipt.hello:
            self.publisher.resend_unreceipted("the hub started")

    def stop(self) -> None:
        """Stop everything; a running machine stays on. Calling it twice is harmless."""
        if self._stopped:
            return
        self._stopped = True
        self.reader.close()
        self.core.stop()
        if self.client.is_connected():
            info = self.client.publish(self.topics.node_status(self.node_id),
                                       encode(self.core.status("offline")), qos=1, retain=True)
            with contextlib.suppress(RuntimeError, ValueError):
                info.wait_for_publish(timeout=2)
        self.publisher.stop()
        running = self.core.running
        if running:
            log.info("stopping with a session running: the machine stays on")
        self.devices.close(keep_power=running)
        self.outbox.close()

    def run_forever(self) -> None:
        """Run until SIGTERM or SIGINT (systemd stop, Ctrl-C)."""
        run_until_signalled(self.start, self.stop, alive=self.alive)

    def alive(self) -> bool:
        """Every thread that must live does: the worker answers, the publisher runs, and the
        reader's thread, where taps are decided, still reads."""
        return self.reader.alive and self.publisher.alive and self.core.sync(ALIVE_TIMEOUT_S)
