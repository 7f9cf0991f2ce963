"""The 3D printer: sessions, the warning, extension, takeover, induction, out of service."""

import time
from datetime import timedelta

from access.bus.schemas import (
    DecisionEvent,
    ResourceState,
    ServiceEvent,
    SessionEvent,
    TrainingEvent,
    decode,
)
from tests.integration.node_helpers import BUTTON, BUZZER, LED, RELAY, NodeUnderTest, wait_until


def sessions(watcher) -> list[SessionEvent]:
    return [decode(SessionEvent, raw) for raw in watcher.on("/node/printer/session")]


def decisions(watcher) -> list[DecisionEvent]:
    return [decode(DecisionEvent, raw) for raw in watcher.on("/decision")]


def test_trained_member_starts_and_ends_a_session_with_two_taps(nodes, watcher):
    printer = nodes("printer")
    assert not printer.is_on(RELAY)
    printer.tap("ada")
    assert printer.is_on(RELAY)
    assert printer.is_on(LED)  # steady while the session runs
    printer.advance(minutes=42)
    assert printer.is_on(RELAY)
    printer.tap("ada")
    assert not printer.is_on(RELAY)
    assert wait_until(lambda: not printer.is_on(LED), timeout_s=3)  # after the 1 s "yes" blink
    assert wait_until(lambda: len(sessions(watcher)) == 2)
    start, stop = sessions(watcher)
    assert (start.action, stop.action) == ("start", "stop")
    assert start.session_id == stop.session_id
    assert stop.active_seconds == 42 * 60
    assert stop.end_reason == "tap"
    assert (stop.ended_at - stop.started_at).total_seconds() == 42 * 60


def test_someone_else_is_denied_while_it_runs_and_power_stays_on(nodes, watcher):
    printer = nodes("printer")
    printer.tap("ada")
    printer.tap("grace")  # trained, but it is ada's job
    printer.tap("root")  # even a keyholder never cuts someone's job
    assert printer.is_on(RELAY)
    assert [s.state for s in printer.pin(RELAY).states] == [False, True]
    assert wait_until(lambda: len(decisions(watcher)) == 3)
    assert [d.reason for d in decisions(watcher)] == ["allowed", "machine_in_use", "machine_in_use"]


def test_untrained_member_is_denied(nodes, watcher):
    printer = nodes("printer")
    printer.tap("bob")
    assert not printer.is_on(RELAY)
    assert wait_until(lambda: decisions(watcher))
    assert decisions(watcher)[0].reason == "training_required"


def test_at_max_duration_it_warns_then_cuts_power(nodes, watcher):
    printer = nodes("printer")  # max 480 min, warning 10 min before
    printer.tap("ada")
    printer.advance(minutes=469)
    assert len(printer.pin(BUZZER).states) <= 3  # only the start beep so far
    beeps_before = len(printer.pin(BUZZER).states)
    printer.advance(minutes=1)  # 470: the warning
    assert wait_until(lambda: len(printer.pin(BUZZER).states) > beeps_before + 2, timeout_s=3)
    assert printer.is_on(RELAY)
    printer.advance(minutes=10)  # 480: the end
    assert not printer.is_on(RELAY)
    assert wait_until(lambda: len(sessions(watcher)) == 2)
    stop = sessions(watcher)[1]
    assert stop.end_reason == "timeout"
    assert stop.active_seconds == 480 * 60


def test_a_tap_during_the_warning_extends_the_session(nodes, watcher):
    printer = nodes("printer")
    printer.tap("ada")
    printer.advance(minutes=475)  # in the warning
    printer.tap("ada")  # extend: another 480 minutes from now
    printer.advance(minutes=10)  # past the first deadline
    assert printer.is_on(RELAY)
    printer.tap("ada")  # not in the warning: this tap ends it
    assert not printer.is_on(RELAY)
    assert wait_until(lambda: len(sessions(watcher)) == 3)
    assert [s.action for s in sessions(watcher)] == ["start", "extend", "stop"]
    assert sessions(watcher)[2].active_seconds == 485 * 60


def test_trainer_then_trainee_within_the_window_trains_the_trainee(nodes, watcher):
    printer = nodes("printer")
    printer.tap("grace")  # the trainer switches the machine on
    printer.advance(seconds=20)
    printer.tap("bob")  # within 30 s: bob is inducted
    assert wait_until(lambda: watcher.on("/node/printer/training"))
    training = decode(TrainingEvent, watcher.on("/node/printer/training")[0])
    assert training.skill == "3d-printing"
    assert training.resource == "3d-printer"
    assert training.trainer_id != training.member_id
    printer.tap("grace")  # grace ends the demo
    assert not printer.is_on(RELAY)
    printer.tap("bob")  # bob may use it at once, before the hub has heard of it
    assert printer.is_on(RELAY)


def test_an_induction_needs_the_trainee_within_the_window(nodes, watcher):
    printer = nodes("printer")
    printer.tap("grace")
    printer.advance(seconds=31)
    printer.tap("bob")
    time.sleep(0.3)
    assert watcher.on("/node/printer/training") == []
    assert decisions(watcher)[-1].reason == "machine_in_use"


def test_a_plain_member_cannot_train(nodes, watcher):
    printer = nodes("printer")
    printer.tap("ada")  # trained, but not a trainer
    printer.tap("bob")
    time.sleep(0.3)
    assert watcher.on("/node/printer/training") == []


