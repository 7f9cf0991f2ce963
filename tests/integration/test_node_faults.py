"""Faults: broker outage, SIGKILL mid-session, malformed messages, a card tapped 100 times."""

import gc
import os
import re
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from access.bus import oneshot
from access.bus.schemas import DecisionEvent, SessionEvent, TapEvent, decode
from access.bus.topics import Topics
from tests.integration.cli_helpers import run
from tests.integration.node_helpers import RELAY, UIDS, NodeUnderTest, makers_at_any_hour, wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_broker_outage_every_tap_is_decided_and_delivered_once(nodes, watcher, broker):
    door = nodes("entrance")
    door.tap("ada")
    assert wait_until(lambda: len(watcher.on("/tap")) == 1)
    broker.stop()
    for _ in range(10):
        door.tap("ada")
        door.tap("stranger")
    assert door.is_on(RELAY) or len(door.pin(RELAY).states) > 2  # decided offline: it opened
    assert len(door.runner.outbox) >= 20
    time.sleep(0.5)
    broker.start()
    assert wait_until(lambda: len(watcher.on("/tap")) >= 21, timeout_s=60)
    assert wait_until(lambda: len(door.runner.outbox) == 0, timeout_s=30)
    time.sleep(0.5)
    taps = [decode(TapEvent, raw) for raw in watcher.on("/tap")]
    assert len(taps) == 21
    assert len({t.event_id for t in taps}) == 21  # each once
    assert [t.seq for t in taps] == sorted(t.seq for t in taps)
    reasons = [decode(DecisionEvent, raw).reason for raw in watcher.on("/decision")]
    assert reasons.count("allowed") == 11
    assert reasons.count("unknown_card") == 10


def test_a_restarted_node_decides_from_its_stored_snapshot_without_broker(nodes, maker_space,
                                                                          broker):
    first = nodes("entrance")
    clock = first.clock
    first.stop()
    broker.stop()
    second = NodeUnderTest(maker_space, "entrance", clock).start(want_snapshot=False)
    try:
        assert second.core.base is not None  # from disk
        second.tap("ada")
        assert second.is_on(RELAY)
    finally:
        second.stop()


def test_malformed_and_oversized_messages_are_logged_and_ignored(nodes, maker_space, caplog):
    printer = nodes("printer")
    version = printer.core.base.version
    topics = Topics(maker_space.site.id)
    snapshot = topics.node_snapshot("printer")
    junk = [b"", b"not json", b"\xff\xfe\x00", b"{}", b'{"v": 2}', b"[1, 2, 3]",
            b'{"v": 1, "version": 1, "generated_at": "2026-11-25T10:00:00Z", "timezone": "Mars/Olympus",'
            b' "day_cutoff": "04:00", "rules": ""}',
            b'{"v": 1, "version": 99999999999999, "generated_at": "2026-11-25T10:00:00Z",'
            b' "timezone": "Europe/Paris", "day_cutoff": "04:00", "rules": "[[rule]]\\nname = 1"}',
            b'{"' + b"x" * 40_000_000 + b'": 1}']
    messages = [(snapshot, raw) for raw in junk]
    for action in ("unlock", "service", "stop-session", "self-destruct"):
        for raw in (b"", b"garbage", b'{"actor": ""}', b'{"actor": "x", "out_of_service": "maybe"}',
                    b'{"actor": "' + b"a" * 20_000 + b'"}'):
            messages.append((topics.command("printer", action), raw))
    oneshot.publish(maker_space.mqtt.url, messages)
    assert wait_until(lambda: caplog.text.count("ignored") >= len(messages) - 2, timeout_s=20)
    printer.core.sync()
    assert printer.core.base.version == version
    assert printer.core._thread.is_alive()
    printer.tap("ada")
    assert printer.is_on(RELAY)  # still deciding, from the good snapshot
    assert "exceeds" in caplog.text


