"""install.sh on a booted Debian: every role, checked with systemd itself.

A fresh Debian container (systemd as PID 1) gets a copy of this checkout and runs
``install.sh --role hub,node --node entrance --node printer`` from a wheelhouse filled on this
machine (inside, pip cannot verify the registry's certificate; apt over HTTP works). Then: every
unit active, a restart of each, a journal free of errors, taps through the installed services
reaching the hub's database, a reboot, an upgrade run that keeps the database, config and
secret, the kiosk role added (under cage), and an uninstall run that removes what the install
added and nothing else. The tests run in this order, on one container.

The hardware is the only thing simulated, by test-only systemd drop-ins (never by the installed
config, which keeps its RC522 readers): gpiozero's mock pins, ``SEUIL_READER=fake`` so
``seuil tap`` stands for a card, and a headless wlroots back-end for cage.

    sudo .venv/bin/python -m pytest -m system tests/system -k bookworm_amd64   # .ci/run runs this
    sudo .venv/bin/python -m pytest -m system tests/system -k trixie_amd64

Run times on the 2-core development machine are in docs/install-pi.md.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageColor

from kiosk.app import SIZES
from kiosk.theme import PALETTES
from tests.system.container import (
    CACHE,
    DEBIAN_ARCH,
    PYTHON,
    Container,
    fresh_container,
    missing_tools,
)
from tests.system.wheelhouse import fill

pytestmark = [pytest.mark.system, pytest.mark.slow,
              pytest.mark.skipif(bool(missing_tools()), reason=missing_tools() or "ok")]

NODES = ("entrance", "printer")
UNITS = ("mosquitto.service", "seuil-hub.service", "seuil-node@entrance.service",
         "seuil-node@printer.service", "seuil-keeper@printer.service")
KIOSK = "seuil-kiosk.service"
HEADLESS_OUTPUT = (1280, 720)  # the mode of wlroots' headless output (WLR_BACKENDS=headless)
CARD = "04A1B2C3"
# What a Pi has and a container lacks, given by the tests alone (docs/install-pi.md says so).
TEST_HARDWARE = "[Service]\nEnvironment=GPIOZERO_PIN_FACTORY=mock SEUIL_READER=fake\n"
TEST_SCREEN = """[Service]
Environment=WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1
Environment=SEUIL_READER=fake QT_QUICK_BACKEND=software
TTYPath=
StandardInput=null
"""
DROP_INS = {"/etc/systemd/system/seuil-node@.service.d/50-test-hardware.conf": TEST_HARDWARE,
            "/etc/systemd/system/seuil-keeper@.service.d/50-test-hardware.conf": TEST_HARDWARE,
            "/etc/systemd/system/seuil-kiosk.service.d/50-test-screen.conf": TEST_SCREEN}
SEUIL = "runuser -u seuil -- env SEUIL_CONFIG=/etc/seuil/seuil.toml SEUIL_READER=fake seuil"
# The admin's broker password (/etc/seuil/mqtt/admin) is root's: what publishes runs as root.
SEUIL_AS_ROOT = "env SEUIL_CONFIG=/etc/seuil/seuil.toml seuil"
# Where the install may write and the uninstall must clean: compared before and after.
WATCHED = ("/etc", "/opt", "/usr/local", "/var/lib", "/var/cache/seuil", "/boot")
UNWATCHED = ("/etc/ld.so.cache", "/var/lib/apt/", "/var/lib/dpkg/", "/var/lib/systemd/",
             "/var/lib/dbus/", "/etc/systemd/system/seuil-node@.service.d/",
             "/etc/systemd/system/seuil-keeper@.service.d/",
             "/etc/systemd/system/seuil-kiosk.service.d/", "/var/lib/ucf/", "/var/lib/mosquitto/",
             "/var/lib/python", "/var/lib/pam/", "/var/lib/polkit-1/")


@dataclass
class Site:
    box: Container
    install_s: float
    install_log: str
    files_before: set[str]


def files(box: Container) -> set[str]:
    listed = box.run("find", *WATCHED, "-xdev", "-print", check=False).stdout.splitlines()
    return {p for p in listed if not p.startswith(UNWATCHED) and p not in UNWATCHED}


def timed_install(box: Container, *args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """``install.sh ARGS`` from the bind-mounted wheelhouse: its seconds and its output."""
    started = time.monotonic()
    result = box.run("/root/seuil/install.sh", *args, "--wheelhouse", "/wheelhouse", timeout=1500, env=env)
    return time.monotonic() - started, result.stdout + result.stderr


def install(box: Container, *extra: str, roles: str = "hub,node",
            env: dict[str, str] | None = None) -> tuple[float, str]:
    """The one-Pi install every role test starts from: both nodes, the sample site's name."""
    return timed_install(box, "--role", roles, *(a for n in NODES for a in ("--node", n)),
                         "--site-name", "La Ruche", *extra, env=env)


def active(box: Container, unit: str) -> str:
    return box.run("systemctl", "is-active", unit, check=False).stdout.strip()


