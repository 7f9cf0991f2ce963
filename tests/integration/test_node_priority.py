"""The decision and the relay come first: a tap never waits behind recording or publishing."""

from __future__ import annotations

import logging
import threading
import time

from gpiozero.pins.mock import MockFactory

from access.bus.schemas import DecisionEvent, decode
from access.hardware.outputs import DoorStrike
from tests.integration.node_helpers import RELAY, UIDS, wait_until


def test_a_tap_opens_the_door_at_once_while_a_slow_sd_card_holds_the_worker(nodes, watcher):
    """An SD card that takes seconds per write (a worn card, a full journal) delays only the
    recording: the next member at the door is let in at once, and nothing is lost."""
    door = nodes("entrance")
    disk = threading.Event()
    writing = threading.Event()
    record = door.runner.outbox.record

    def slow_record(messages, state=None):
        writing.set()
        assert disk.wait(10), "the test never let the disk write"
        record(messages, state)

    door.runner.outbox.record = slow_record
    door.reader.tap(UIDS["ada"])
    assert writing.wait(5)  # the worker is stuck in the first tap's write
    assert wait_until(lambda: not door.is_on(RELAY), timeout_s=2)  # relocked (0.4 s)
    door.reader.tap(UIDS["ada"])
    assert door.is_on(RELAY), "the second tap waited for the disk"
    disk.set()
    assert door.core.sync()
    assert wait_until(lambda: len(watcher.on("/decision")) == 2)
    decisions = sorted((decode(DecisionEvent, raw) for raw in watcher.on("/decision")),
                       key=lambda d: d.seq)
    assert [d.allowed for d in decisions] == [True, True]
    assert [s.state for s in door.pin(RELAY).states][:4] == [False, True, False, True]


def test_a_tap_the_node_cannot_handle_is_logged_and_the_reader_goes_on(nodes, caplog):
    door = nodes("entrance")
    tap = door.core.behaviour.tap

    def broken(*args):
        door.core.behaviour.tap = tap  # only the first one
        raise RuntimeError("a bug in a rule")

    door.core.behaviour.tap = broken
    with caplog.at_level(logging.ERROR, logger="access.node.core"):
        door.tap("ada")  # does not raise into the reader's thread
    assert "could not handle" in caplog.text
    assert not door.is_on(RELAY)
    door.tap("ada")
    assert door.is_on(RELAY)


def test_a_second_pulse_keeps_the_door_open_for_its_whole_time():
    """The first pulse's timer, still pending, must not relock the door under the second."""
    factory = MockFactory()
    strike = DoorStrike(17, pin_factory=factory)
    try:
        strike.pulse(0.5)
        time.sleep(0.2)
        strike.pulse(1.0)  # the member taps again before the relock
        time.sleep(0.4)  # the first pulse's time is over (margins of 0.3 s or more: a busy CI)
        assert strike.is_unlocked
        assert wait_until(lambda: not strike.is_unlocked, timeout_s=3)
        states = factory.pin(17).states
        assert [s.state for s in states] == [False, True, False]
        assert 1.1 < states[2].timestamp < 2.0  # open from the first pulse to the end of the second
    finally:
        strike.close()


def test_a_locked_strike_stays_locked_when_an_old_pulse_times_out():
    factory = MockFactory()
    strike = DoorStrike(17, pin_factory=factory)
    try:
        strike.pulse(0.1)
        strike.lock()  # the fire panel, a stop: locked now
        time.sleep(0.2)
        strike.pulse(5)
        strike.lock()
        assert not strike.is_unlocked
        assert [s.state for s in factory.pin(17).states] == [False, True, False, True, False]
    finally:
        strike.close()
    assert wait_until(lambda: not [t for t in threading.enumerate() if t.name == "door-relock"])


def test_the_watchdog_stops_pinging_when_the_readers_thread_dies(nodes, monkeypatch):
    """Taps are decided on the reader's thread: if an unexpected error ends it (not a failed
    read, which it survives), systemd must restart the node instead of a deaf door pinging on."""
    from access.hardware.mfrc522_reader import Mfrc522Reader
    from tests.support.fake_rc522 import fake_rc522_modules

    with fake_rc522_modules() as (chip, _):
        reader = Mfrc522Reader(poll_interval_s=0.01, debounce_s=0.0)
        reader.open()
        door = nodes("entrance", reader=reader)
        chip.place(bytes.fromhex(UIDS["ada"]))
        assert wait_until(lambda: door.is_on(RELAY))  # decided on the poll thread
        chip.place(None)
        assert door.runner.alive()

        def garbled() -> str | None:
            raise IndexError("a short answer from a failing chip")

        died: list[threading.ExceptHookArgs] = []
        monkeypatch.setattr(threading, "excepthook", died.append)
        reader.read_once = garbled  # type: ignore[method-assign]
        assert wait_until(lambda: not reader.alive, timeout_s=2)
        assert [type(d.exc_value) for d in died] == [IndexError]
        assert not door.runner.alive()
