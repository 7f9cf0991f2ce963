"""Two Pis on a private network: a hub Pi and a door Pi, installed as docs/install-pi.md says
("More than one Pi"), talking MQTT over TLS with the site's own CA.

Two booted Debian containers on one ``--network-zone`` (a bridge on the host, nothing else on it
but the host's end, which carries only an apt proxy: apt on a Pi reaches Debian's mirror).
The hub Pi runs ``install.sh --role hub --tls``; on it ``seuil mqtt join entrance`` writes the
one file the door Pi needs, copied over as a volunteer would with scp; the door Pi runs
``install.sh --role node --node entrance --join FILE`` and reaches the hub as
``mqtts://seuil-hub.local:8883``. On a LAN that name comes from mDNS (avahi, which Raspberry Pi
OS runs); here the test writes it in the door Pi's /etc/hosts.

Then, over the wire: a tap on the door reaches the hub's database; plain MQTT is not reachable
from the door's network (only TLS is); a door trusting another CA is refused and says so in one
log line; the door's password cannot publish as another node; and taps made while the hub Pi
is down arrive once after it boots again.

    sudo .venv/bin/python -m pytest -m system tests/system -k bookworm_amd64   # .ci/run runs this
"""

from __future__ import annotations

import ipaddress
import json
import random
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.system.apt_proxy import APT_DROP_IN, AptProxy
from tests.system.container import CACHE, DEBIAN_ARCH, PYTHON, Container, fresh_container, missing_tools
from tests.system.test_install_system import (
    CARD,
    DROP_INS,
    SEUIL,
    SEUIL_AS_ROOT,
    active,
    journal_errors,
    wait_for,
)
from tests.system.test_install_system import timed_install as install
from tests.system.wheelhouse import fill

pytestmark = [pytest.mark.system, pytest.mark.slow,
              pytest.mark.skipif(bool(missing_tools()), reason=missing_tools() or "ok")]

HUB_NAME = "seuil-hub"
NODE = "entrance"
BUNDLE = f"seuil-join-{NODE}.tar"
HUB_UNITS = ("mosquitto.service", "seuil-hub.service")
NODE_UNIT = f"seuil-node@{NODE}.service"
SITE = "seuil/la-ruche"
TLS_FAILED = f"TLS to the broker at {HUB_NAME}.local:8883 failed"


@dataclass
class Pair:
    hub: Container
    node: Container
    hub_address: str
    cidr: str
    seconds: dict[str, float]
    join_output: str


def free_subnet() -> ipaddress.IPv4Network:
    """A /24 of 10.0.0.0/8 that no interface or route of this machine uses."""
    used = subprocess.run(["ip", "-4", "route", "show", "table", "all"], capture_output=True,
                          text=True, check=True).stdout
    for _ in range(100):
        net = ipaddress.IPv4Network(f"10.{random.randint(100, 250)}.{random.randint(0, 255)}.0/24")
        if f"{net.network_address}".rsplit(".", 1)[0] + "." not in used:
            return net
    raise RuntimeError("no free 10.x.y.0/24 here")


def all_active(box: Container, units: tuple[str, ...], timeout_s: float = 90) -> bool:
    return wait_for(lambda: all(active(box, u) == "active" for u in units), timeout_s)


def hub_taps(pair: Pair) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = json.loads(pair.hub.shell(f"{SEUIL} log --json --limit 200").stdout)
    return entries


def tap(pair: Pair) -> None:
    pair.node.shell(f"{SEUIL} tap --node {NODE} --uid {CARD}")


def node_journal(pair: Pair, since: str) -> list[str]:
    return pair.node.run("journalctl", "--no-pager", "-q", "-o", "cat", "-u", NODE_UNIT, "--since", since,
                         check=False).stdout.splitlines()


def box_time(box: Container) -> str:
    return box.run("date", "+%Y-%m-%d %H:%M:%S").stdout.strip()


