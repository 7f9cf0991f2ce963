"""The broker's side of security, generated from seuil.toml: one password per role, mosquitto's
password file, its ACL and its configuration fragment. ``seuil mqtt setup DIR`` writes them;
``install.sh --role hub`` runs it and points mosquitto at them.

Roles: ``hub`` and ``admin`` (the admin's ``seuil`` commands) may do anything under the site's root;
``kiosk`` reads its door's decisions, every node's status and state and the off-site copy's
status, and may only ask its
door to unlock; ``node-<id>`` writes under its own ``node/<id>/`` and reads its snapshot and
commands. Nobody signs in anonymously, and each login is bound to one client id, its own name
(``use_username_as_clientid``): no login can take over another program's session or queue.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from access.bus.topics import NODE_EVENTS, Topics
from access.config import Config
from access.errors import InvalidInput, NotInitialised
from access.local import find_program, write_atomically
from access.services.context import Site
from access.services.rules import entrance_node

PASSWORD_BYTES = 24
FILE_MODE = 0o600
NODE_WRITES = ("status", "state", *NODE_EVENTS)


def roles(config: Config) -> list[str]:
    return ["admin", "hub", "kiosk", *(f"node-{node}" for node in sorted(config.nodes))]


def acl_text(config: Config, entrance: str) -> str:
    """mosquitto's acl_file: each role may touch only what it needs."""
    t = Topics(config.site.id)
    lines = [f"# Seuil: written by `seuil mqtt setup` from {config.source}. Run it again rather than",
             "# editing: it rewrites this file.",
             "",
             "# the hub: everything of the site",
             "user hub",
             f"topic readwrite {t.base}/#",
             "",
             "# the admin's seuil commands (their own login: they never take the hub's session)",
             "user admin",
             f"topic readwrite {t.base}/#",
             "",
             "# the kiosk: its door's decisions, every node's status and state, the off-site copy's status;",
             "# it may open its door",
             "user kiosk",
             f"topic read {t.node_decision(entrance)}",
             f"topic read {t.all_statuses}",
             f"topic read {t.all_states}",
             f"topic read {t.hub_backup}",
             f"topic write {t.command(entrance, 'unlock')}"]
    for node in sorted(config.nodes):
        lines += ["", f"# node {node}: writes under its own node/{node}/ only", f"user node-{node}"]
        lines += [f"topic write {t.base}/node/{node}/{kind}" for kind in NODE_WRITES]
        lines += [f"topic read {t.node_snapshot(node)}", f"topic read {t.node_commands(node)}",
                  f"topic read {t.node_receipt(node)}"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Tls:
    cert: Path
    key: Path
    port: int = 8883


def default_listen(config: Config) -> str:
    """Loopback when the config reaches the broker on this machine, else every interface."""
    host = urlparse(config.mqtt.url).hostname or "127.0.0.1"
    try:
        return "127.0.0.1" if host == "localhost" or ipaddress.ip_address(host).is_loopback else ""
    except ValueError:  # a host name: nodes on other Pis reach the hub by it
        return ""


def conf_text(config: Config, into: Path, *, listen: str, port: int, tls: Tls | None) -> str:
    """A fragment for mosquitto's conf.d: sign-in, ACL, listeners, and a queue that keeps all."""
    plain = f"listener {port} {listen}".rstrip()
    if tls is not None:
        plain = f"listener {port} 127.0.0.1"  # with TLS, plain MQTT stays on this machine
    lines = [f"# Seuil: written by `seuil mqtt setup` from {config.source}.",
             "per_listener_settings false",
             "allow_anonymous false",
             f"password_file {into / 'seuil.passwd'}",
             f"acl_file {into / 'seuil.acl'}",
             "",
             "# The hub's queue while it is stopped: keep every message, on disk (see operations.md).",
             "persistence true",
             "autosave_interval 30",
             "max_queued_messages 0",
             "max_inflight_messages 0",
             "",
             "# On each listener, a login's client id is its name: nobody can take over the hub's",
             "# (or a node's) session. A listener option: written before any listener, it would",
             "# open mosquitto's default listener on every interface.",
             plain, "use_username_as_clientid true"]
    if tls is not None:
        lines += [f"listener {tls.port}", "use_username_as_clientid true", f"certfile {tls.cert}",
                  f"keyfile {tls.key}"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class BrokerFiles:
    conf: Path
    passwd: Path
    acl: Path
    password_dir: Path
    new_passwords: list[str]
    """Roles that got a password now (the others kept theirs)."""


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically, never readable by others, even for a moment."""
    write_atomically(path, text.encode("utf-8"), FILE_MODE)


BROKER_USER = "mosquitto"
SHARED_MODE = 0o640


def share_with_broker(path: Path) -> None:
    """Let mosquitto read ``path`` (it reads its files after dropping to its own user): run as
    root, the file goes to group ``mosquitto``, 0640. As another user there is nothing to share
    (a test broker runs as that user)."""
    if os.geteuid() != 0:
        return
    import grp

    try:
        group = grp.getgrnam(BROKER_USER).gr_gid
    except KeyError:
        return
    os.chown(path, 0, group)
    os.chmod(path, SHARED_MODE)
    if path.parent.stat().st_uid == 0:
        os.chown(path.parent, 0, group)


def _mosquitto_passwd() -> str:
    found = find_program("mosquitto_passwd")
    if found is None:
        raise NotInitialised("mosquitto_passwd is not installed", hint="apt install mosquitto")
    return found


def setup(site: Site, into: Path, *, listen: str | None = None, port: int = 1883,
          tls: Tls | None = None) -> BrokerFiles:
    """Passwords for new roles, then seuil.passwd (hashed), seuil.acl and seuil.conf in ``into``."""
    config = site.config
    if not config.mqtt.password_dir:
        raise InvalidInput("[mqtt] password_dir is not set: the programs would not know their passwords",
                           hint=f'add password_dir = "mqtt" under [mqtt] in {config.source}, then run '
                                "this again")
    if tls is not None:
        for path in (tls.cert, tls.key):
            if not path.is_file():
                raise InvalidInput(f"no TLS file at {path}")
    tool = _mosquitto_passwd()
    password_dir = config.path(config.mqtt.password_dir)
    password_dir.mkdir(mode=0o750, parents=True, exist_ok=True)
    into.mkdir(mode=0o755, parents=True, exist_ok=True)
    created, lines = [], []
    for role in roles(config):
        path = password_dir / role
        if not path.exists():
            _write(path, secrets.token_urlsafe(PASSWORD_BYTES) + "\n")
            created.append(role)
        lines.append(f"{role}:{config.read_password(str(path), f'the MQTT password of {role}')}")
    passwd = into / "seuil.passwd"
    staged = into / ".seuil.passwd.plain"
    _write(staged, "\n".join(lines) + "\n")
    try:
        result = subprocess.run([tool, "-U", str(staged)], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise NotInitialised(f"mosquitto_passwd failed: {result.stderr.strip() or result.stdout.strip()}")
        os.replace(staged, passwd)
    finally:
        staged.unlink(missing_ok=True)
    acl = into / "seuil.acl"
    _write(acl, acl_text(config, entrance_node(site)))
    for shared in (passwd, acl, *((tls.key,) if tls is not None else ())):
        share_with_broker(shared)
    conf = into / "seuil.conf"
    _write(conf, conf_text(config, into, listen=default_listen(config) if listen is None else listen,
                           port=port, tls=tls))
    os.chmod(conf, 0o644)
    return BrokerFiles(conf, passwd, acl, password_dir, created)
