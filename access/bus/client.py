"""paho-mqtt, configured once: VERSION2 callbacks, reconnect forever, optional last will."""

from __future__ import annotations

import logging
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from access.config import Config

log = logging.getLogger(__name__)

KEEPALIVE_S = 30
SESSION_EXPIRY_S = 0xFFFFFFFF  # MQTT v5: the session never expires (a node away for days)


@dataclass(frozen=True, slots=True)
class MqttLogin:
    client_id: str
    username: str
    password: str
    ca_file: str = ""
    """The site CA that signed the broker's certificate (``mqtts://``); empty: the system's."""


def mqtt_login(config: Config, role: str) -> MqttLogin:
    """How a program of ``role`` signs in: its client id, username and password.

    With a password per role (``password_dir``, what ``seuil mqtt setup`` writes) the client id
    *is* the role: the broker binds each login to that one id and session
    (``use_username_as_clientid``), so no other login can take a program's queue over.
    """
    username, password = config.mqtt_credentials(role)
    own = bool(config.mqtt.password_dir) and not config.mqtt.username
    ca_file = str(config.path(config.mqtt.ca_file)) if config.mqtt.ca_file else ""
    return MqttLogin(role if own else f"seuil-{config.site.id}-{role}", username, password, ca_file)


def authenticate(client: mqtt.Client, url: str, username: str = "", password: str = "",
                 ca_file: str = "") -> tuple[str, int]:
    """Set TLS (``mqtts://``, trusting ``ca_file`` or the system's CAs) and credentials on
    ``client``; returns the broker's host and port."""
    parsed = urlparse(url)
    tls = parsed.scheme == "mqtts"
    if tls:
        client.tls_set(ca_certs=ca_file or None)
    if username:
        client.username_pw_set(username, password or None)
    return parsed.hostname or "127.0.0.1", parsed.port or (8883 if tls else 1883)


def make_client(url: str, client_id: str, *, username: str = "", password: str = "",
                will: tuple[str, bytes] | None = None, manual_ack: bool = False,
                persistent: bool = True, mqtt5: bool = False, ca_file: str = "") -> mqtt.Client:
    """A client for ``mqtt://host:port`` (``mqtts://`` for TLS), connecting in the background.

    The session is persistent (the broker keeps QoS 1 messages for us while we are away).
    ``will`` is ``(topic, payload)``, published retained by the broker if we vanish.
    ``manual_ack``: received QoS 1 messages are acknowledged by ``client.ack(mid, qos)`` once
    they are safely stored; until then the broker delivers them again after a reconnection.
    ``persistent=False``: a fresh session each time (the kiosk: an old tap is not news).
    ``mqtt5``: MQTT v5, so a publish the broker refuses (its ACL) comes back with its reason
    code instead of a plain acknowledgement (the nodes' outbox keeps it).
    """
    if mqtt5:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                             protocol=mqtt.MQTTv5, manual_ack=manual_ack)
    else:
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                             clean_session=not persistent, manual_ack=manual_ack)
    host, port = authenticate(client, url, username, password, ca_file)
    client.on_connect_fail = _ConnectFailures(host, port, urlparse(url).scheme == "mqtts", ca_file)
    if will is not None:
        client.will_set(will[0], will[1], qos=1, retain=True)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    if mqtt5:
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        if persistent:
            properties.SessionExpiryInterval = SESSION_EXPIRY_S
        client.connect_async(host, port, keepalive=KEEPALIVE_S, clean_start=not persistent,
                             properties=properties)
    else:
        client.connect_async(host, port, keepalive=KEEPALIVE_S)
    return client


def tls_problem(host: str, port: int, ca_file: str = "") -> str | None:
    """Why a TLS handshake with ``host:port`` fails (unknown CA, wrong host name...), or None
    when it succeeds or when the broker cannot be reached at all (not a TLS matter)."""
    context = ssl.create_default_context(cafile=ca_file or None)
    try:
        with socket.create_connection((host, port), timeout=5) as raw, \
                context.wrap_socket(raw, server_hostname=host):
            return None
    except ssl.SSLCertVerificationError as error:
        return str(error.verify_message or error)
    except ssl.SSLError as error:
        return str(error.reason or error)
    except OSError:
        return None


class _ConnectFailures:
    """paho's ``on_connect_fail``: say why in the log, once per distinct reason (paho retries
    quietly forever; a certificate problem would otherwise be silence)."""

    def __init__(self, host: str, port: int, tls: bool, ca_file: str) -> None:
        self.host, self.port, self.tls, self.ca_file = host, port, tls, ca_file
        self.said = ""

    def __call__(self, client: mqtt.Client, userdata: object) -> None:
        problem = tls_problem(self.host, self.port, self.ca_file) if self.tls else None
        if problem is not None:
            message = (f"TLS to the broker at {self.host}:{self.port} failed: {problem}. Check that "
                       f"[mqtt] ca_file is the site CA ({self.ca_file or 'not set: the system CAs'}) and "
                       "that the url's host is one the broker's certificate names "
                       "(seuil mqtt setup --tls --tls-host NAME)")
        else:
            message = f"cannot reach the broker at {self.host}:{self.port}: retrying"
        if message != self.said:
            self.said = message
            (log.error if problem else log.warning)("%s", message)
