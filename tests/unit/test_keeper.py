"""The relay keeper's protocol, on mock pins: what the node asks and what it answers."""

from pathlib import Path

import pytest
from gpiozero.pins.mock import MockFactory

from access.hardware.kept_relay import KeeperUnavailable, KeptRelay
from access.keeper import RelayKeeper


@pytest.fixture
def keeper(tmp_path: Path):
    factory = MockFactory()
    keeper = RelayKeeper(tmp_path / "k.sock", 17, active_high=False, pin_factory=factory)
    keeper.start()
    yield keeper, factory.pin(17)
    keeper.stop()


def test_the_keeper_starts_off_and_obeys_on_off_and_says_the_state(keeper):
    server, pin = keeper
    assert pin.state is True  # active low: off
    assert server.answer("state") == "off"
    assert server.answer("on") == "on" and pin.state is False
    assert server.answer("off") == "off"


def test_nonsense_is_refused_and_changes_nothing(keeper):
    server, pin = keeper
    for request in ("", "ON!", "pulse", "pulse x", "pulse 999", "pulse -1", "on off"):
        assert server.answer(request).startswith("error")
    assert pin.state is True


def test_the_node_side_reconnects_to_a_restarted_keeper_and_says_when_it_is_gone(tmp_path):
    factory = MockFactory()
    path = tmp_path / "k.sock"
    first = RelayKeeper(path, 17, pin_factory=factory)
    first.start()
    relay = KeptRelay(path, timeout_s=0.5)
    relay.on()
    assert relay.real_state() is True
    first.stop()
    assert relay.real_state() is None  # logged; nothing pretends
    with pytest.raises(KeeperUnavailable):
        relay._ask("state")
    second = RelayKeeper(path, 17, pin_factory=factory)
    second.start()
    try:
        assert relay.real_state() is False  # a new keeper: the line was released, so off
    finally:
        relay.close(keep_power=True)
        second.stop()