@pytest.fixture(scope="module", params=[("bookworm", "amd64")], ids=lambda p: f"pair_{p[0]}_{p[1]}")
def pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    suite, arch = request.param
    started = time.monotonic()
    wheels = fill(CACHE / f"wheels-{PYTHON[suite]}-{DEBIAN_ARCH[arch]}", python=PYTHON[suite],
                  arch=DEBIAN_ARCH[arch])
    tag = secrets.token_hex(3)  # every name on this machine is ours alone: others test here too
    zone, net = f"sp{tag}", free_subnet()
    gateway, hub_address, node_address = (str(net.network_address + i) for i in (1, 2, 3))
    boxes = {role: fresh_container(suite, arch, f"pair-{role}-{suite}-{arch}") for role in ("hub", "node")}
    hub, node = boxes["hub"], boxes["node"]
    for role, box, name in (("h", hub, HUB_NAME), ("n", node, "seuil-door")):
        box.binds.append((wheels, "/wheelhouse"))
        box.machine, box.hostname, box.network_zone = f"sp{role}{tag}", name, zone
    bridge = f"vz-{zone}"
    try:
        hub.boot()
        node.boot()
        subprocess.run(["ip", "address", "add", f"{gateway}/{net.prefixlen}", "dev", bridge], check=True)
        subprocess.run(["ip", "link", "set", bridge, "up"], check=True)
        hub.address(f"{hub_address}/{net.prefixlen}")
        node.address(f"{node_address}/{net.prefixlen}")
        with AptProxy(gateway, CACHE / "debs") as proxy:
            for box in (hub, node):
                box.write(APT_DROP_IN, proxy.apt_conf)
            # mDNS on a LAN; the test's own line here
            node.shell(f"echo '{hub_address} {HUB_NAME}.local {HUB_NAME}' >> /etc/hosts")
            for path, text in DROP_INS.items():
                node.write(path, text)
            seconds = {"boot": time.monotonic() - started}
            seconds["hub install"], _ = install(hub, "--role", "hub", "--site-name", "La Ruche", "--tls")
            joined = hub.shell(f"cd /root && {SEUIL_AS_ROOT} mqtt join {NODE}")
            # the volunteer's scp from the hub Pi to the door Pi
            shutil.copy2(hub.directory / "root" / BUNDLE, node.directory / "root" / BUNDLE)
            seconds["node install"], _ = install(node, "--role", "node", "--node", NODE,
                                                 "--join", f"/root/{BUNDLE}")
        yield Pair(hub, node, hub_address, str(net), seconds, joined.stdout)
    finally:
        for role, box in boxes.items():
            if box.leader:  # what happened, for whoever reads a failure
                journal = box.run("journalctl", "-b", "--no-pager", "-o", "short-iso", check=False)
                (CACHE / f"pair-{role}-{suite}-{arch}.journal.log").write_text(journal.stdout)
        node.stop()
        hub.stop()
        subprocess.run(["ip", "link", "delete", bridge], capture_output=True, check=False)


def test_the_door_pi_runs_its_node_against_the_hub_pi_over_tls(pair: Pair) -> None:
    print(", ".join(f"{what} {s:.0f} s" for what, s in pair.seconds.items()))
    assert "mqtts://seuil-hub.local:8883" in pair.join_output
    assert all_active(pair.hub, HUB_UNITS)
    assert all_active(pair.node, (NODE_UNIT,))
    config = pair.node.run("cat", "/etc/seuil/seuil.toml").stdout
    assert 'url = "mqtts://seuil-hub.local:8883"' in config and 'ca_file = "tls/ca.pem"' in config
    # the door Pi got its own password and the CA's certificate, and nothing else of the hub's
    assert pair.node.shell("ls /etc/seuil/mqtt /etc/seuil/tls").stdout.split() == [
        "/etc/seuil/mqtt:", f"node-{NODE}", "/etc/seuil/tls:", "ca.pem"]
    assert active(pair.node, "mosquitto.service") != "active"  # no broker on the door Pi
    assert journal_errors(pair.hub) == [] and journal_errors(pair.node) == []


def test_a_tap_on_the_door_pi_reaches_the_hubs_database(pair: Pair) -> None:
    hub = pair.hub
    hub.shell(f'{SEUIL} member add "Ada Lovelace" --email ada@example.org --group admins')
    hub.shell(f"{SEUIL} card enroll ada --uid {CARD}")
    hub.shell(f"{SEUIL_AS_ROOT} snapshot publish")
    # the snapshot crossed over TLS too: the door knows Ada and lets her in
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        before = len(hub_taps(pair))
        tap(pair)
        assert wait_for(lambda n=before: len(hub_taps(pair)) > n, 30), "the tap never reached the hub"
        if hub_taps(pair)[0]["allowed"]:
            break
    newest = hub_taps(pair)[0]
    assert (newest["node"], newest["member"], newest["allowed"]) == (NODE, "Ada Lovelace", True), newest


def test_plain_mqtt_is_not_reachable_from_the_door_pis_network(pair: Pair) -> None:
    probe = ("import socket, sys\n"
             "for port in (1883, 8883):\n"
             "    try:\n"
             "        socket.create_connection((sys.argv[1], port), timeout=5).close(); print(port, 'open')\n"
             "    except OSError as e:\n"
             "        print(port, type(e).__name__)\n")
    seen = pair.node.run("/opt/seuil/venv/bin/python", "-c", probe, f"{HUB_NAME}.local").stdout.split("\n")
    assert seen[:2] == ["1883 ConnectionRefusedError", "8883 open"]
    # the host's end of the zone is on that network too: the same answer
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((pair.hub_address, 1883), timeout=5).close()
    socket.create_connection((pair.hub_address, 8883), timeout=5).close()


