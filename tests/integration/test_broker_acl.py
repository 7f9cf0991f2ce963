"""`seuil mqtt setup`: the passwords, ACL and configuration it writes, tried on a real mosquitto."""

from __future__ import annotations

import stat
from pathlib import Path

from gpiozero.pins.mock import MockFactory

from access.bus.schemas import NodeStatus, decode
from access.config import load_config
from access.hardware.reader import FakeReader
from access.node.runner import NodeRunner
from tests.integration.cli_helpers import run
from tests.integration.node_helpers import wait_until

SITE = "seuil/la-ruche"


def test_setup_needs_the_password_folder_and_changes_nothing_without_it(site_dir, tmp_path):
    result = run("mqtt", "setup", str(tmp_path / "broker"))
    assert result.code == 1 and 'add password_dir = "mqtt" under [mqtt]' in result.err
    assert not (tmp_path / "broker").exists() and not (site_dir / "mqtt").exists()


def test_setup_writes_private_hashed_files_and_keeps_passwords_when_run_again(secured, tmp_path):
    site, _ = secured
    roles = ["admin", "hub", "kiosk", "node-entrance", "node-printer", "node-sewing"]
    assert sorted(p.name for p in (site / "mqtt").iterdir()) == roles
    before = {role: (site / "mqtt" / role).read_text() for role in roles}
    for path in (site / "mqtt").iterdir():  # the programs' passwords: their owner's alone
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in (tmp_path / "broker" / "seuil.passwd", tmp_path / "broker" / "seuil.acl"):
        mode = stat.S_IMODE(path.stat().st_mode)  # and mosquitto's (its group) when run as root
        assert mode == 0o600 or (mode == 0o640 and path.stat().st_gid == _mosquitto_gid()), path
    passwd = (tmp_path / "broker" / "seuil.passwd").read_text()
    assert all(before[role].strip() not in passwd for role in roles)  # hashed, never in clear
    assert [line.split(":")[0] for line in passwd.splitlines()] == roles
    result = run("mqtt", "setup", str(tmp_path / "broker"), "--port", "1883")
    assert result.code == 0 and "new password" not in result.out
    assert {role: (site / "mqtt" / role).read_text() for role in roles} == before
    assert "listener 1883 127.0.0.1" in (tmp_path / "broker" / "seuil.conf").read_text()


def test_nobody_signs_in_anonymously_or_with_a_wrong_password(secured):
    _, connect = secured
    assert connect(None).accepted is False
    assert connect("node-entrance", "not-the-password").accepted is False
    assert connect("someone-else", "x").accepted is False
    assert connect("node-entrance").accepted is True


def test_a_node_writes_only_its_own_topics_and_reads_only_its_own_snapshot(secured):
    _, connect = secured
    hub = connect("hub")
    hub.subscribe(f"{SITE}/#")
    entrance = connect("node-entrance")
    for topic in ("node/entrance/tap", "node/entrance/session", "node/printer/tap", "node/printer/session",
                  "node/printer/snapshot", "cmd/printer/unlock", "node/entrance/snapshot", "elsewhere"):
        entrance.publish(f"{SITE}/{topic}")
    assert hub.received() == [f"{SITE}/node/entrance/session", f"{SITE}/node/entrance/tap"]
    for node in ("entrance", "printer"):
        hub.publish(f"{SITE}/node/{node}/snapshot", retain=True)
    hub.publish(f"{SITE}/cmd/printer/unlock")
    hub.received()
    entrance.subscribe(f"{SITE}/#")  # granted, but only its own topics are delivered
    assert entrance.received() == [f"{SITE}/node/entrance/snapshot"]
    hub.publish(f"{SITE}/cmd/entrance/unlock")
    hub.publish(f"{SITE}/cmd/printer/unlock")
    hub.publish(f"{SITE}/node/printer/tap")
    assert entrance.received() == [f"{SITE}/cmd/entrance/unlock"]


def test_the_kiosk_reads_what_it_shows_and_opens_only_its_door(secured):
    _, connect = secured
    hub, kiosk = connect("hub"), connect("kiosk")
    hub.subscribe(f"{SITE}/cmd/#")
    kiosk.subscribe(f"{SITE}/#")
    shown = ["node/entrance/decision", "node/printer/state", "node/sewing/status"]
    for topic in [*shown, "node/printer/decision", "node/entrance/tap", "node/printer/snapshot"]:
        hub.publish(f"{SITE}/{topic}")
    assert kiosk.received() == sorted(f"{SITE}/{topic}" for topic in shown)
    kiosk.publish(f"{SITE}/cmd/entrance/unlock")
    kiosk.publish(f"{SITE}/cmd/printer/unlock")
    kiosk.publish(f"{SITE}/node/entrance/decision")
    assert hub.received() == [f"{SITE}/cmd/entrance/unlock"]


def test_the_programs_sign_in_with_their_roles_passwords(secured):
    """The admin's command publishes as the hub; a node signs in as itself and gets its snapshot."""
    site, connect = secured
    hub = connect("hub")
    hub.subscribe(f"{SITE}/node/+/status")
    assert run("snapshot", "publish", "--node", "entrance").code == 0
    node = NodeRunner(load_config(site / "seuil.toml"), "entrance", pin_factory=MockFactory(),
                      reader=FakeReader())
    node.start()
    statuses: list[NodeStatus] = []

    def online_with_snapshot() -> bool:
        while not hub.messages.empty():
            topic, payload = hub.messages.get()
            assert topic == f"{SITE}/node/entrance/status"
            statuses.append(decode(NodeStatus, payload))
        return any(s.state == "online" and s.snapshot_version for s in statuses)

    try:
        assert wait_until(online_with_snapshot, 10), statuses
        assert node.core.base is not None
    finally:
        node.stop()


def test_a_tls_listener_is_added_when_the_admin_gives_a_certificate(secured, tmp_path):
    cert, key = Path(tmp_path / "hub.crt"), Path(tmp_path / "hub.key")
    cert.write_text("certificate\n")
    key.write_text("key\n")
    result = run("mqtt", "setup", str(tmp_path / "tls"), "--tls-cert", str(cert), "--tls-key", str(key))
    assert result.code == 0, result.err
    conf = (tmp_path / "tls" / "seuil.conf").read_text()
    assert "listener 8883\n" in conf and f"certfile {cert}" in conf and f"keyfile {key}" in conf
    assert "listener 1883 127.0.0.1" in conf  # plain MQTT stays on this machine
    assert run("mqtt", "setup", str(tmp_path / "tls"), "--tls-cert", str(cert)).code == 1


def _mosquitto_gid() -> int | None:
    import grp
    import os

    if os.geteuid() != 0:
        return None
    try:
        return grp.getgrnam("mosquitto").gr_gid
    except KeyError:
        return None
