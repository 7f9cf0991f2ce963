"""A second Pi joins the site with one file: `seuil mqtt join NODE` on the hub, `seuil mqtt unpack`
(install.sh --join) on the other Pi. A real mosquitto with the TLS listener `seuil mqtt setup
--tls` writes; the other Pi's config is the unpacked one, read as that Pi's programs read it.
"""

from __future__ import annotations

import io
import queue
import tarfile
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from access import tls as site_tls
from access.bus.client import authenticate, mqtt_login
from access.config import load_config
from tests.integration.cli_helpers import run
from tests.integration.test_broker_tls import start_broker
from tests.support.broker import free_port


@pytest.fixture
def hub(tmp_path, monkeypatch):
    """A hub's /etc/seuil (tmp_path/hub) with a Pi's three sample nodes and its TLS broker running."""
    for variable in ("SEUIL_DATABASE_URL", "SEUIL_MQTT_URL", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(variable, raising=False)
    site = tmp_path / "hub"
    assert run("init", str(site), "--site-name", "La Ruche", "--mqtt-passwords", "--pi", "mfrc522",
               "--data-dir", str(tmp_path / "data")).code == 0
    monkeypatch.setenv("SEUIL_CONFIG", str(site / "seuil.toml"))
    port, tls_port = free_port(), free_port()
    result = run("mqtt", "setup", str(tmp_path / "broker"), "--port", str(port), "--tls", "--tls-port",
                 str(tls_port), "--tls-host", "localhost", "--tls-host", "seuil-hub.local")
    assert result.code == 0, result.err
    broker = start_broker(tmp_path, port, tls_port)
    yield site, tls_port
    broker.stop()


def join(tmp_path: Path, tls_port: int, *args: str):
    return run("mqtt", "join", *args, "--broker-dir", str(tmp_path / "broker"), "--tls-port", str(tls_port),
               "--out", str(tmp_path / "bundle.tar"))


def publish_codes(config_path: Path, role: str, topics: list[str]) -> list[int]:
    """What the broker answers (MQTT v5 reason codes) to ``role`` publishing on each topic, signed
    in exactly as that Pi's programs sign in from ``config_path``."""
    config = load_config(config_path)
    login = mqtt_login(config, role)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=login.client_id, protocol=mqtt.MQTTv5)
    host, port = authenticate(client, config.mqtt.url, login.username, login.password, login.ca_file)
    acks: queue.Queue[int] = queue.Queue()
    connacks: queue.Queue[int] = queue.Queue()
    client.on_connect = lambda c, u, f, reason, p: connacks.put(reason.value)
    client.on_publish = lambda c, u, mid, reason, p: acks.put(reason.value)
    client.connect(host, port)
    client.loop_start()
    try:
        assert connacks.get(timeout=10) == 0
        codes = []
        for topic in topics:
            client.publish(topic, b"{}", qos=1)
            codes.append(acks.get(timeout=10))
        return codes
    finally:
        client.disconnect()
        client.loop_stop()


def test_the_other_pi_signs_in_over_tls_with_its_own_password_from_the_one_file(hub, tmp_path):
    site, tls_port = hub
    made = join(tmp_path, tls_port, "entrance", "--host", "localhost")
    assert made.code == 0, made.err
    assert f"mqtts://localhost:{tls_port}" in made.out and "--join ~/bundle.tar" in made.out
    bundle = tmp_path / "bundle.tar"
    assert bundle.stat().st_mode & 0o777 == 0o600  # it holds the site secret
    with tarfile.open(bundle) as tar:
        assert sorted(tar.getnames()) == ["mqtt/node-entrance", "secret.key", "seuil.toml", "tls/ca.pem"]
    other = tmp_path / "door-pi" / "etc"
    unpacked = run("mqtt", "unpack", str(bundle), str(other), "--node", "entrance")
    assert unpacked.code == 0, unpacked.err
    assert (other / "secret.key").read_bytes() == (site / "secret.key").read_bytes()
    private = (other / "secret.key", other / "mqtt" / "node-entrance")
    assert {p.stat().st_mode & 0o777 for p in private} == {0o600}
    assert not (other / "tls" / "ca.key").exists()  # the CA's key never leaves the hub
    config = load_config(other / "seuil.toml")
    assert (config.mqtt.url, config.mqtt.ca_file) == (f"mqtts://localhost:{tls_port}", "tls/ca.pem")
    base = "seuil/la-ruche/node"
    # its own topic: taken (16: no one listens, there is no hub here); another node's: "not
    # authorized" (135), over the TLS listener
    assert publish_codes(other / "seuil.toml", "node-entrance",
                         [f"{base}/entrance/status", f"{base}/printer/tap"]) == [16, 135]


