"""install.sh on a booted Debian arm64 (the Pi's architecture) under qemu-user-static, measured.

The same install as test_install_system.py, on an arm64 root file system run by the host's
qemu-aarch64 through binfmt_misc, with every role on one Pi: ``install.sh --role
hub,node,kiosk --node entrance --node printer`` from a wheelhouse of cp311 aarch64 wheels
filled on this machine. It proves that the wheels and Debian packages a Pi needs exist for
arm64 and install (PySide6, spidev, evdev, mfrc522 and every pin of constraints.txt), then:
every unit active, a restart of each, a journal free of errors, taps on both nodes reaching the
hub's database, a reboot, an upgrade run and an uninstall run.

Raspberry Pi OS's own repository cannot be reached from here, so its two packages a node
takes from it (``python3-lgpio``, ``python3-rpi-lgpio``) are stood in for by their wheels on
PyPI (``lgpio``, ``rpi-lgpio``), installed into the venv by the test after the install; the
import of each of the node's hardware modules is checked there. The hardware itself is
simulated as on amd64 (mock pins, ``SEUIL_READER=fake``); the kiosk draws with Qt's offscreen
platform (a test-only drop-in), because no frame comes under cage's headless back-end yet.

The figures (install time, start to READY of the node and of the kiosk, tap to relay, RSS of
each service) are printed and written to .cache/system/<suite>-arm64.figures.txt; under
emulation they are a rough proxy for a Pi's speed (docs/install-pi.md has them). About
40 minutes on the 2-core development machine (the install alone 15); never run by .ci/run:

    sudo .venv/bin/python -m pytest -m system tests/system -k bookworm_arm64 -s

Needs ``qemu-user-static`` and ``binfmt-support`` besides debootstrap and systemd-container:
``mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc`` and ``update-binfmts --enable
qemu-aarch64`` if /proc/sys/fs/binfmt_misc/qemu-aarch64 is absent.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.system.test_install_system as system
from tests.system.container import (
    CACHE,
    DEBIAN_ARCH,
    PYTHON,
    Container,
    fresh_container,
    mirror,
    missing_tools,
)
from tests.system.loopback_tunnel import APT_DROP_IN, tunnel
from tests.system.wheelhouse import fill

BINFMT = Path("/proc/sys/fs/binfmt_misc/qemu-aarch64")


def missing_emulation() -> str:
    if missing_tools():
        return missing_tools()
    if not BINFMT.exists() or "enabled" not in BINFMT.read_text():
        return ("no qemu-aarch64 in binfmt_misc: apt-get install qemu-user-static binfmt-support, "
                "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc, "
                "update-binfmts --enable qemu-aarch64")
    return ""


pytestmark = [pytest.mark.system, pytest.mark.slow,
              pytest.mark.skipif(bool(missing_emulation()), reason=missing_emulation() or "ok")]

ROLES = "hub,node,kiosk"
UNITS = (*system.UNITS, system.KIOSK)
SERVICES = {"hub": "seuil-hub.service", "node": "seuil-node@entrance.service",
            "keeper": "seuil-keeper@printer.service", "kiosk": system.KIOSK,
            "mosquitto": "mosquitto.service"}
# What a node takes from Raspberry Pi OS's repository, and the PyPI wheel the test uses instead.
PI_OS_STAND_INS = {"python3-lgpio": "lgpio==0.2.2.0", "python3-rpi-lgpio": "rpi-lgpio==0.6"}
# The kiosk's unit with Qt's offscreen platform instead of cage (test-only, as the other drop-ins);
# emulated Python starts slowly, so systemd waits longer for READY than on a Pi.
TEST_OFFSCREEN = """[Service]
ExecStart=
ExecStart=/opt/seuil/venv/bin/seuil kiosk
Environment=QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software SEUIL_READER=fake
TTYPath=
StandardInput=null
TimeoutStartSec=600
"""
# systemd under qemu-user cannot set up a unit's credentials (its own systemd-sysusers fails the
# same way: "Failed to set up credentials: Invalid argument", status 243/CREDENTIALS), so the
# test hands each program its broker password as LoadCredential= would: a copy readable by
# seuil alone, in a folder named by CREDENTIALS_DIRECTORY. A Pi's systemd runs natively.
CREDENTIALS = "/root/test-credentials.sh"
COPY_CREDENTIAL = r"""#!/bin/sh
# $1: the unit (seuil-node@entrance.service); its broker password, as LoadCredential= would.
name=${1%.service}; name=${name#seuil-}; role=$(printf %s "$name" | tr @ -)
case $role in hub|kiosk|node-*) ;; *) exit 0 ;; esac
dir=/run/seuil-test-credentials/$1
install -d -m 0700 -o seuil -g seuil "$dir"
install -m 0400 -o seuil -g seuil "/etc/seuil/mqtt/$role" "$dir/mqtt-password"
"""
EMULATED = f"""[Service]
TimeoutStartSec=600
LoadCredential=
Environment=CREDENTIALS_DIRECTORY=/run/seuil-test-credentials/%n
ExecStartPre=+/bin/sh {CREDENTIALS} %n
"""
DROP_INS = {**{path: text for path, text in system.DROP_INS.items() if "kiosk" not in path},
            "/etc/systemd/system/seuil-kiosk.service.d/50-test-screen.conf": TEST_OFFSCREEN,
            # seuil-.service.d: every seuil-* unit (the hub's own folder is the install's)
            "/etc/systemd/system/seuil-.service.d/60-test-emulated.conf": EMULATED,
            "/etc/systemd/system/seuil-node@.service.d/60-test-emulated.conf": EMULATED,
            # nor a unit's network namespace ("Failed to set up network namespacing: Input/output
            # error", 225/NETWORK): the keeper, which needs no network, keeps the container's
            "/etc/systemd/system/seuil-keeper@.service.d/60-test-emulated.conf":
                "[Service]\nPrivateNetwork=no\n",
            CREDENTIALS: COPY_CREDENTIAL,
            # what Raspberry Pi OS has and minbase lacks: without it the kiosk's login session logs
            # "pam_env(login:session): Unable to open env file: /etc/default/locale" as an error
            "/etc/default/locale": "LANG=C.UTF-8\n"}
# Imports a node and a kiosk make on a Pi, run by the installed venv as the seuil user.
IMPORTS = r"""
import json, platform, sys
import lgpio, RPi.GPIO, spidev, evdev
from mfrc522 import MFRC522
from gpiozero.pins.lgpio import LGPIOFactory
from PySide6 import QtCore, QtQuick, QtQml
from pathlib import Path
qml = Path(QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.QmlImportsPath))
print(json.dumps({"machine": platform.machine(), "python": platform.python_version(),
                  "qt": QtCore.qVersion(), "keyboard": (qml / "QtQuick/VirtualKeyboard").is_dir(),
                  "modules": {m.__name__: m.__file__ for m in (lgpio, RPi.GPIO, spidev, evdev)},
                  "mfrc522": MFRC522.__module__, "factory": LGPIOFactory.__name__}))
