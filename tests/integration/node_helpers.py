"""A running node against a real mosquitto, mock pins and a clock the test moves."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
from gpiozero.pins.mock import MockFactory
from paho.mqtt.enums import CallbackAPIVersion

from access.hardware.reader import FakeReader
from access.node.runner import NodeRunner

# Pins of the test nodes (active high, so "on" reads True).
RELAY, LED, BUZZER, BUTTON, CONTACT, SENSE = 17, 27, 22, 23, 24, 25

NODES_TOML = f"""
[nodes.entrance]
reader = "fake"
unlock_seconds = 0.4
relay = {{ pin = {RELAY} }}
led = {{ pin = {LED} }}
buzzer = {{ pin = {BUZZER} }}
button = {{ pin = {BUTTON} }}
door_contact = {{ pin = {CONTACT} }}

[nodes.printer]
reader = "fake"
relay = {{ pin = {RELAY} }}
led = {{ pin = {LED} }}
buzzer = {{ pin = {BUZZER} }}
button = {{ pin = {BUTTON} }}
long_press_seconds = 0.5
training_window_seconds = 30

[nodes.sewing]
reader = "fake"
relay = {{ pin = {RELAY} }}
"""

UIDS = {"ada": "A1000001", "bob": "B2000002", "grace": "C3000003", "root": "D4000004",
        "stranger": "E5000005"}


def use_test_nodes(site_dir: Path) -> None:
    """Replace the sample's [nodes.*] with the test pins."""
    config = site_dir / "seuil.toml"
    text = config.read_text()
    config.write_text(text[: text.index("# One [nodes.<id>]")] + NODES_TOML)


def makers_at_any_hour(site_dir: Path) -> None:
    """Members may use the machines 24/7: for node processes on the real clock."""
    from tests.integration.cli_helpers import run

    rules = site_dir / "rules.toml"
    text = rules.read_text()
    cut = text.index('name = "makers"')
    rules.write_text(text[:cut] + text[cut:].replace('schedule = "volunteer-hours"',
                                                      'schedule = "always"'))
    assert run("rules", "apply").code == 0
    assert run("snapshot", "publish").code == 0


def next_wednesday_10am() -> datetime:
    paris = ZoneInfo("Europe/Paris")
    day = datetime.now(paris).date() + timedelta(days=1)
    while day.weekday() != 2:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=paris).astimezone(UTC)


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> None:
        with self._lock:
            self._now += timedelta(**delta)


def wait_until(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return bool(condition())


@dataclass
class Received:
    topic: str
    payload: bytes
    retain: bool


@dataclass
class Watcher:
    """Everything published under the site's topics, as a hub would see it."""

    url_host: str
    port: int
    pattern: str
    messages: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        ready = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"watcher-{id(self)}",
                                  clean_session=False)
        self.client.on_connect = lambda c, u, f, r, p: c.subscribe(self.pattern, qos=1)
        self.client.on_subscribe = lambda c, u, mid, reasons, p: ready.set()  # in place from now on
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(0.1, 0.5)
        self.client.connect_async(self.url_host, self.port)
        self.client.loop_start()
        assert ready.wait(10)

    def _on_message(self, client, userdata, message) -> None:
        if message.dup:  # the broker, restarted, delivering again what we had not acknowledged:
            return  # QoS 1 doing its job, not a second copy from the node
        with self.lock:
            self.messages.append(Received(message.topic, bytes(message.payload), message.retain))

    def on(self, suffix: str) -> list[bytes]:
        with self.lock:
            return [m.payload for m in self.messages if m.topic.endswith(suffix)]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class NodeUnderTest:
    """A ``NodeRunner`` with mock pins, a fake reader and a fake clock."""

    def __init__(self, config, node_id: str, clock: FakeClock, *, reader=None,
                 on_socket: bool = False, factory: MockFactory | None = None) -> None:
        """``on_socket``: the production FakeReader, tapped by `seuil tap` through its socket."""
        self.factory = factory or MockFactory()
        if reader is None and not on_socket:
            reader = FakeReader()
        self.runner = NodeRunner(config, node_id, pin_factory=self.factory, clock=clock,
                                 reader=reader)
        self.reader = self.runner.reader
        self.core = self.runner.core
        self.clock = clock

    def start(self, *, want_snapshot: bool = True) -> NodeUnderTest:
        self.runner.start()
        if want_snapshot:
            assert wait_until(lambda: self.core.base is not None), "no snapshot reached the node"
        return self

    def tap(self, who: str) -> None:
        self.reader.tap(UIDS.get(who, who))
        assert self.core.sync()

    def pin(self, number: int):
        return self.factory.pin(number)

    def is_on(self, number: int) -> bool:
        return bool(self.pin(number).state)

    def advance(self, **delta: float) -> None:
        self.clock.advance(**delta)
        assert self.core.sync()

    def stop(self) -> None:
        self.runner.stop()