# What a stolen door password does over the wire, MQTT v5 (the broker answers each publish).
THIEF = """
import json, queue, sys
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from access.bus.schemas import NodeStatus, encode
password = open("/etc/seuil/mqtt/node-entrance").read().strip()
client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="node-entrance", protocol=mqtt.MQTTv5)
client.tls_set(ca_certs="/etc/seuil/tls/ca.pem")
client.username_pw_set("node-entrance", password)
acks, connacks = queue.Queue(), queue.Queue()
client.on_connect = lambda c, u, f, reason, p: connacks.put(reason.value)
client.on_publish = lambda c, u, mid, reason, p: acks.put(reason.value)
client.connect("seuil-hub.local", 8883)
client.loop_start()
codes = {"connack": connacks.get(timeout=10)}
for node in sys.argv[1:]:
    status = encode(NodeStatus(node=node, state="offline"))
    client.publish(f"seuil/la-ruche/node/{node}/status", status, qos=1)
    codes[node] = acks.get(timeout=10)
client.disconnect()
print(json.dumps(codes))
"""


def test_the_door_pis_password_cannot_publish_as_another_node(pair: Pair) -> None:
    node = pair.node
    node.run("systemctl", "stop", NODE_UNIT)  # the thief holds the door's password (and its id)
    try:
        codes = json.loads(node.run("/opt/seuil/venv/bin/python", "-c", THIEF, NODE, "printer",
                                    "sewing").stdout)
    finally:
        node.run("systemctl", "start", NODE_UNIT)
    # 0: its own topic is taken; 135 (0x87): "not authorized", for every other node's
    assert codes == {"connack": 0, NODE: 0, "printer": 135, "sewing": 135}
    assert all_active(node, (NODE_UNIT,))


def test_a_door_that_trusts_another_ca_is_refused_with_one_clear_log_line(pair: Pair) -> None:
    node = pair.node
    node.shell("cp -p /etc/seuil/tls/ca.pem /root/site-ca.pem && /opt/seuil/venv/bin/python -c "
               "'from pathlib import Path; from access.tls import site_ca; "
               "site_ca(Path(\"/root/elsewhere\"), \"Elsewhere\")' && "
               "install -m 0644 /root/elsewhere/ca.pem /etc/seuil/tls/ca.pem")
    since = box_time(node)
    try:
        node.run("systemctl", "restart", NODE_UNIT)
        assert wait_for(lambda: any(TLS_FAILED in line for line in node_journal(pair, since)), 30)
        time.sleep(10)  # paho tries again every few seconds: the reason is still said once
        said = [line for line in node_journal(pair, since) if "broker at" in line]
        assert len(said) == 1, said  # not "cannot reach the broker", and not at every retry
        assert said[0].startswith("ERROR") and TLS_FAILED in said[0], said
        assert "unable to get local issuer certificate" in said[0] and "ca_file" in said[0], said
    finally:
        node.shell("install -m 0644 /root/site-ca.pem /etc/seuil/tls/ca.pem")
        node.run("systemctl", "restart", NODE_UNIT)
    before = len(hub_taps(pair))
    assert all_active(node, (NODE_UNIT,))
    tap(pair)
    assert wait_for(lambda: len(hub_taps(pair)) > before, 30)  # trusted again, it delivers again


def test_taps_made_while_the_hub_pi_is_down_arrive_once_after_it_boots(pair: Pair) -> None:
    hub = pair.hub
    seen = {entry["ts"] for entry in hub_taps(pair)}
    hub.run("systemctl", "stop", "seuil-hub.service", "mosquitto.service")
    for _ in range(5):  # the door decides alone from its snapshot and keeps the events
        tap(pair)
    assert wait_for(lambda: len([line for line in node_journal(pair, "-30s") if "allowed" in line]) >= 5, 30)
    hub.reboot()  # the hub Pi comes back with its units enabled; its network address again
    hub.address(f"{pair.hub_address}/{pair.cidr.split('/')[1]}")
    assert all_active(hub, HUB_UNITS)

    def arrived() -> list[dict[str, object]]:
        return [e for e in hub_taps(pair) if e["ts"] not in seen]

    assert wait_for(lambda: len(arrived()) >= 5, 90), arrived()
    time.sleep(5)  # a second delivery would come now
    new = arrived()
    assert len(new) == 5 and len({e["ts"] for e in new}) == 5, new
    assert {(e["node"], e["allowed"]) for e in new} == {(NODE, True)}
    assert journal_errors(hub) == []
