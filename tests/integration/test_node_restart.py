"""A restart never cuts a running job, on a pin model where lines die with their process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from access.bus.schemas import SessionEvent, decode
from tests.integration.cli_helpers import run
from tests.integration.node_helpers import RELAY, UIDS, makers_at_any_hour, wait_until
from tests.support.sim_gpio import LatchingRelay, SimChip

ROOT = Path(__file__).resolve().parents[2]
SET, RESET = 5, 6  # a latching relay's coils


class Process:
    """A program of the node's Pi, its outputs on the simulated chip; its log in ``log``."""

    def __init__(self, module: str, site_dir: Path, broker, chip: SimChip, name: str) -> None:
        self.log = site_dir / f"{name}.log"
        self.module, self.site_dir, self.broker, self.chip = module, site_dir, broker, chip
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        env = {**os.environ, "SEUIL_CONFIG": str(self.site_dir / "seuil.toml"),
               "SEUIL_MQTT_URL": self.broker.url}
        self.log.write_bytes(b"")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module, "printer", os.devnull, str(self.chip.path)],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        return self

    def wait_for(self, text: str, timeout_s: float = 20) -> Process:
        assert wait_until(lambda: text in self.log.read_text(), timeout_s), self.log.read_text()
        return self

    def wait_for_snapshot(self) -> None:
        """A first start gets its snapshot from the broker: a card read before it is refused."""
        self.wait_for("node printer started").wait_for(" in use: ")

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)
        self.process.wait(10)


def _keep_the_printers_relay(site_dir: Path) -> None:
    config = site_dir / "seuil.toml"
    text = config.read_text()
    config.write_text(text.replace("[nodes.printer]\n", "[nodes.printer]\nrelay_keeper = true\n"))


def _sessions(watcher) -> list[SessionEvent]:
    return [decode(SessionEvent, raw) for raw in watcher.on("/node/printer/session")]


def _tap(uid: str) -> None:
    assert run("tap", "--node", "printer", "--uid", uid).code == 0


def test_a_node_that_holds_its_relay_itself_cuts_the_machine_when_it_dies(maker_space, site_dir,
                                                                           broker, tmp_path):
    """The pin model does what a Pi does: a line dies with its process (why the keeper exists)."""
    makers_at_any_hour(site_dir)
    chip = SimChip(tmp_path / "chip.sock")
    node = Process("tests.support.node_process", site_dir, broker, chip, "node")
    try:
        node.start().wait_for_snapshot()
        _tap(UIDS["ada"])
        assert wait_until(lambda: chip.levels(RELAY) == [0, 1], 10)
        node.signal(signal.SIGKILL)
        assert wait_until(lambda: chip.levels(RELAY) == [0, 1, 0], 10)
        assert not chip.held(RELAY)
    finally:
        node.signal(signal.SIGTERM)
        chip.close()


@contextlib.contextmanager
def _ada_printing_with_a_keeper(site_dir: Path, broker, watcher, tmp_path: Path):
    """The printer's relay held by its keeper, both real processes; Ada's session running."""
    makers_at_any_hour(site_dir)  # the processes run on the real clock
    _keep_the_printers_relay(site_dir)
    chip = SimChip(tmp_path / "chip.sock")
    keeper = Process("tests.support.keeper_process", site_dir, broker, chip, "keeper")
    node = Process("tests.support.node_process", site_dir, broker, chip, "node")
    keeper.start().wait_for("holding")
    try:
        node.start().wait_for_snapshot()
        _tap(UIDS["ada"])
        assert wait_until(lambda: chip.levels(RELAY) == [0, 1], 10)
        assert wait_until(lambda: len(_sessions(watcher)) == 1, 10)  # the session is on disk
        yield chip, keeper, node
    finally:
        node.signal(signal.SIGTERM)
        keeper.signal(signal.SIGTERM)
        chip.close()


def test_sigkill_and_restart_of_the_node_never_cut_a_running_machine(maker_space, site_dir, broker,
                                                                     watcher, tmp_path):
    with _ada_printing_with_a_keeper(site_dir, broker, watcher, tmp_path) as (chip, _, node):
        node.signal(signal.SIGKILL)  # a crash
        node.start().wait_for("node printer started")
        node.signal(signal.SIGTERM)  # systemctl restart, an upgrade
        node.start().wait_for("node printer started")
        time.sleep(0.5)
        assert chip.levels(RELAY) == [0, 1], "the machine was cut"
        _tap(UIDS["ada"])  # the session ends as usual
        assert wait_until(lambda: chip.levels(RELAY) == [0, 1, 0], 10)
        assert wait_until(lambda: len({e.event_id for e in _sessions(watcher)}) == 2, 10)
    start, stop = sorted({e.event_id: e for e in _sessions(watcher)}.values(), key=lambda e: e.seq)
    assert (start.action, stop.action, stop.end_reason) == ("start", "stop", "tap")
    assert stop.session_id == start.session_id


def test_a_node_learns_from_its_keeper_that_the_power_was_cut_and_ends_the_session(
        maker_space, site_dir, broker, watcher, tmp_path):
    """The keeper restarted (or the Pi rebooted) while the node was down: the relay is off."""
    with _ada_printing_with_a_keeper(site_dir, broker, watcher, tmp_path) as (chip, keeper, node):
        node.signal(signal.SIGKILL)
        keeper.signal(signal.SIGKILL)  # the line is released: the machine stops
        keeper.start().wait_for("holding")
        node.start().wait_for("node printer started")
        assert wait_until(lambda: [e.action for e in _sessions(watcher)][-1:] == ["stop"], 10)
        time.sleep(0.3)
        assert chip.levels(RELAY) == [0, 1, 0]  # and the node did not switch it back on itself
    assert _sessions(watcher)[-1].end_reason == "power_lost"


def test_a_latching_relay_holds_the_machine_through_a_crash_of_the_node(maker_space, site_dir,
                                                                        broker, watcher, tmp_path):
    makers_at_any_hour(site_dir)
    config = site_dir / "seuil.toml"
    printer = f'[nodes.printer]\nreader = "fake"\nrelay = {{ pin = {RELAY} }}\n'
    assert printer in config.read_text()
    config.write_text(config.read_text().replace(printer, (
        '[nodes.printer]\nreader = "fake"\n'
        f'latching_relay = {{ set_pin = {SET}, reset_pin = {RESET}, pulse_seconds = 0.03 }}\n')))
    relay = LatchingRelay(SET, RESET, min_pulse_s=0.02)
    chip = SimChip(tmp_path / "chip.sock", latching=relay)
    node = Process("tests.support.node_process", site_dir, broker, chip, "node")
    try:
        node.start().wait_for_snapshot()
        _tap(UIDS["ada"])
        assert wait_until(lambda: relay.history == [False, True], 10)
        assert wait_until(lambda: len(_sessions(watcher)) == 1, 10)
        node.signal(signal.SIGKILL)  # its lines are released; the relay does not care
        node.start().wait_for("node printer started")
        time.sleep(0.3)
        assert relay.history == [False, True]
        _tap(UIDS["ada"])
        assert wait_until(lambda: relay.history == [False, True, False], 10)
    finally:
        node.signal(signal.SIGTERM)
        chip.close()