def test_an_unknown_card_tapped_100_times_is_denied_every_time_without_growth(nodes, watcher):
    door = nodes("entrance")

    def hundred_taps_delivered():
        for _ in range(100):
            door.tap("stranger")
        assert wait_until(lambda: len(watcher.on("/decision")) == 100, timeout_s=20)
        reasons = {decode(DecisionEvent, raw).reason for raw in watcher.on("/decision")}
        assert reasons == {"unknown_card"}  # denied every time
        assert wait_until(lambda: len(door.runner.outbox) == 0)
        with watcher.lock:
            watcher.messages.clear()  # what the test kept is not the node's memory
        gc.collect()
        if not tracemalloc.is_tracing():
            return None
        # re's cache of compiled patterns is bounded (512), so not a leak; a first compile by any
        # thread during the window once showed up here as 18 KiB (CI, 2026-11-23). msgspec's
        # cache of short strings is bounded too: it grows up to ~3.3 KiB over the first ~10,000
        # decodes (the node checks each payload it builds by decoding it), then stays.
        ignored = (tracemalloc.__file__, re.__file__, re._compiler.__file__)
        return tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, f) for f in ignored])

    hundred_taps_delivered()  # warm caches, logging, sqlite statements
    tracemalloc.start()
    try:
        before = hundred_taps_delivered()
        after = hundred_taps_delivered()
    finally:
        tracemalloc.stop()
    stats = after.compare_to(before, "lineno")
    growth = sum(stat.size_diff for stat in stats)
    assert growth < 16 * 1024, "memory grew over 100 taps:\n" + "\n".join(map(str, stats[:8]))
    assert [s.state for s in door.pin(RELAY).states] == [False]


def _start_node_process(site_dir: Path, broker, pin_log: Path) -> subprocess.Popen:
    env = {**os.environ, "SEUIL_CONFIG": str(site_dir / "seuil.toml"), "SEUIL_MQTT_URL": broker.url}
    with open(site_dir / "node.log", "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "tests.support.node_process", "printer",
                                 str(pin_log)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=log)


def _relay_log(pin_log: Path) -> list[str]:
    if not pin_log.exists():
        return []
    return [line.split()[1] for line in pin_log.read_text().splitlines()
            if line.split()[0] == f"GPIO{RELAY}"]


def _tap_until_accepted(uid: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if run("tap", "--node", "printer", "--uid", uid).code == 0:
            return
        time.sleep(0.1)  # the node is still starting
    raise AssertionError("the node never listened")


def test_sigkill_mid_session_keeps_power_on_and_the_session_ends_correctly(maker_space, site_dir,
                                                                          broker, watcher, tmp_path):
    first_log, second_log = tmp_path / "pins-1.log", tmp_path / "pins-2.log"
    makers_at_any_hour(site_dir)  # the node processes run on the real clock
    node = _start_node_process(site_dir, broker, first_log)
    try:
        # in use, not only on disk: the site's setup may have left the file (a tap before the node
        # has read it is refused, unknown_resource, as it should be)
        assert wait_until(lambda: " in use: " in (site_dir / "node.log").read_text(), 20)
        _tap_until_accepted(UIDS["ada"])
        assert wait_until(lambda: _relay_log(first_log) == ["1"], 10)
        assert wait_until(lambda: len(watcher.on("/node/printer/session")) == 1, 10)
        time.sleep(1.0)
    finally:
        node.send_signal(signal.SIGKILL)
        node.wait(10)
    node = _start_node_process(site_dir, broker, second_log)
    try:
        assert wait_until(lambda: _relay_log(second_log) == ["1"], 20)  # claimed on, never off
        time.sleep(1.0)
        assert _relay_log(second_log) == ["1"]
        _tap_until_accepted(UIDS["ada"])
        assert wait_until(lambda: _relay_log(second_log) == ["1", "0"], 10)
        assert wait_until(lambda: len({e.event_id for e in _sessions(watcher)}) == 2, 10)
    finally:
        node.send_signal(signal.SIGTERM)
        node.wait(10)
    events = {e.event_id: e for e in _sessions(watcher)}.values()
    start, stop = sorted(events, key=lambda e: e.seq)
    assert (start.action, stop.action) == ("start", "stop")
    assert stop.session_id == start.session_id
    assert stop.started_at == start.started_at
    assert stop.end_reason == "tap"
    assert 2 <= stop.active_seconds <= 30  # timed from the first start, across the crash


def _sessions(watcher) -> list[SessionEvent]:
    return [decode(SessionEvent, raw) for raw in watcher.on("/node/printer/session")]
