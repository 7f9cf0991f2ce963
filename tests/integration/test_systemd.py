"""The systemd units, and the daemons' side of systemd's notify protocol (READY, WATCHDOG, STOPPING)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.node_helpers import use_test_nodes

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "systemd").glob("*.service")) + sorted((ROOT / "systemd").glob("*.timer"))
SYSTEM_UNITS = Path("/usr/lib/systemd/system")


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    """In a scratch root holding the programs the units start, as install.sh lays them out."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None or not (SYSTEM_UNITS / "sysinit.target").exists():
        pytest.skip("systemd is not installed here")
    root = tmp_path / "root"
    for program in ("opt/seuil/venv/bin/seuil", "opt/seuil/venv/bin/python", "usr/bin/cage", "usr/bin/env"):
        path = root / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    installed = root / "etc/systemd/system"
    installed.mkdir(parents=True)
    names = []
    for unit in UNITS:
        shutil.copy(unit, installed)
        names.append(unit.name.replace("@.", "@entrance."))
    assert {"seuil-hub.service", "seuil-node@entrance.service", "seuil-kiosk.service"} <= set(names)
    result = subprocess.run([analyze, "verify", "--man=no", f"--root={root}", *names], cwd=installed,
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("unit", ["seuil-hub.service", "seuil-node@.service", "seuil-kiosk.service"])
def test_each_daemon_is_watched_restarted_and_fenced(unit):
    text = (ROOT / "systemd" / unit).read_text()
    settings = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in text.splitlines()
                if "=" in line and not line.startswith("#")}
    assert settings["Type"] == "notify" and int(settings["WatchdogSec"]) > 0
    assert settings["Restart"] == "always" and settings["User"] == "seuil"
    assert settings["NoNewPrivileges"] == "yes" and settings["ProtectSystem"] == "strict"
    assert settings["PrivateTmp"] == "yes" and settings["StateDirectory"] == "seuil"
    assert "mosquitto.service" in text and "time-sync.target" in text


class NotifySocket:
    """What systemd would receive from a daemon it started with Type=notify."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.5)
        self.received: list[str] = []

    def wait_for(self, message: str, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while message not in self.received and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                self.received.extend(self.sock.recv(256).decode().split("\n"))
        return message in self.received

    def close(self) -> None:
        self.sock.close()


@pytest.mark.parametrize("command", [["hub"], ["node", "--node", "entrance"]], ids=["hub", "node"])
def test_a_daemon_says_ready_pings_the_watchdog_and_says_stopping(site_dir, broker, tmp_path, command):
    use_test_nodes(site_dir)
    notify = NotifySocket(tmp_path / "notify.sock")
    env = {**os.environ, "SEUIL_CONFIG": str(site_dir / "seuil.toml"), "SEUIL_MQTT_URL": broker.url,
           "NOTIFY_SOCKET": str(notify.path), "WATCHDOG_USEC": "1000000", "GPIOZERO_PIN_FACTORY": "mock"}
    with open(tmp_path / "daemon.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-X", "faulthandler", "-c",
                                    "import sys; from access.cli.main import main; sys.exit(main())",
                                    *command], env=env, stdout=log, stderr=log)
    try:
        assert notify.wait_for("READY=1", 30), (tmp_path / "daemon.log").read_text()
        assert notify.wait_for("WATCHDOG=1", 3)
        pings = notify.received.count("WATCHDOG=1")
        assert notify.wait_for("never", 1.6) is False and notify.received.count("WATCHDOG=1") > pings
        process.send_signal(signal.SIGTERM)
        assert exit_code(process, 30) == 0, (tmp_path / "daemon.log").read_text()
        assert notify.wait_for("STOPPING=1", 2)
    finally:
        if process.poll() is None:
            process.kill()
        notify.close()


def exit_code(process: subprocess.Popen[bytes], timeout_s: float) -> int | str:
    """The exit code; or, if the daemon hangs, SIGABRT it: faulthandler writes every thread's
    stack to its log, which the failing assertion shows."""
    try:
        return process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        process.wait(10)
        return f"still running {timeout_s:.0f} s after SIGTERM"


@pytest.mark.parametrize("alive", [True, False], ids=["well", "stuck"])
def test_the_watchdog_is_pinged_only_while_the_worker_is_alive(tmp_path, alive):
    notify = NotifySocket(tmp_path / "notify.sock")
    code = ("from access.lifecycle import run_until_signalled; "
            f"run_until_signalled(lambda: None, lambda: None, alive=lambda: {alive})")
    env = {**os.environ, "NOTIFY_SOCKET": str(notify.path), "WATCHDOG_USEC": "400000"}
    process = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        assert notify.wait_for("READY=1", 10)
        assert notify.wait_for("WATCHDOG=1", 1.5) is alive
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0 and notify.wait_for("STOPPING=1", 2)
    finally:
        if process.poll() is None:
            process.kill()
        notify.close()


STOP_AT_EVERY_LINE = """
import os, signal, sys
from access.lifecycle import run_until_signalled

os.environ["WATCHDOG_USEC"] = "2"  # the loop spins: its every line comes round quickly
os.environ.pop("NOTIFY_SOCKET", None)
for k in range(1, int(sys.argv[1]) + 1):
    state = {"armed": False, "lines": 0}

    def tracer(frame, event, arg):
        if state["armed"] and event == "line":
            state["lines"] += 1
            if state["lines"] == k:
                state["armed"] = False
                signal.raise_signal(signal.SIGTERM)
        return tracer

    sys.settrace(tracer)
    run_until_signalled(lambda: state.update(armed=True), lambda: None, alive=lambda: True)
    sys.settrace(None)
