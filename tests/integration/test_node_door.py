"""The front door: a tap opens the strike for unlock_seconds, timed by gpiozero."""

import time

from access.bus.schemas import DecisionEvent, ResourceState, TapEvent, decode
from tests.integration.node_helpers import BUTTON, BUZZER, CONTACT, LED, RELAY, UIDS, wait_until


def test_member_tap_pulses_the_strike_then_it_relocks(nodes, watcher):
    door = nodes("entrance")
    assert not door.is_on(RELAY)  # locked at start-up
    door.tap("ada")
    assert door.is_on(RELAY)
    assert door.is_on(LED)
    time.sleep(0.2)
    assert door.is_on(RELAY)  # still open within unlock_seconds (0.4)
    assert wait_until(lambda: not door.is_on(RELAY), timeout_s=2)
    assert [s.state for s in door.pin(RELAY).states] == [False, True, False]
    assert 0.3 < door.pin(RELAY).states[2].timestamp < 0.8  # open ~0.4 s

    assert wait_until(lambda: watcher.on("/decision"))
    decision = decode(DecisionEvent, watcher.on("/decision")[0])
    assert decision.allowed
    assert decision.rule == "members-door"
    tap = decode(TapEvent, watcher.on("/tap")[0])
    assert tap.event_id == decision.tap_id
    assert tap.seq < decision.seq


def test_unknown_card_is_denied_with_beeps_and_the_door_stays_locked(nodes, watcher):
    door = nodes("entrance")
    door.tap("stranger")
    assert wait_until(lambda: len(door.pin(BUZZER).states) >= 6, timeout_s=3)  # three beeps
    assert [s.state for s in door.pin(RELAY).states] == [False]
    assert wait_until(lambda: watcher.on("/decision"))
    decision = decode(DecisionEvent, watcher.on("/decision")[0])
    assert (decision.allowed, decision.reason) == (False, "unknown_card")
    assert decision.member_id is None


def test_exit_button_opens_without_a_card(nodes):
    door = nodes("entrance")
    door.pin(BUTTON).drive_low()
    door.pin(BUTTON).drive_high()
    assert wait_until(lambda: door.is_on(RELAY), timeout_s=2)
    assert wait_until(lambda: not door.is_on(RELAY), timeout_s=2)


def test_door_state_is_retained_with_the_contact(nodes, watcher):
    door = nodes("entrance")
    door.pin(CONTACT).drive_low()  # closed: the reed switch pulls the pin to ground
    door.core.sync()
    assert door.core.door_closed is True
    door.pin(CONTACT).drive_high()  # opened
    door.core.sync()
    door.tap("ada")

    def states():
        return [decode(ResourceState, raw) for raw in watcher.on("/node/entrance/state")]

    assert wait_until(lambda: any(s.state == "unlocked" for s in states()))
    unlocked = next(s for s in states() if s.state == "unlocked")
    assert unlocked.until is not None
    assert unlocked.door_closed is False


def test_node_status_is_retained_online_and_offline_after_a_stop(nodes, watcher):
    from access.bus.schemas import NodeStatus

    door = nodes("entrance")

    def statuses():
        return [decode(NodeStatus, raw) for raw in watcher.on("/node/entrance/status")]

    version = door.core.base.version
    assert wait_until(lambda: any(s.state == "online" and s.snapshot_version == version
                                  for s in statuses()))
    door.stop()
    assert wait_until(lambda: statuses()[-1].state == "offline")


def test_an_unlock_queued_while_the_node_was_down_never_opens_the_door_later(nodes, maker_space, caplog):
    from datetime import UTC, datetime, timedelta

    from access.bus import oneshot
    from access.bus.schemas import UnlockCommand, encode
    from access.bus.topics import Topics
    from tests.integration.node_helpers import NodeUnderTest

    door = nodes("entrance")
    clock = door.clock
    door.stop()  # its persistent session keeps what comes meanwhile
    unlock = Topics(maker_space.site.id).command("entrance", "unlock")
    # Sent 20 s before the node comes back, nobody at the door (commands age on the system clock).
    sent = datetime.now(UTC) - timedelta(seconds=20)
    oneshot.publish(maker_space.mqtt.url,
                    [(unlock, encode(UnlockCommand(actor="kiosk", issued_at=sent)))])
    back = NodeUnderTest(maker_space, "entrance", clock).start()
    try:
        assert wait_until(lambda: "dropped the unlock command from kiosk" in caplog.text)
        assert [s.state for s in back.pin(RELAY).states] == [False]
        ahead = datetime.now(UTC) + timedelta(minutes=5)  # a sender whose clock runs ahead
        fresh = datetime.now(UTC) - timedelta(seconds=1)
        oneshot.publish(maker_space.mqtt.url,
                        [(unlock, encode(UnlockCommand(actor="kiosk", issued_at=ahead))),
                         (unlock, encode(UnlockCommand(actor="kiosk", issued_at=fresh)))])
        assert wait_until(lambda: True in [s.state for s in back.pin(RELAY).states])
        assert [s.state for s in back.pin(RELAY).states][:2] == [False, True]  # once
        assert caplog.text.count("dropped the unlock command") == 2
    finally:
        back.stop()


def test_every_decision_is_logged_at_info_in_one_line_without_the_uid(nodes, caplog):
    import logging

    caplog.set_level(logging.INFO)
    door, printer = nodes("entrance"), nodes("printer")
    door.tap("ada")
    door.tap("stranger")
    printer.tap("bob")  # not trained
    lines = [r.getMessage() for r in caplog.records if r.name == "access.node.core"
             and r.levelno == logging.INFO and "card " in r.getMessage()]
    assert len(lines) == 3, lines
    allowed, unknown, untrained = lines
    assert "front-door" in allowed and "member #" in allowed and "allowed" in allowed
    assert "rule " in allowed
    assert "unknown_card" in unknown and "member -" in unknown
    assert "3d-printer" in untrained and "training_required" in untrained
    for uid in UIDS.values():
        assert uid not in caplog.text and uid.lower() not in caplog.text
