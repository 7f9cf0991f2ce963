"""A site secured as `seuil mqtt setup` does it, on a real mosquitto, and a bare MQTT client."""

from __future__ import annotations

import queue
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.integration.cli_helpers import run
from tests.integration.node_helpers import wait_until
from tests.support.broker import Broker, free_port


class Client:
    """An MQTT 3.1.1 client, as Seuil's programs are. The ACL shows in what is delivered: mosquitto
    grants every subscription and filters at delivery. Surprise: mosquitto 2.0.11 answers a denied
    QoS 1 publish with a PUBACK carrying reason 135 even in MQTT 3.1.1, and paho then drops the
    connection and makes a new one; ``publish`` waits for it."""

    def __init__(self, port: int, username: str | None = None, password: str | None = None, *,
                 client_id: str | None = None, clean: bool = True) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2,
                                  client_id=client_id or f"t-{uuid.uuid4().hex[:8]}",
                                  clean_session=clean)
        self.disconnects: queue.Queue[object] = queue.Queue()
        self.client.on_disconnect = lambda c, u, f, reason, p: self.disconnects.put(reason)
        self.connack: queue.Queue[mqtt.ReasonCode] = queue.Queue()
        self.subacks: queue.Queue[int] = queue.Queue()
        self.messages: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self.client.on_connect = lambda c, u, f, reason, p: self.connack.put(reason)
        self.client.on_subscribe = lambda c, u, mid, reasons, p: self.subacks.put(mid)
        self.client.on_message = lambda c, u, m: self.messages.put((m.topic, bytes(m.payload)))
        if username is not None:
            self.client.username_pw_set(username, password)
        self.client.reconnect_delay_set(0.05, 0.2)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.accepted = not self.connack.get(timeout=5).is_failure

    def publish(self, topic: str, payload: bytes = b"{}", *, retain: bool = False) -> None:
        for _ in range(50):
            assert wait_until(self.client.is_connected, 5)
            info = self.client.publish(topic, payload, qos=1, retain=retain)
            if info.rc == mqtt.MQTT_ERR_SUCCESS:
                break
            time.sleep(0.05)  # the connection dropped after the previous, denied, publish
        info.wait_for_publish(5)
        assert info.is_published()

    def subscribe(self, topic: str) -> None:
        self.client.subscribe(topic, qos=1)
        self.subacks.get(timeout=5)

    def received(self, timeout_s: float = 1.0) -> list[str]:
        topics = []
        try:
            while True:
                topics.append(self.messages.get(timeout=timeout_s)[0])
                timeout_s = 0.3
        except queue.Empty:
            return sorted(topics)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def secured(tmp_path, monkeypatch):
    """A site made with --mqtt-passwords, `seuil mqtt setup` run, mosquitto started on its files."""
    site = tmp_path / "site"
    for variable in ("SEUIL_DATABASE_URL", "SEUIL_MQTT_URL"):
        monkeypatch.delenv(variable, raising=False)
    assert run("init", str(site), "--site-name", "La Ruche", "--mqtt-passwords").code == 0
    monkeypatch.setenv("SEUIL_CONFIG", str(site / "seuil.toml"))
    port = free_port()
    monkeypatch.setenv("SEUIL_MQTT_URL", f"mqtt://127.0.0.1:{port}")
    result = run("mqtt", "setup", str(tmp_path / "broker"), "--port", str(port))
    assert result.code == 0, result.err
    (tmp_path / "mosquitto").mkdir()
    broker = Broker(tmp_path / "mosquitto", include_dir=tmp_path / "broker", port=port)
    broker.start()
    clients: list[Client] = []

    def connect(role: str | None, password: str | None = None, **options) -> Client:
        if role is not None and password is None:
            password = (site / "mqtt" / role).read_text().strip()
        client = Client(port, role, password, **options)
        clients.append(client)
        return client

    connect.broker = broker  # type: ignore[attr-defined]  (a test may stop and start it)
    yield site, connect
    for client in clients:
        client.close()
    broker.stop()


