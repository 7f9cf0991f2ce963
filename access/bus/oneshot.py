"""Short MQTT conversations for the CLI: publish and wait for the PUBACK, or wait for one tap."""

from __future__ import annotations

import queue
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from access.bus.client import MqttLogin, authenticate, tls_problem
from access.bus.schemas import PayloadError, TapEvent, decode
from access.errors import Unavailable

CONNECT_TIMEOUT_S = 5.0


def _connect(url: str, login: MqttLogin | None, name: str) -> mqtt.Client:
    """A clean session. Signed in with its own login, the CLI uses that login's one client id
    (the broker allows no other); without one, a name of its own."""
    own_id = login is not None and login.client_id == login.username != ""
    client_id = login.client_id if login is not None and own_id else \
        f"seuil-cli-{name}-{uuid.uuid4().hex[:8]}"
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
    host, port = authenticate(client, url, login.username if login else "",
                              login.password if login else "", login.ca_file if login else "")
    connected: queue.Queue[Any] = queue.Queue()
    client.on_connect = lambda c, u, f, reason, p: connected.put(reason)
    if url.startswith("mqtts:") and (problem := tls_problem(host, port, login.ca_file if login else "")):
        raise Unavailable(f"TLS to the MQTT broker at {host}:{port} failed: {problem}",
                          hint="[mqtt] ca_file must be the site CA (tls/ca.pem) and the url's host a "
                               "name of the broker's certificate (seuil mqtt setup --tls --tls-host)")
    try:
        client.connect(host, port, keepalive=30)
    except OSError as error:
        raise Unavailable(f"cannot reach the MQTT broker at {host}:{port}: {error.strerror or error}",
                          hint="is mosquitto running? `systemctl status mosquitto`") from None
    client.loop_start()
    try:
        reason = connected.get(timeout=CONNECT_TIMEOUT_S)
    except queue.Empty:
        reason = None
    if reason is None or reason.is_failure:
        client.loop_stop()
        raise Unavailable(f"the MQTT broker at {host}:{port} refused the connection ({reason})",
                          hint="check [mqtt] username and password_file in seuil.toml")
    return client


def publish(url: str, messages: Sequence[tuple[str, bytes]], *, retain: bool = False,
            login: MqttLogin | None = None, timeout_s: float = 10.0) -> None:
    """Publish with QoS 1 and return once the broker has acknowledged every message."""
    client = _connect(url, login, "publish")
    try:
        infos = [client.publish(topic, payload, qos=1, retain=retain) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(timeout=timeout_s)
            if not info.is_published():
                raise Unavailable("the broker did not acknowledge in time; try again")
    finally:
        client.disconnect()
        client.loop_stop()


def wait_for_tap(url: str, topic: str, *, timeout_s: float, login: MqttLogin | None = None,
                 ready: Callable[[], None] = lambda: None) -> TapEvent:
    """The next tap published on ``topic`` (a node's tap topic) within ``timeout_s``.

    ``ready()`` is called once the broker confirmed the subscription: only then may the person
    tap (a tap before it would be missed), so that is when to ask them.
    """
    taps: queue.Queue[bytes] = queue.Queue()
    client = _connect(url, login, "tap")
    client.on_message = lambda c, u, message: taps.put(bytes(message.payload))
    subscribed: queue.Queue[int] = queue.Queue()
    client.on_subscribe = lambda c, u, mid, reasons, p: subscribed.put(mid)
    try:
        client.subscribe(topic, qos=1)
        try:
            subscribed.get(timeout=CONNECT_TIMEOUT_S)
        except queue.Empty:
            raise Unavailable("the broker did not confirm the subscription in time; try again") from None
        ready()
        while True:
            try:
                raw = taps.get(timeout=timeout_s)
            except queue.Empty:
                raise Unavailable(f"no card was tapped within {timeout_s:g} s",
                                  hint="is the node running? `seuil node --node ID`") from None
            try:
                return decode(TapEvent, raw)
            except PayloadError:
                continue
    finally:
        client.disconnect()
        client.loop_stop()
