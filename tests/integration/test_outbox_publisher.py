"""The outbox publisher against a real mosquitto: nothing lost, through an outage."""

import threading
import time
import uuid
from datetime import UTC, datetime

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from access.bus.client import make_client
from access.bus.outbox import Outbox
from access.bus.publisher import OutboxPublisher
from access.bus.schemas import TapEvent, decode, encode
from access.bus.topics import Topics

TOPICS = Topics("test")


class Collector:
    """A durable subscriber (clean_session=False) that records every tap it receives.

    ``received`` holds first deliveries only. A message the broker delivers again (its DUP flag
    set: the broker restarted before our acknowledgement reached it) is QoS 1 doing its job and goes
    to ``redelivered``; a second copy that the *publisher* sent would arrive as a first delivery."""

    def __init__(self, broker):
        self.received: list[TapEvent] = []
        self.redelivered: list[TapEvent] = []
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="collector",
                                  clean_session=False)
        self.client.on_connect = lambda c, u, f, r, p: c.subscribe(TOPICS.all_taps, qos=1)
        self.client.on_subscribe = lambda c, u, mid, reasons, p: self.ready.set()  # in place now
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(0.1, 0.5)
        self.client.connect_async(broker.host, broker.port)
        self.client.loop_start()
        assert self.ready.wait(10)

    def _on_message(self, client, userdata, message):
        with self.lock:
            (self.redelivered if message.dup else self.received).append(
                decode(TapEvent, message.payload))

    def wait_for(self, count, timeout_s=20.0):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                if len({e.event_id for e in self.received}) >= count:
                    return
            time.sleep(0.02)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def tap_builder(seq: int) -> bytes:
    return encode(TapEvent(event_id=uuid.uuid4(), ts=datetime.now(UTC), node="entrance",
                           seq=seq, resource="front-door", card="cd" * 32))


def wait_until(condition, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not condition():
        time.sleep(0.02)
    return condition()


@pytest.fixture
def wired(broker, tmp_path):
    """A collector, an outbox and its running publisher, all closed after the test."""
    collector = Collector(broker)
    outbox = Outbox(tmp_path / "outbox.db")
    publisher = OutboxPublisher(make_client(broker.url, "node-entrance"), outbox)
    publisher.start()
    yield collector, outbox, publisher
    publisher.stop()
    collector.close()
    outbox.close()


def test_events_reach_the_broker_in_order_and_leave_the_outbox(wired):
    collector, outbox, publisher = wired
    for _ in range(200):
        outbox.append(TOPICS.node_tap("entrance"), tap_builder)
        publisher.kick()
    collector.wait_for(200)
    assert wait_until(lambda: len(outbox) == 0)
    seqs = [e.seq for e in collector.received]
    assert len(set(seqs)) == 200
    assert seqs == sorted(seqs)


def test_broker_outage_loses_nothing_and_delivers_each_event(wired, broker):
    collector, outbox, publisher = wired
    for _ in range(50):
        outbox.append(TOPICS.node_tap("entrance"), tap_builder)
    publisher.kick()
    collector.wait_for(50)
    broker.stop()
    for _ in range(100):  # taps during the outage
        outbox.append(TOPICS.node_tap("entrance"), tap_builder)
        publisher.kick()
    time.sleep(0.5)
    assert len(outbox) >= 100  # kept on disk while the broker is away
    broker.start()
    collector.wait_for(150, timeout_s=60)
    assert wait_until(lambda: len(outbox) == 0, timeout_s=30)
    assert len(collector.received) == 150  # each once: nothing resent twice by us and paho
    assert sorted({e.seq for e in collector.received}) == list(range(1, 151))
    assert {e.event_id for e in collector.redelivered} <= {e.event_id for e in collector.received}
