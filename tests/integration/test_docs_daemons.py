"""README's "A door and a printer on your laptop" runs as written, line by line, on a fixed clock.

The daemons of the block run as the real ``NodeRunner`` (fake reader on its socket, gpiozero's
mock pins: ``GPIOZERO_PIN_FACTORY=mock``) and ``HubRunner``, in this process so that their
clock is the test's: Tuesday 1 December 2026, 10:00 in Paris, whatever the hour the test runs
(after 20:00 the opening hours would refuse Ada at the door). The clock moves on 20 minutes
after each tap, as a person would (and the test waits out the reader's debounce, which is real
time): the print lasts 20 minutes and is billed. ``seuil tap`` and
the other admin commands run through the real entry point; ``card enroll --tap`` runs as its
own process, as in a second terminal, since it waits for the tap.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from access.bootstrap import open_site
from access.config import load_config
from access.hub.runner import HubRunner
from tests.integration.cli_helpers import run
from tests.integration.node_helpers import FakeClock, NodeUnderTest, wait_until
from tests.integration.test_docs_run import (  # noqa: F401  (fixtures)
    FIXED_NOW,
    ROOT,
    fixed_clock,
    fresh,
    run_line,
    runnable,
    shell_blocks,
)

DAEMONS_BLOCK = ".venv/bin/seuil hub &"
KIOSK = "kiosk"
"""``seuil kiosk --windowed &`` needs a screen: tests/integration/test_kiosk.py runs it."""
MINUTES_AFTER_A_TAP = 20


class Walkthrough:
    """Runs the block's lines: daemons on the test's clock, commands through the CLI."""

    def __init__(self, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.site, self.monkeypatch = site, monkeypatch
        self.clock = FakeClock(FIXED_NOW.astimezone(UTC))
        self.config = load_config()
        self.nodes: dict[str, NodeUnderTest] = {}
        self.hub: HubRunner | None = None
        self.waiting: subprocess.Popen[str] | None = None
        self.ran: list[str] = []

    def line(self, line: str) -> None:
        words = shlex.split(line, comments=True)
        background = words[-1] == "&"
        words = [w for w in words if w != "&" and "=" not in w.split("/")[0]]  # VAR=value
        assert words[0] == ".venv/bin/seuil", line
        command = words[1:]
        self.ran.append(command[0])
        if command[0] == "hub":
            self._start_hub()
        elif command[0] == "node":
            node_id = command[command.index("--node") + 1]
            self.nodes[node_id] = NodeUnderTest(self.config, node_id, self.clock, on_socket=True).start()
        elif command[0] == KIOSK:
            assert background
        elif command[:2] == ["card", "enroll"] and background:
            self._wait_for_a_tap(command)
        elif command[0] == "tap":
            node = self.nodes[command[command.index("--node") + 1]]
            decided = len(self._decisions(node))
            result = run(*command)
            assert result.code == 0, (line, result.err)
            # The tap reaches the node's queue through its socket's thread: once the hub has
            # its decision, the node has handled it (and the marker of sync() comes after it).
            assert wait_until(lambda: len(self._decisions(node)) == decided + 1), line
            assert node.core.sync()
            self.after_tap(node)
            self.clock.advance(minutes=MINUTES_AFTER_A_TAP)
            # The reader's debounce is real time (a card left on it counts once): a person's
            # next tap comes later than that.
            time.sleep(self.config.node(node.runner.node_id).debounce_seconds + 0.1)
        else:
            run_line(line.replace(".venv/bin/seuil", "seuil").rstrip("& "), self.site, self.monkeypatch)

    @staticmethod
    def _decisions(node: NodeUnderTest) -> list[object]:
        assert node.core.resource is not None
        return list(json.loads(run("log", "--resource", node.core.resource.name, "--json").out))

    def after_tap(self, node: NodeUnderTest) -> None:
        """Overridden by the test: what it checks right after each tap."""

    def relay_on(self, node_id: str) -> bool:
        relay = self.config.node(node_id).relay
        assert relay is not None
        return bool(self.nodes[node_id].pin(relay.pin).state) == relay.active_high

    def _start_hub(self) -> None:
        site = open_site()
        started = time.monotonic()
        site.now = lambda: self.clock.now() + timedelta(seconds=time.monotonic() - started)
        self.hub = HubRunner(site, scheduler=False)
        self.hub.start()
        assert self.hub.subscribed.wait(10)

    def _wait_for_a_tap(self, command: list[str]) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.waiting = subprocess.Popen([sys.executable, "-m", "access.cli.main", *command],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env)
        assert self.waiting.stderr is not None
        assert "Tap the card" in self.waiting.stderr.readline()  # it listens: tap now

    def stop(self) -> None:
        if self.waiting is not None and self.waiting.poll() is None:
            self.waiting.kill()
        for node in self.nodes.values():
            node.stop()
        if self.hub is not None:
            self.hub.stop()
            self.hub.site.store.close()


def test_the_readme_door_and_printer_walkthrough_runs_on_a_fixed_clock(fresh, monkeypatch, broker):  # noqa: F811
    monkeypatch.setenv("SEUIL_MQTT_URL", broker.url)
    for line in runnable(ROOT / "README.md"):  # the admin CLI in five lines: the sample site
        run_line(line, fresh, monkeypatch)
    block = next(b for b in shell_blocks(ROOT / "README.md") if b[0].startswith(DAEMONS_BLOCK))
    walk = Walkthrough(fresh, monkeypatch)
    seen: list[tuple[str, bool]] = []
    walk.after_tap = lambda node: seen.append((node.runner.node_id, walk.relay_on(node.runner.node_id)))
    try:
        for line in block:
            walk.line(line)
        assert walk.waiting is not None
        out, err = walk.waiting.communicate(timeout=30)
        assert walk.waiting.returncode == 0, err
    finally:
        walk.stop()
    assert walk.ran == ["hub", "node", "node", "tap", "tap", "tap", "ledger", "kiosk", "card", "tap"]
    # The door opened for Ada, the printer went on and off; the spare fob was refused at the
    # door (unknown then) and enrolled.
    assert seen[:3] == [("entrance", True), ("printer", True), ("printer", False)]
    door = json.loads(run("log", "--resource", "front-door", "--json").out)
    assert [(t["member"], t["allowed"], t["reason"]) for t in door] == [
        ("Ada Lovelace", True, "allowed"), (None, False, "unknown_card")]
    assert out.startswith("enrolled card #2") and "to Ada Lovelace" in out
    cards = json.loads(run("card", "list", "--member", "ada", "--json").out)
    assert [c["label"] for c in cards] == ["", "spare fob"]
    # She is in, and the 20-minute print is billed once: 2 blocks of 15 min at 2.00/h.
    assert wait_until(lambda: json.loads(run("ledger", "balance", "ada", "--json").out)["cents"] == -100)
    taps = json.loads(run("log", "--member", "ada", "--json").out)
    assert [(t["resource"], t["allowed"]) for t in taps][:3] == [
        ("front-door", True), ("3d-printer", True), ("3d-printer", True)]
    visits = json.loads(run("report", "visits", "--from", "2026-12-01", "--to", "2026-12-01",
                            "--json").out)
    assert [v["member"] for v in visits] == ["Ada Lovelace"]