def test_long_press_puts_it_out_of_service_and_only_a_maintainer_brings_it_back(nodes, watcher):
    printer = nodes("printer")
    printer.pin(BUTTON).drive_low()
    time.sleep(0.8)  # held past long_press_seconds (0.5)
    printer.pin(BUTTON).drive_high()
    assert wait_until(lambda: watcher.on("/node/printer/service"))
    printer.core.sync()
    printer.tap("ada")
    assert not printer.is_on(RELAY)
    printer.tap("grace")  # a trainer is no maintainer
    assert not printer.is_on(RELAY)
    printer.tap("root")  # the maintainer puts it back (no session)
    assert not printer.is_on(RELAY)
    printer.tap("ada")
    assert printer.is_on(RELAY)
    def states():
        return [decode(ResourceState, raw).state for raw in watcher.on("/node/printer/state")]

    assert wait_until(lambda: states()[-1:] == ["in_use"])
    assert "out_of_service" in states()
    events = [decode(ServiceEvent, raw) for raw in watcher.on("/node/printer/service")]
    assert [(e.out_of_service, e.source) for e in events] == [(True, "button"), (False, "maintainer")]
    assert [d.reason for d in decisions(watcher)][:2] == ["out_of_service", "out_of_service"]


def test_a_short_press_does_not_mark_it_out_of_service(nodes, watcher):
    printer = nodes("printer")
    printer.pin(BUTTON).drive_low()
    printer.pin(BUTTON).drive_high()
    time.sleep(0.7)
    printer.tap("ada")
    assert printer.is_on(RELAY)
    assert watcher.on("/node/printer/service") == []


def test_a_machine_retired_mid_session_is_switched_off_and_its_session_ended(nodes, watcher,
                                                                            maker_space, tmp_path):
    from tests.integration.cli_helpers import run

    printer = nodes("printer")
    printer.tap("ada")
    assert printer.is_on(RELAY)
    version = printer.core.base.version
    rules = maker_space.rules_path.read_text()
    start = rules.index('[[resource]]\nname = "3d-printer"')
    end = rules.index("[[resource]]", start + 1)
    retired = tmp_path / "rules.toml"
    retired.write_text((rules[:start] + rules[end:]).replace('"3d-printer", ', ""))
    result = run("rules", "apply", str(retired))
    assert result.code == 0, result.err
    assert run("snapshot", "publish").code == 0
    assert wait_until(lambda: printer.core.base.version > version)
    assert printer.core.sync()
    assert not printer.is_on(RELAY)  # nobody owns the power any more: it goes off
    assert wait_until(lambda: len(sessions(watcher)) == 2)
    assert sessions(watcher)[-1].end_reason == "admin"
    printer.tap("ada")
    assert not printer.is_on(RELAY)
    assert wait_until(lambda: decisions(watcher)[-1].reason == "unknown_resource")


def test_after_an_extension_the_retained_state_shows_the_new_end(nodes, watcher):
    printer = nodes("printer")
    printer.tap("ada")
    printer.advance(minutes=475)  # in the warning
    printer.tap("ada")  # extended: 480 minutes from now
    assert wait_until(lambda: len(sessions(watcher)) == 2)
    extended_until = printer.clock.now() + timedelta(minutes=480)
    assert wait_until(lambda: decode(ResourceState, watcher.on("/node/printer/state")[-1]).until
                      == extended_until)


def test_the_in_use_led_comes_back_steady_after_another_tap_during_a_session(nodes):
    printer = nodes("printer")
    printer.tap("ada")
    assert printer.is_on(LED)
    printer.tap("bob")  # refused: three flashes
    assert wait_until(lambda: len(printer.pin(LED).states) > 3, 3)
    assert wait_until(lambda: printer.is_on(LED), 3)  # steady again while the relay is on
    time.sleep(1.2)
    assert printer.is_on(LED) and printer.is_on(RELAY)
    printer.tap("ada")  # ends: a last flash, then dark
    time.sleep(1.3)
    assert not printer.is_on(LED)


def test_offline_a_member_at_the_floor_cannot_run_session_after_session(nodes, watcher, maker_space):
    """No hub prices what the node reports: the node lowers the balance by its own sessions."""
    printer = nodes("printer")  # Ada's balance 0, the floor 0: the hub is away
    printer.tap("ada")
    printer.advance(minutes=30)
    printer.tap("ada")  # 1.00 EUR the hub has not seen
    printer.tap("ada")
    assert not printer.is_on(RELAY)
    assert wait_until(lambda: len(decisions(watcher)) == 3)
    assert decisions(watcher)[-1].reason == "not_enough_credit"
    printer.stop()  # what it spent survives a restart
    again = NodeUnderTest(maker_space, "printer", printer.clock).start()
    try:
        again.tap("ada")
        assert not again.is_on(RELAY)
        again.tap("grace")  # another member's balance is hers
        assert again.is_on(RELAY)
    finally:
        again.stop()


def test_a_machine_renamed_mid_session_ends_the_session_and_the_new_one_does_not_resume_it(
        nodes, watcher, maker_space, tmp_path, caplog):
    """The session's end is still on its way to the disk when the new machine reads its state."""
    import logging

    from tests.integration.cli_helpers import run

    printer = nodes("printer")
    printer.tap("ada")
    assert printer.is_on(RELAY)
    version = printer.core.base.version
    renamed = tmp_path / "rules.toml"
    renamed.write_text(maker_space.rules_path.read_text().replace("3d-printer", "resin-printer"))
    assert run("rules", "apply", str(renamed)).code == 0
    with caplog.at_level(logging.INFO, logger="access.node.machine"):
        assert run("snapshot", "publish").code == 0
        assert wait_until(lambda: printer.core.base.version > version)
        assert printer.core.sync()
    assert "resuming session" not in caplog.text
    assert not printer.is_on(RELAY)
    assert printer.core.behaviour.session is None
    assert wait_until(lambda: len(sessions(watcher)) == 2)
    assert (sessions(watcher)[-1].resource, sessions(watcher)[-1].end_reason) == ("3d-printer",
                                                                                  "admin")
