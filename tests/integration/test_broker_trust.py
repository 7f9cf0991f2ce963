"""Tried as an attacker holding a valid broker login would, on the configuration Seuil writes."""

from __future__ import annotations

import queue

from tests.integration.cli_helpers import run

SITE = "seuil/la-ruche"
TAP = f"{SITE}/node/entrance/tap"


def test_no_login_can_wipe_or_steal_the_queue_of_a_stopped_hub(secured):
    _, connect = secured
    hub = connect("hub", client_id="hub", clean=False)
    hub.subscribe(f"{SITE}/node/+/tap")
    hub.close()  # the hub stops; the broker keeps its queue
    node = connect("node-entrance")
    for number in range(40):
        node.publish(TAP, f'{{"n": {number}}}'.encode())
    # A node's and the kiosk's login, with the hub's client id: a clean session would erase the
    # hub's queue, a persistent one would receive it.
    connect("kiosk", client_id="hub", clean=True).close()
    thief = connect("node-printer", client_id="hub", clean=False)
    thief.subscribe(f"{SITE}/#")
    assert thief.received(timeout_s=1.0) == []
    thief.close()
    back = connect("hub", client_id="hub", clean=False)
    assert back.received(timeout_s=2.0) == [TAP] * 40


def test_the_broker_listens_only_where_the_configuration_says(secured):
    site, _ = secured
    log = (site.parent / "mosquitto" / "mosquitto.log").read_text()
    conf = site.parent.joinpath("broker", "seuil.conf").read_text().splitlines()
    port = next(line.split()[1] for line in conf if line.startswith("listener "))
    opened = [line.split("port ")[1].rstrip(".") for line in log.splitlines() if "listen socket" in line]
    assert opened == [port]  # no default listener on every interface


def test_no_login_can_kick_the_hub_off_the_broker(secured):
    _, connect = secured
    hub = connect("hub", client_id="hub", clean=False)
    connect("node-entrance", client_id="hub")
    connect("kiosk", client_id="hub", clean=False)
    try:
        reason = hub.disconnects.get(timeout=1.5)
    except queue.Empty:
        reason = None
    assert reason is None, f"the hub was disconnected ({reason})"


def test_the_admins_commands_sign_in_as_admin_and_leave_the_hub_connected(secured):
    site, connect = secured
    hub = connect("hub", client_id="hub", clean=False)
    result = run("snapshot", "publish")
    assert result.code == 0, result.err
    try:
        reason = hub.disconnects.get(timeout=1.0)
    except queue.Empty:
        reason = None
    assert reason is None, f"`seuil snapshot publish` kicked the hub off ({reason})"
    assert "user admin" in (site.parent / "broker" / "seuil.acl").read_text()


def test_an_event_the_broker_refuses_stays_in_the_outbox_until_it_is_accepted(secured, caplog):
    """A stale ACL (an upgrade added a topic, `seuil mqtt setup` not run yet) refuses a node's
    decisions: MQTT v5 says so, the node keeps them and logs it, and they arrive once it is fixed."""
    from gpiozero.pins.mock import MockFactory

    from access.config import load_config
    from access.hardware.reader import FakeReader
    from access.node.runner import NodeRunner
    from tests.integration.node_helpers import wait_until

    site, connect = secured
    broker = connect.broker
    acl = site.parent / "broker" / "seuil.acl"
    good = acl.read_text()
    broker.stop()
    acl.write_text(good.replace(f"topic write {SITE}/node/entrance/decision\n", ""))
    broker.start()
    hub = connect("hub", client_id="hub", clean=False)
    hub.subscribe(f"{SITE}/node/entrance/decision")
    node = NodeRunner(load_config(site / "seuil.toml"), "entrance", pin_factory=MockFactory(),
                      reader=FakeReader())
    node.start()
    try:
        assert wait_until(node.client.is_connected, 10)
        node.reader.tap("04A1B2C3")
        assert node.core.sync()
        assert wait_until(lambda: "the broker refused event seq" in caplog.text, 10)
        assert len(node.outbox) >= 1  # the decision is kept
        assert hub.received(timeout_s=0.5) == []
        hub.close()
        broker.stop()
        acl.write_text(good)  # `seuil mqtt setup` again
        broker.start()
        assert wait_until(lambda: len(node.outbox) == 0, 20)
        back = connect("hub", client_id="hub", clean=False)
        assert back.received(timeout_s=2.0) == [f"{SITE}/node/entrance/decision"]
    finally:
        node.stop()