print("stopped every time", flush=True)
"""


def test_sigterm_stops_the_daemon_whichever_line_it_lands_on():
    """Python runs a signal handler in the main thread between two bytecodes. The handler used
    to set a threading.Event, whose lock the main thread holds inside Event.wait(): a SIGTERM
    landing there hung the daemon for good (seen once in CI; 1 stop in a few hundred under load).
    The signal is delivered here at each of the loop's first 300 traced lines in turn."""
    process = subprocess.Popen([sys.executable, "-X", "faulthandler", "-c", STOP_AT_EVERY_LINE, "300"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)  # faulthandler: where it hangs
        out, err = process.communicate()
    result = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    assert result.stdout.strip() == "stopped every time", result.stderr[-3000:]


def test_no_unit_names_a_group_the_system_may_lack():
    """gpio and spi are Raspberry Pi OS's groups: a unit naming one fails with status 216/GROUP
    on plain Debian (found by tests/system). The seuil user's own groups reach the daemons."""
    for unit in UNITS:
        lines = unit.read_text().splitlines()
        assert not [line for line in lines if line.startswith("SupplementaryGroups=")], unit.name


# A stand-in for cage: runs its client (argv[1:]), exits with the client's status when the client
# exits, and aborts (status 134, as cage 0.1.4 does in wl_display_terminate) when sent SIGTERM.
COMPOSITOR = """
import signal, subprocess, sys
signal.signal(signal.SIGTERM, lambda *_: sys.exit(134))
sys.exit(subprocess.call(sys.argv[1:]))
"""
# A stand-in for `seuil kiosk`: READY, then a watchdog ping, a line the relay must not pass on,
# and a clean exit on SIGTERM (it lives while its compositor does).
CLIENT = """
import os, signal, socket, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
def say(message):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.connect(os.environ["NOTIFY_SOCKET"]); s.sendall(message.encode())
    except OSError:  # the relay is gone: go on, as the kiosk would while cage lives
        pass
say("READY=1\\nMAINPID=1")
while True:
    say("WATCHDOG=1")
    time.sleep(0.2)
"""


def relay(tmp_path: Path, notify: NotifySocket, *command: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NOTIFY_SOCKET": str(notify.path), "XDG_RUNTIME_DIR": str(tmp_path)}
    return subprocess.Popen([sys.executable, "-m", "access.notify_relay", *command], env=env)


def test_the_kiosk_relay_passes_on_what_cages_client_says_and_stops_the_client_first(tmp_path):
    """Under cage, the kiosk is not the unit's main process: its READY reaches systemd only
    through the relay (tests/system sees the unit become active). A stop ends the client, whose
    exit ends the compositor cleanly, instead of making cage abort."""
    notify = NotifySocket(tmp_path / "notify.sock")
    process = relay(tmp_path, notify, sys.executable, "-c", COMPOSITOR, sys.executable, "-c", CLIENT)
    try:
        assert notify.wait_for("READY=1", 20) and notify.wait_for("WATCHDOG=1", 3)
        assert not [m for m in notify.received if m.startswith("MAINPID=")]
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0  # the client's clean exit, not the compositor's abort (134)
        assert list(tmp_path.glob("notify-relay-*")) == []  # its socket is gone
    finally:
        if process.poll() is None:
            process.kill()
        notify.close()


def test_the_relay_stops_the_command_itself_when_nobody_said_ready(tmp_path):
    notify = NotifySocket(tmp_path / "notify.sock")
    process = relay(tmp_path, notify, sys.executable, "-c", COMPOSITOR, "sleep", "60")
    left: list[int] = []
    try:
        deadline = time.monotonic() + 20
        while not children_of(process.pid) and time.monotonic() < deadline:  # the relay is up
            time.sleep(0.1)
        time.sleep(0.5)  # and the compositor's own handler is set
        left = [pid for child in children_of(process.pid) for pid in children_of(child)]  # sleep
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 134 and notify.received == []
    finally:
        if process.poll() is None:
            process.kill()
        kill_all(left)
        notify.close()


def test_the_relay_runs_the_command_as_is_outside_systemd(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"}
    result = subprocess.run([sys.executable, "-m", "access.notify_relay", "--", sys.executable, "-c",
                             "import os, sys; print('NOTIFY_SOCKET' in os.environ); sys.exit(3)"],
                            env=env, capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout) == (3, "False\n")


def children_of(pid: int) -> list[int]:
    listed = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(child) for child in listed.stdout.split()]


def kill_all(pids: list[int]) -> None:
    """What a test left behind (the stand-ins it started), by pid."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    with contextlib.suppress(FileNotFoundError):
        return "(zombie)" not in status.read_text()
    return False


def test_cage_and_its_client_end_when_the_relay_is_killed(tmp_path):
    """A watchdog timeout kills the relay (the unit's cgroup only): the compositor, in the login
    session's scope, must not live on beside the next start's."""
    notify = NotifySocket(tmp_path / "notify.sock")
    process = relay(tmp_path, notify, sys.executable, "-c", COMPOSITOR, sys.executable, "-c", CLIENT)
    left: list[int] = []
    try:
        assert notify.wait_for("READY=1", 20)
        [compositor] = children_of(process.pid)
        left = [compositor, *children_of(compositor)]
        process.kill()
        process.wait(10)
        deadline = time.monotonic() + 10
        while alive(compositor) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(compositor), "the compositor lives on"
    finally:
        if process.poll() is None:
            process.kill()
        kill_all(left)
        notify.close()