"""
FIGURES: dict[str, str] = {}


def figure(name: str, value: str) -> None:
    FIGURES[name] = value
    print(f"{name}: {value}")


def monotonic_us(box: Container, unit: str) -> dict[str, int]:
    shown = box.run("systemctl", "show", "-p", "ExecMainStartTimestampMonotonic",
                    "-p", "ActiveEnterTimestampMonotonic", "-p", "MainPID", unit).stdout
    return {key: int(value) for key, value in (line.split("=", 1) for line in shown.split())}


def start_to_ready_s(box: Container, unit: str) -> float:
    """From the exec of the unit's main process to its READY=1 (its last start), by systemd's clock."""
    stamps = monotonic_us(box, unit)
    started, ready = stamps["ExecMainStartTimestampMonotonic"], stamps["ActiveEnterTimestampMonotonic"]
    assert 0 < started < ready, stamps
    return (ready - started) / 1e6


def rss_mb(box: Container, unit: str) -> float:
    pid = monotonic_us(box, unit)["MainPID"]
    assert pid > 0, unit
    status = box.run("cat", f"/proc/{pid}/status").stdout
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024  # type: ignore[union-attr]


# Bookworm only: lgpio has no cp313 wheel for Trixie's stand-in (Raspberry Pi OS Trixie has its
# python3-lgpio; every pin of constraints.txt has its cp313 aarch64 wheel).
@pytest.fixture(scope="module", params=[("bookworm", "arm64")],
                ids=lambda p: f"{p[0]}_{p[1]}")
def site(request: pytest.FixtureRequest) -> Iterator[system.Site]:
    exits = contextlib.ExitStack()
    suite, arch = request.param
    python, machine = PYTHON[suite], DEBIAN_ARCH[arch]
    wheels = fill(CACHE / f"wheels-{python}-{machine}", python=python, arch=machine)
    stand_ins = fill(CACHE / f"pi-os-stand-ins-{python}-{machine}", python=python, arch=machine,
                     wanted=list(PI_OS_STAND_INS.values()))
    started = time.monotonic()
    box = fresh_container(suite, arch, f"{suite}-{arch}")
    box.binds += [(wheels, "/wheelhouse"), (stand_ins, "/pi-os-stand-ins")]
    # Its own loopback: other containers booted meanwhile in the host's network have a broker
    # on 127.0.0.1:1883 too ("Address already in use"); apt reaches the mirror by a tunnel.
    box.options.append("--private-network")
    FIGURES.clear()
    try:
        figure("container boot (s)", f"{box.boot(timeout_s=600)}, {time.monotonic() - started:.0f}")
        box.write(APT_DROP_IN, exits.enter_context(tunnel(box.leader, mirror(box.directory))))
        for path, text in DROP_INS.items():
            box.write(path, text)
        before = system.files(box)
        seconds, output = system.install(box, roles=ROLES)
        figure(f"install.sh --role {ROLES}, fresh root fs, apt downloads, wheelhouse (s)", f"{seconds:.0f}")
        yield system.Site(box, seconds, output, before)
    finally:
        if FIGURES:
            (CACHE / f"{suite}-{arch}.figures.txt").write_text(
                "".join(f"{name}: {value}\n" for name, value in FIGURES.items()))
        if box.leader:
            journal = box.run("journalctl", "-b", "--no-pager", "-o", "short-iso", check=False)
            (CACHE / f"{suite}-{arch}.journal.log").write_text(journal.stdout)
        box.stop()
        exits.close()


def test_the_install_leaves_every_unit_active_on_arm64(site: system.Site) -> None:
    box = site.box
    assert box.run("uname", "-m").stdout.strip() == "aarch64"  # emulated, not the host's amd64
    assert system.wait_active(box, UNITS, timeout_s=300) == dict.fromkeys(UNITS, "active"), \
        site.install_log[-3000:]
    readers = [line for line in box.run("cat", "/etc/seuil/seuil.toml").stdout.splitlines()
               if line.startswith("reader = ")]
    assert readers == ['reader = "mfrc522"'] * 3
    # The first start of each, right after the install: the kiosk compiles its QML then.
    figure("kiosk first start, exec -> READY (first frame, offscreen Qt, QML not yet cached) (s)",
           f"{start_to_ready_s(box, system.KIOSK):.1f}")
    figure("seuil node first start, exec -> READY (s)",
           f"{start_to_ready_s(box, 'seuil-node@entrance.service'):.1f}")


def test_the_packages_a_pi_needs_install_and_import(site: system.Site) -> None:
    """Debian's spidev and evdev, the wheels' PySide6 and mfrc522, and the stand-ins for Raspberry
    Pi OS's lgpio and rpi-lgpio, all imported together by the installed venv as the seuil user."""
    box = site.box
    said = "not Raspberry Pi OS: no python3-lgpio python3-rpi-lgpio"
    assert said in site.install_log
    box.run("/opt/seuil/venv/bin/python", "-m", "pip", "install", "--quiet", "--no-index",
            "--find-links", "/pi-os-stand-ins", *PI_OS_STAND_INS.values(), timeout=600)
    # in the node's environment (lgpio writes in $LG_WD at import), from "/" as systemd starts it
    environment = box.run("systemctl", "show", "-p", "Environment", "--value",
                          "seuil-node@entrance.service").stdout.split()
    # rpi-lgpio reads the board's revision from the device tree, which a container lacks: a Pi 5's
    environment.append("RPI_LGPIO_REVISION=d04170")
    shown = json.loads(box.shell(f"cd / && runuser -u seuil -- env {' '.join(environment)} "
                                 f"/opt/seuil/venv/bin/python -c '{IMPORTS}'", timeout=600).stdout)
    print(shown)
    assert shown["machine"] == "aarch64"
    assert shown["qt"] == "6.8.0" and shown["keyboard"]
    modules = shown["modules"]
    assert modules["spidev"].startswith("/usr/lib/python3/dist-packages/")  # python3-spidev
    assert modules["evdev"].startswith("/usr/lib/python3/dist-packages/")  # python3-evdev
    assert modules["lgpio"].startswith("/opt/seuil/venv/")
    assert modules["RPi.GPIO"].startswith("/opt/seuil/venv/")
    assert shown["mfrc522"] == "mfrc522.MFRC522" and shown["factory"] == "LGPIOFactory"


