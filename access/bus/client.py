"""paho-mqtt, configured once: VERSION2 callbacks, reconnect forever, optional last will."""

from __future__ import annotations

from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

KEEPALIVE_S = 30


def make_client(url: str, client_id: str, *, username: str = "", password: str = "",
                will: tuple[str, bytes] | None = None) -> mqtt.Client:
    """A client for ``mqtt://host:port`` (``mqtts://`` for TLS); call ``connect_async`` next.

    ``will`` is ``(topic, payload)``, published retained by the broker if we vanish.
    """
    parsed = urlparse(url)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         clean_session=False)
    if parsed.scheme == "mqtts":
        client.tls_set()
    if username:
        client.username_pw_set(username, password or None)
    if will is not None:
        client.will_set(will[0], will[1], qos=1, retain=True)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    client.connect_async(parsed.hostname or "127.0.0.1",
                         parsed.port or (8883 if parsed.scheme == "mqtts" else 1883),
                         keepalive=KEEPALIVE_S)
    return client
