"""A full or read-only SD card never kills the door: a real tmpfs as the node's data dir."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import msgspec
import pytest

from access.bus.schemas import TapEvent, decode
from tests.integration.node_helpers import (
    RELAY,
    FakeClock,
    NodeUnderTest,
    next_wednesday_10am,
    wait_until,
)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 16 MB tmpfs as the node's data dir, to fill or make read-only (the WAL may reach 4 MB)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "sd"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                      check=False, capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _remount(mount: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mount)], check=True)


def _fill(mount: Path) -> Path:
    filler = mount / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass  # full
    return filler


def _on(config, data_dir: Path):
    return msgspec.structs.replace(config,
        paths=msgspec.structs.replace(config.paths, data_dir=str(data_dir)))


def _statuses(watcher) -> list[dict]:
    return [json.loads(raw) for raw in watcher.on("/node/entrance/status")]


def _taps(watcher) -> set[str]:
    return {str(decode(TapEvent, raw).event_id) for raw in watcher.on("/node/entrance/tap")}


def test_a_full_data_dir_loses_no_tap_and_delivers_them_when_space_returns(maker_space, watcher,
                                                                           small_disk):
    door = NodeUnderTest(_on(maker_space, small_disk), "entrance",
                         FakeClock(next_wednesday_10am())).start()
    try:
        door.tap("ada")
        assert wait_until(lambda: len(_taps(watcher)) == 1)
        filler = _fill(small_disk)
        opened = len(door.core.latencies_s)  # one per allowed tap, when the strike is pulsed
        for _ in range(150):
            door.tap("ada")
            door.tap("stranger")
        assert len(door.core.latencies_s) == opened + 150  # decided and opened from the snapshot
        assert wait_until(lambda: any(s.get("recording") is False for s in _statuses(watcher)))
        filler.unlink()
        assert wait_until(lambda: len(_taps(watcher)) == 301, 60), (
            len(_taps(watcher)), len(door.runner.outbox), door.runner.outbox.recording,
            door.runner.outbox.dropped, door.runner.outbox._held_messages,
            door.runner.outbox._failing, door.runner.publisher._sent_up_to,
            len(door.runner.publisher._inflight))
        assert wait_until(lambda: _statuses(watcher)[-1].get("recording") is True, 20)
        assert door.runner.alive()
    finally:
        door.stop()


def test_a_node_started_on_a_read_only_disk_opens_and_says_it_is_not_recording(
        maker_space, watcher, small_disk, caplog):
    config = _on(maker_space, small_disk)
    clock = FakeClock(next_wednesday_10am())
    NodeUnderTest(config, "entrance", clock).start().stop()  # its snapshot is on the card
    _remount(small_disk, "ro")
    door = NodeUnderTest(config, "entrance", clock).start(want_snapshot=False)
    try:
        assert door.core.base is not None  # read from the read-only card
        for who in ("root", "ada"):  # break-glass and an allowed member
            door.tap(who)
        assert len(door.core.latencies_s) == 2 and door.is_on(RELAY)
        assert "NOT RECORDING" in caplog.text
        assert wait_until(lambda: _statuses(watcher) and _statuses(watcher)[-1].get("recording")
                          is False)
        _remount(small_disk, "rw")
        time.sleep(0.1)
        assert wait_until(lambda: len(_taps(watcher)) == 2, 60), len(_taps(watcher))
        assert door.runner.alive()
        door.runner.publisher.stop()
        assert not door.runner.alive()  # the watchdog sees a dead publisher, not only the worker
    finally:
        door.stop()