def test_every_unit_restarts_and_the_figures(site: system.Site) -> None:
    box = site.box
    for unit in UNITS:
        box.run("systemctl", "restart", unit, timeout=600)
    assert system.wait_active(box, UNITS, timeout_s=300) == dict.fromkeys(UNITS, "active")
    figure("kiosk start, exec -> READY (first frame, offscreen Qt, QML cached) (s)",
           f"{start_to_ready_s(box, system.KIOSK):.1f}")
    figure("seuil node start, exec -> READY (s)",
           f"{start_to_ready_s(box, 'seuil-node@entrance.service'):.1f}")
    figure("seuil hub start, exec -> READY (s)", f"{start_to_ready_s(box, 'seuil-hub.service'):.1f}")
    time.sleep(20)  # settled
    for name, unit in SERVICES.items():
        figure(f"RSS of {name} ({unit}), qemu's own memory included (MB)", f"{rss_mb(box, unit):.0f}")


def test_the_journal_is_free_of_errors(site: system.Site) -> None:
    assert system.journal_errors(site.box) == []


def test_a_tap_on_each_node_reaches_the_hubs_database(site: system.Site) -> None:
    system.test_a_tap_on_each_node_reaches_the_hubs_database(site)


def test_tap_to_relay_under_emulation(site: system.Site) -> None:
    """bench/bench_node.py in the container, with the installed venv: a tap to the relay pin."""
    result = site.box.shell("cd /root/seuil && /opt/seuil/venv/bin/python bench/bench_node.py "
                            "--taps 200 --cards 20 --events 1000 --idle-seconds 2", timeout=1500)
    print(result.stdout)
    lines = {line.split(":", 1)[0]: line for line in result.stdout.splitlines()}
    for key in ("tap -> relay pin set, 200 allowed taps, the publisher draining",
                "card laid on the RC522 -> relay on, poll every 20 ms, 20 cards",
                "outbox -> mosquitto, QoS 1, deleted on PUBACK",
                "idle CPU, RC522 driver on a fake chip, 10 polls/s"):
        assert key in lines, result.stdout
        figure(f"bench_node: {key}", lines[key].split(": ", 1)[1])


def test_after_a_reboot_everything_is_active_again_and_taps_still_arrive(site: system.Site) -> None:
    box = site.box
    started = time.monotonic()
    box.reboot(timeout_s=600)
    assert system.wait_active(box, UNITS, timeout_s=600) == dict.fromkeys(UNITS, "active")
    figure("reboot until every unit is active (s)", f"{time.monotonic() - started:.0f}")
    assert system.tap_reaches_the_hub(box, "entrance", timeout_s=120)
    assert system.journal_errors(box) == []


def test_an_upgrade_keeps_the_database_the_config_and_the_secret(site: system.Site) -> None:
    system.test_an_upgrade_keeps_the_database_the_config_and_the_secret(site)


def test_uninstall_removes_what_the_install_added_and_nothing_else(site: system.Site) -> None:
    system.test_uninstall_removes_what_the_install_added_and_nothing_else(site)