def wait_active(box: Container, units: tuple[str, ...] = UNITS, timeout_s: float = 90) -> dict[str, str]:
    deadline = time.monotonic() + timeout_s
    states = {}
    while time.monotonic() < deadline:
        states = {unit: active(box, unit) for unit in units}
        if set(states.values()) == {"active"}:
            break
        time.sleep(1)
    return states


def journal_errors(box: Container, since: str = "") -> list[str]:
    """Lines of priority err and worse from the broker and Seuil's units."""
    command = ["journalctl", "--no-pager", "-q", "-o", "short-iso", "-p", "err",
               "-u", "mosquitto", "-u", "seuil-*"]
    if since:
        command += ["--since", since]
    return box.run(*command, check=False).stdout.splitlines()


def log_entries(box: Container) -> list[dict[str, object]]:
    result = box.shell(f"{SEUIL} log --json --limit 20")
    entries: list[dict[str, object]] = json.loads(result.stdout)
    return entries


def wait_for(condition: Callable[[], bool], timeout_s: float = 30) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def tap_reaches_the_hub(box: Container, node: str, timeout_s: float = 30) -> bool:
    before = len(log_entries(box))
    box.shell(f"{SEUIL} tap --node {node} --uid {CARD}")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if len(log_entries(box)) > before:
            return True
        time.sleep(0.5)
    return False


@pytest.fixture(scope="module", params=[("bookworm", "amd64"), ("trixie", "amd64")],
                ids=lambda p: f"{p[0]}_{p[1]}")
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    suite, arch = request.param
    wheels = fill(CACHE / f"wheels-{PYTHON[suite]}-{DEBIAN_ARCH[arch]}", python=PYTHON[suite],
                  arch=DEBIAN_ARCH[arch])
    box = fresh_container(suite, arch, f"{suite}-{arch}")
    box.binds.append((wheels, "/wheelhouse"))
    try:
        box.boot()
        for path, text in DROP_INS.items():
            box.write(path, text)
        # A Pi's image has it (the locales package writes it); the kiosk's login session reads it
        # (pam_env), and says so at priority err when it is missing, as in debootstrap's minbase.
        box.write("/etc/default/locale", "LANG=C.UTF-8\n")
        before = files(box)
        seconds, output = install(box)
        yield Site(box, seconds, output, before)
    finally:
        if box.leader:  # what happened, for whoever reads a failure
            journal = box.run("journalctl", "-b", "--no-pager", "-o", "short-iso", check=False)
            (CACHE / f"{suite}-{arch}.journal.log").write_text(journal.stdout)
        box.stop()


def test_the_install_leaves_every_unit_active(site: Site) -> None:
    print(f"install took {site.install_s:.0f} s")
    assert wait_active(site.box) == dict.fromkeys(UNITS, "active"), site.install_log[-3000:]
    # a door's keeper has nothing to hold: it said so and exited successfully
    shown = site.box.run("systemctl", "show", "-p", "Result", "-p", "ExecMainStatus",
                         "seuil-keeper@entrance.service").stdout.split()
    assert shown == ["Result=success", "ExecMainStatus=0"]
    readers = [line for line in site.box.run("cat", "/etc/seuil/seuil.toml").stdout.splitlines()
               if line.startswith("reader = ")]
    assert readers == ['reader = "mfrc522"'] * 3  # the installed file keeps the Pi's real readers


def test_every_unit_restarts(site: Site) -> None:
    for unit in UNITS:
        site.box.run("systemctl", "restart", unit, timeout=120)
    assert wait_active(site.box) == dict.fromkeys(UNITS, "active")


def test_the_journal_is_free_of_errors(site: Site) -> None:
    assert journal_errors(site.box) == []


def test_a_tap_on_each_node_reaches_the_hubs_database(site: Site) -> None:
    box = site.box
    box.shell(f'{SEUIL} member add "Ada Lovelace" --email ada@example.org --group admins')
    box.shell(f"{SEUIL} card enroll ada --uid {CARD}")
    box.shell(f"{SEUIL_AS_ROOT} snapshot publish")
    for node in NODES:
        assert tap_reaches_the_hub(box, node), node
    entries = log_entries(box)
    assert {e.get("node") for e in entries} >= set(NODES), entries


def test_after_a_reboot_everything_is_active_again_and_taps_still_arrive(site: Site) -> None:
    site.box.reboot()
    assert wait_active(site.box) == dict.fromkeys(UNITS, "active")
    assert tap_reaches_the_hub(site.box, "entrance")
    assert journal_errors(site.box) == []


