"""TLS between Pis, as `seuil mqtt setup --tls` sets it up, on a real mosquitto.

The site's own CA signs the broker's certificate; a Pi that trusts that CA connects, one that
does not (or that names the broker by a name the certificate does not hold) is refused, and
says why in one log line instead of retrying in silence.
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from access.bus.client import make_client, tls_problem
from access.local import find_program
from tests.integration.cli_helpers import run
from tests.integration.node_helpers import wait_until
from tests.support.broker import Broker, free_port


def _wait_tls(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture
def tls_site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    for variable in ("SEUIL_DATABASE_URL", "SEUIL_MQTT_URL"):
        monkeypatch.delenv(variable, raising=False)
    assert run("init", str(site), "--site-name", "La Ruche", "--mqtt-passwords").code == 0
    monkeypatch.setenv("SEUIL_CONFIG", str(site / "seuil.toml"))
    port, tls_port = free_port(), free_port()
    result = run("mqtt", "setup", str(tmp_path / "broker"), "--port", str(port), "--tls",
                 "--tls-port", str(tls_port), "--tls-host", "localhost")
    assert result.code == 0, result.err
    assert "valid for localhost" in result.out and 'ca_file = "ca.pem"' in result.out
    broker = start_broker(tmp_path, port, tls_port)
    yield site, tls_port
    broker.stop()


def start_broker(tmp_path: Path, port: int, tls_port: int) -> Broker:
    """mosquitto on the files `seuil mqtt setup` wrote in tmp_path/broker, once TLS answers."""
    (tmp_path / "mosquitto").mkdir()
    broker = Broker(tmp_path / "mosquitto", include_dir=tmp_path / "broker", port=port)
    broker.start()
    _wait_tls(tls_port)
    return broker


def _use_tls(site: Path, monkeypatch, url: str, ca_file: str | None) -> None:
    monkeypatch.setenv("SEUIL_MQTT_URL", url)
    config = site / "seuil.toml"
    text = config.read_text()
    if ca_file is not None:
        text = text.replace("[mqtt]\n", f'[mqtt]\nca_file = "{ca_file}"\n', 1)
    config.write_text(text)


def test_a_pi_that_trusts_the_site_ca_publishes_over_tls(tls_site, monkeypatch):
    site, tls_port = tls_site
    assert (site / "tls" / "ca.key").stat().st_mode & 0o077 == 0  # the CA's key is the hub's alone
    _use_tls(site, monkeypatch, f"mqtts://localhost:{tls_port}", "tls/ca.pem")
    result = run("snapshot", "publish")
    assert result.code == 0, result.err
    assert tls_problem("localhost", tls_port, str(site / "tls" / "ca.pem")) is None


# paho leaks the socket of each failed TLS handshake (its _ssl_wrap_socket does not close it);
# the garbage collector's ResourceWarning is paho's, not ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_unknown_ca_or_a_wrong_host_name_is_one_clear_line(tls_site, monkeypatch, caplog):
    site, tls_port = tls_site
    ca = str(site / "tls" / "ca.pem")
    _use_tls(site, monkeypatch, f"mqtts://localhost:{tls_port}", None)  # the system's CAs only
    result = run("snapshot", "publish")
    assert result.code == 1 and result.err.count("\n") <= 2 and "certificate" in result.err
    assert "unable to get local issuer certificate" in (tls_problem("localhost", tls_port) or "")
    caplog.set_level(logging.ERROR, logger="access.bus.client")
    for url, ca_file, expected in ((f"mqtts://127.0.0.1:{tls_port}", ca, "mismatch"),
                                   (f"mqtts://localhost:{tls_port}", "", "local issuer")):
        caplog.clear()
        client = make_client(url, "hub", username="hub", password="x", ca_file=ca_file)
        client.loop_start()
        try:
            assert wait_until(lambda want=expected: any(want in r.getMessage() for r in caplog.records), 10)
        finally:
            client.loop_stop()
        said = [r.getMessage() for r in caplog.records if "TLS to the broker" in r.getMessage()]
        assert len(said) == 1, said  # once, not at every retry
        assert "ca_file" in said[0] and "--tls-host" in said[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="mosquitto drops to its own user only when started as root")
def test_setup_run_as_root_leaves_files_mosquitto_can_read(tmp_path, monkeypatch):
    """mosquitto reads its password file, ACL and key after dropping to its own user: files made
    0600 by root stop it from starting. Here mosquitto runs as it does on a Pi (no `user root`)."""
    import grp

    if find_program("mosquitto") is None:
        pytest.fail("mosquitto is not installed")
    try:
        group = grp.getgrnam("mosquitto").gr_gid
    except KeyError:
        pytest.fail("the mosquitto package makes a mosquitto user and group")
    site = tmp_path / "site"
    for variable in ("SEUIL_DATABASE_URL", "SEUIL_MQTT_URL"):
        monkeypatch.delenv(variable, raising=False)
    assert run("init", str(site), "--site-name", "La Ruche", "--mqtt-passwords").code == 0
    monkeypatch.setenv("SEUIL_CONFIG", str(site / "seuil.toml"))
    shared = Path(tempfile.mkdtemp(prefix="seuil-broker-"))  # as /etc/mosquitto/seuil: reachable
    try:
        shared.chmod(0o755)
        into, state = shared / "seuil", shared / "state"
        state.mkdir()
        os.chown(state, -1, group)
        state.chmod(0o770)
        port, tls_port = free_port(), free_port()
        result = run("mqtt", "setup", str(into), "--port", str(port), "--tls", "--tls-port", str(tls_port),
                     "--tls-host", "localhost")
        assert result.code == 0, result.err
        for name in ("seuil.passwd", "seuil.acl", "broker.key"):
            info = (into / name).stat()
            assert (info.st_gid, info.st_mode & 0o777) == (group, 0o640), name
        config = shared / "mosquitto.conf"
        config.write_text(f"persistence_location {state}/\ninclude_dir {into}\n")
        log = shared / "mosquitto.log"
        with log.open("wb") as out:
            process = subprocess.Popen([find_program("mosquitto") or "", "-c", str(config)],
                                       stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_tls(tls_port)
            context = ssl.create_default_context(cafile=str(site / "tls" / "ca.pem"))
            with socket.create_connection(("localhost", tls_port), timeout=5) as raw, \
                    context.wrap_socket(raw, server_hostname="localhost") as wrapped:
                assert wrapped.version()
            assert process.poll() is None, log.read_text()
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        subprocess.run(["rm", "-rf", str(shared)], check=False)