def test_the_hub_is_named_as_the_certificate_names_it(hub, tmp_path):
    _, tls_port = hub
    made = join(tmp_path, tls_port, "entrance")  # default: the .local name, what mDNS answers
    assert made.code == 0, made.err
    assert f"mqtts://seuil-hub.local:{tls_port}" in made.out
    refused = join(tmp_path, tls_port, "entrance", "--host", "192.168.1.10")
    assert refused.code != 0 and refused.err.count("\n") <= 2
    assert "not valid for 192.168.1.10, only for localhost, seuil-hub.local" in refused.err
    assert "--tls-host 192.168.1.10" in refused.err


def test_without_the_tls_listener_or_for_an_unknown_node_there_is_no_file(hub, tmp_path):
    for args, said in ((["entrance", "--broker-dir", str(tmp_path)], "no TLS listener"),
                       (["entrace"], 'no node "entrace"')):
        result = run("mqtt", "join", *args, "--out", str(tmp_path / "bundle.tar"))
        assert result.code != 0 and said in result.err and result.err.count("\n") <= 2, result.err
        assert not (tmp_path / "bundle.tar").exists()


def _tar(path: Path, members: dict[str, bytes], *, link: str = "") -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/shadow"
            tar.addfile(info)
    return path


def test_a_file_that_is_not_the_hubs_bundle_changes_nothing(hub, tmp_path):
    _, tls_port = hub
    assert join(tmp_path, tls_port, "entrance").code == 0
    with tarfile.open(tmp_path / "bundle.tar") as tar:
        good = {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]
    target = tmp_path / "door-pi" / "etc"
    target.mkdir(parents=True)
    (target / "seuil.toml").write_text("# the Pi's own, kept\n")
    cases = {
        "a path outside": _tar(tmp_path / "a.tar", {**good, "../../escape": b"x"}),
        "the CA's key": _tar(tmp_path / "b.tar", {**good, "tls/ca.key": b"x"}),
        "a link": _tar(tmp_path / "c.tar", {k: v for k, v in good.items() if k != "tls/ca.pem"},
                       link="tls/ca.pem"),
        "no password": _tar(tmp_path / "d.tar", {k: v for k, v in good.items() if not k.startswith("mqtt/")}),
        "a broken config": _tar(tmp_path / "e.tar", {**good, "seuil.toml": b"[mqtt]\nurl = 'http://x'\n"}),
        "not a tar": _tar(tmp_path / "f.tar", {}).parent / "hub" / "seuil.toml",
    }
    for case, path in cases.items():
        result = run("mqtt", "unpack", str(path), str(target))
        assert result.code != 0 and "not a join bundle" in result.err, (case, result.err)
        assert result.err.count("\n") <= 2, (case, result.err)
    wrong_node = run("mqtt", "unpack", str(tmp_path / "bundle.tar"), str(target), "--node", "printer")
    assert wrong_node.code != 0 and "for node entrance, not printer" in wrong_node.err
    assert [p.name for p in target.iterdir()] == ["seuil.toml"]
    assert (target / "seuil.toml").read_text() == "# the Pi's own, kept\n"


def test_setup_run_again_keeps_the_names_the_certificate_had(hub, tmp_path):
    """An upgrade (install.sh again, without --tls-host) must not drop the name the other Pis use."""
    _, tls_port = hub
    result = run("mqtt", "setup", str(tmp_path / "broker"), "--tls", "--tls-port", str(tls_port))
    assert result.code == 0, result.err
    assert site_tls.certificate_hosts(tmp_path / "broker" / "broker.pem") == ["localhost", "seuil-hub.local"]