def test_an_upgrade_keeps_the_database_the_config_and_the_secret(site: Site) -> None:
    box = site.box
    kept = "sha256sum /etc/seuil/seuil.toml /etc/seuil/rules.toml /etc/seuil/secret.key"
    sums = box.shell(kept).stdout
    taps = len(log_entries(box))
    box.run("touch", "/root/seuil/access/__init__.py")  # a new version of the code
    seconds, output = install(box)
    print(f"upgrade took {seconds:.0f} s")
    assert "keeping /etc/seuil" in output
    assert box.shell(kept).stdout == sums
    assert wait_active(box) == dict.fromkeys(UNITS, "active")
    assert len(log_entries(box)) >= taps
    assert "Ada Lovelace" in box.shell(f"{SEUIL} member list").stdout
    # a tap starts the printer's session (a keyholder), held by its keeper; the next one ends it
    assert tap_reaches_the_hub(box, "printer")
    session = f"{SEUIL} node --node printer --session"
    assert box.shell(session, check=False).returncode == 0
    assert tap_reaches_the_hub(box, "printer")
    assert wait_for(lambda: box.shell(session, check=False).returncode == 1)


def test_adding_the_kiosk_shows_its_first_screen_under_cage(site: Site) -> None:
    """The touchscreen's unit as installed, under cage with wlroots' headless back-end (the test
    drop-in): it becomes active when the kiosk's first frame is drawn (READY, passed on by
    access.notify_relay), and grim takes the picture through cage's screencopy, saved as
    .cache/system/<suite>-<arch>.kiosk.png."""
    box = site.box
    seconds, output = install(box, roles="hub,node,kiosk")
    print(f"adding the kiosk took {seconds:.0f} s")
    assert wait_active(box, (*UNITS, KIOSK)) == dict.fromkeys((*UNITS, KIOSK), "active"), output[-2000:]
    print(f"kiosk cold start to its first frame: {start_to_ready_s(box, KIOSK):.1f} s")
    box.run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "grim", timeout=300,
            env={"DEBIAN_FRONTEND": "noninteractive"})
    box.shell("runuser -u seuil -- env XDG_RUNTIME_DIR=/run/seuil-kiosk WAYLAND_DISPLAY=wayland-0 "
              "grim /var/tmp/first-screen.png")
    shot = CACHE / f"{box.directory.name.removesuffix('.run')}.kiosk.png"
    shot.write_bytes((box.directory / "var/tmp/first-screen.png").read_bytes())
    assert_home_screen(shot)
    box.run("systemctl", "restart", KIOSK, timeout=120)
    assert active(box, KIOSK) == "active"
    print(f"kiosk warm restart to its first frame: {start_to_ready_s(box, KIOSK):.1f} s")
    assert journal_errors(box) == []


def start_to_ready_s(box: Container, unit: str) -> float:
    """From the unit's start to its READY (activating to active), by systemd's own clock."""
    shown = dict(line.split("=", 1) for line in box.run(
        "systemctl", "show", "-p", "InactiveExitTimestampMonotonic",
        "-p", "ActiveEnterTimestampMonotonic", unit).stdout.splitlines())
    return (int(shown["ActiveEnterTimestampMonotonic"]) - int(shown["InactiveExitTimestampMonotonic"])) / 1e6


def assert_home_screen(shot: Path) -> None:
    """The headless output's picture holds the kiosk's window, drawn with the home screen's
    colours: the page, the day-pass tile, the ink of its words, the accent of "1 / 20 présent".
    Around the window, cage's black.

    wlroots' headless output is 1280x720. cage 0.1.4 (Debian 12) configures a full-screen window
    0x0, so Qt keeps the kiosk's own 800x480 at the top left; a newer cage gives it the output."""
    image = Image.open(shot).convert("RGB")
    assert image.size == HEADLESS_OUTPUT
    window = image.getbbox()  # the smallest box holding every pixel that is not black
    assert window is not None and window[:2] == (0, 0), window
    assert window[2:] in (SIZES[0], HEADLESS_OUTPUT), window
    counts = Counter(image.crop(window).get_flattened_data())
    area = (window[2] - window[0]) * (window[3] - window[1])
    palette = {name: ImageColor.getrgb(colour) for name, colour in PALETTES["default"].items()}
    assert counts.most_common(1)[0][0] == palette["background"], counts.most_common(3)
    assert counts[palette["warm"]] > area // 20, "no day-pass tile"
    assert counts[palette["ink"]] > area // 200, "no words"
    assert counts[palette["accent"]] > area // 2000, "no count of who is in"
    assert len(counts) > 100  # antialiased text, not a flat fill


def test_uninstall_removes_what_the_install_added_and_nothing_else(site: Site) -> None:
    box = site.box
    box.run("/root/seuil/install.sh", "--uninstall", timeout=300)
    assert box.run("id", "seuil", check=False).returncode != 0
    for unit in (*UNITS[1:], KIOSK):
        assert active(box, unit) in ("inactive", "unknown"), unit
    assert active(box, "mosquitto.service") == "active"  # Debian's broker stays, without Seuil's files
    after = files(box)
    # What the install wrote is Seuil's by name (units, venv, broker files, udev rule, command);
    # the Debian packages it installed stay, with what their own scripts wrote.
    left = sorted(p for p in after - site.files_before if "seuil" in p.lower()
                  and not p.startswith(("/etc/seuil", "/var/lib/seuil")))
    assert left == []
    assert sorted(site.files_before - after) == []  # and nothing that was there before is gone
    assert box.run("test", "-s", "/var/lib/seuil/seuil.db", check=False).returncode == 0  # the data stays
