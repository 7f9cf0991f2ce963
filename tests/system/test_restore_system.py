"""The hub's SD card dies; a new card gets the site back from the USB stick, timed (issue 20).

Container A installs ``--role hub,node`` with ``[backup] target`` on "the USB stick" (a host
folder on another file system, bind-mounted read-write at /media/usb), gets 30 members, their
cards, trainings, dues, payments and credits through the installed CLI, and taps through the
test-only fake reader; Litestream copies it all. Then A dies: its services are killed, it is
powered off and its root file system deleted. A fresh container B, from the same cached root
file system and with the same stick, runs the one command of docs/operations.md ("The day the
hub's card dies"): ``install.sh --role hub,node ... --restore-from /media/usb/seuil
--recovery-key-file ...``. The test checks that every member, card, training, balance, ledger
row and tap is back, that a tap on the entrance opens the door, and times install.sh to that
first open door (the figure: under 15 minutes).

    sudo .venv/bin/python -m pytest -m system tests/system/test_restore_system.py   # .ci/run runs it

B's install is run with AWS_CA_BUNDLE set, as an admin's shell on some machines has it: the
services systemd starts must not see it (Litestream's S3 client fails with it).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.system.container import (
    CACHE,
    DEBIAN_ARCH,
    PYTHON,
    Container,
    destroy,
    fresh_container,
    missing_tools,
)
from tests.system.test_install_system import (
    DROP_INS,
    SEUIL,
    SEUIL_AS_ROOT,
    UNITS,
    journal_errors,
    wait_active,
    wait_for,
)
from tests.system.test_install_system import install as system_install
from tests.system.wheelhouse import fill

pytestmark = [pytest.mark.system, pytest.mark.slow,
              pytest.mark.skipif(bool(missing_tools()), reason=missing_tools() or "ok")]

STICK = "/media/usb"
TARGET = f"{STICK}/seuil"
PAPER = "/root/recovery-key.txt"
"""The recovery key the association wrote down, typed onto the new card."""
LITESTREAM = "seuil-litestream.service"
KEYHOLDER = "04D00D00"
"""An admin's card (break-glass): it opens the door at any hour, so the test needs no clock."""
ADMIN_ENV = {"AWS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt", "HOME": "/root"}
DOOR_TARGET_S = 15 * 60
NAMES = (
    "Ada Lovelace", "Grace Hopper",
    "Éloïse Bérénice de La Tour d'Auvergne-Montmorency-Laval de Saint-Exupéry",
    "Zoë Ødegaard", "Karen Spärck Jones", "Chloé N'Diaye", "Mohammed Al-Khwarizmi", "Jean-Baptiste Fourier",
    "Marie Skłodowska-Curie", "Hedy Lamarr", "Ngozi Okonjo-Iweala", "Émilie du Châtelet",
    "Sofia Kovalevskaïa", "Alan Turing", "Hypatia d'Alexandrie", "Nguyễn Thị Minh Khai",
    "Björk Guðmundsdóttir", "Srinivasa Ramanujan", "Lise Meitner", "Ángela Ruiz Robles",
    "Radia Perlman", "Katherine Johnson", "Frances Allen", "Barbara Liskov", "Dorothy Vaughan",
    "Margaret Hamilton", "Annie Easley", "Évariste Galois", "Joséphine Baker", "Sophie Germain",
)
SITE_DATA = f"""
import sys
from access.cli.main import main

def seuil(*args: str) -> None:
    if main(list(args)) != 0:
        sys.exit(f"seuil {{' '.join(args)}} failed")

seuil("member", "add", "Keyholder Admin", "--email", "keys@example.org", "--group", "admins")
seuil("card", "enroll", "keys@example.org", "--uid", "{KEYHOLDER}")
for i, name in enumerate({NAMES!r}, start=1):
    email = f"m{{i}}@example.org"
    seuil("member", "add", name, "--email", email, "--group", "members", "--plan", "monthly",
          *(("--paid", "100", "--method", "cash") if i % 2 else ("--unpaid",)))
    seuil("card", "enroll", email, "--uid", f"04{{0xA1B200 + i:06X}}")
    if i % 3 == 0:
        seuil("training", "grant", email, "3d-printing", "--by", "keys@example.org")
    if i % 4 == 0:
        seuil("ledger", "add", email, "credit", f"{{i}}.50", "--note", f"atelier n° {{i}}")
    if i % 5 == 0:
        seuil("ledger", "add", email, "payment", "20", "--method", "transfer", "--reference", f"VIR-{{i}}")
"""


Rows = list[dict[str, Any]]


def seuil_json(box: Container, command: str) -> Rows:
    rows: Rows = json.loads(box.shell(f"{SEUIL} {command} --json").stdout)
    return rows


def the_site(box: Container) -> dict[str, Rows]:
    """What the association would check on the new card, as the installed CLI shows it."""
    return {"members": seuil_json(box, "member list --status all"),
            "cards": seuil_json(box, "card list"),
            "trainings": seuil_json(box, "training list"),
            "balances": seuil_json(box, "ledger balance --all"),
            "ledger": seuil_json(box, "ledger list"),
            "taps": seuil_json(box, "log --limit 1000")}


def allowed_taps(box: Container, uid: str = KEYHOLDER) -> int:
    taps = seuil_json(box, f"log --card {uid} --limit 1000")
    return sum(1 for tap in taps if tap.get("allowed") is True)


def tap_opens_the_door(box: Container, *, timeout_s: float = 60) -> bool:
    """A keyholder's card on the entrance's (fake) reader: the node allows it, pulses the strike
    and reports it, and the hub stores the allowed tap."""
    before = allowed_taps(box)
    box.shell(f"{SEUIL} tap --node entrance --uid {KEYHOLDER}")
    return wait_for(lambda: allowed_taps(box) > before, timeout_s)


def copy_is_current(box: Container) -> bool:
    return box.shell(f"{SEUIL} backup status", check=False).returncode == 0


def boot(name: str, wheels: Path, stick: Path) -> Container:
    box = fresh_container("bookworm", "amd64", name)
    box.private_network = True  # its broker's port is its own: other containers run meanwhile
    box.binds.append((wheels, "/wheelhouse"))
    box.writable_binds.append((stick, STICK))
    box.boot()
    for path, text in DROP_INS.items():
        box.write(path, text)
    return box


def install(box: Container, *extra: str) -> tuple[float, str]:
    return system_install(box, *extra, env=ADMIN_ENV)


def keep_journal(box: Container, name: str) -> None:
    if box.leader:
        journal = box.run("journalctl", "-b", "--no-pager", "-o", "short-iso", check=False)
        (CACHE / f"{name}.journal.log").write_text(journal.stdout)


@pytest.fixture
def stick() -> Iterator[Path]:
    """The USB stick: a folder on another file system than the containers' (tmpfs), so the
    check that refuses a target on the SD card itself sees another disk, as on a Pi."""
    folder = Path(tempfile.mkdtemp(prefix="seuil-system-stick-", dir="/dev/shm"))
    folder.chmod(0o755)  # a stick's file system root, which the seuil user may enter
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("system", ["bookworm_amd64"])
def test_a_new_card_gets_the_site_back_from_the_stick_and_opens_the_door(stick: Path, system: str) -> None:
    wheels = fill(CACHE / f"wheels-{PYTHON['bookworm']}-{DEBIAN_ARCH['amd64']}", python=PYTHON["bookworm"],
                  arch=DEBIAN_ARCH["amd64"])
    first, second = f"{system}-restore-a", f"{system}-restore-b"
    a = boot(first, wheels, stick)
    try:
        install(a)
        # docs/operations.md, "Choosing a target": the stick's folder, then install.sh again
        a.shell(f"install -d -o seuil -g seuil {TARGET}")
        a.shell(f"sed -i 's|^# target = \"\" .*|target = \"{TARGET}\"|' /etc/seuil/seuil.toml")
        _, output = install(a)
        key = a.run("cat", "/etc/seuil/backup.key").stdout.strip()
        assert key and key in output, output[-2000:]  # printed once, to be written down
        assert wait_active(a, (*UNITS, LITESTREAM)) == dict.fromkeys((*UNITS, LITESTREAM), "active")
        a.write("/var/tmp/site-data.py", SITE_DATA)
        a.shell("runuser -u seuil -- env SEUIL_CONFIG=/etc/seuil/seuil.toml /opt/seuil/venv/bin/python "
                "/var/tmp/site-data.py >/dev/null", timeout=900)
        a.shell(f"{SEUIL_AS_ROOT} snapshot publish")
        for _ in range(3):
            assert tap_opens_the_door(a)
        a.shell(f"{SEUIL} tap --node printer --uid 04A1B203")  # a trained member starts a session
        assert wait_for(lambda: copy_is_current(a), timeout_s=120), a.shell(f"{SEUIL} backup status",
                                                                          check=False).stdout
        before = the_site(a)
        assert len(before["members"]) == len(NAMES) + 1 and len(before["cards"]) == len(NAMES) + 1
        assert allowed_taps(a) == 3
        # The card dies: everything stops at once, and the card is gone.
        a.run("systemctl", "kill", "--signal=SIGKILL", "seuil-*", "mosquitto.service", check=False)
    finally:
        keep_journal(a, first)
        destroy(a)
    assert not a.directory.exists()

    b = boot(second, wheels, stick)
    try:
        b.write(PAPER, key + "\n")
        started = time.monotonic()
        install_s, output = install(b, "--restore-from", TARGET, "--recovery-key-file", PAPER)
        assert "restored from" in output, output[-3000:]
        assert wait_active(b, (*UNITS, LITESTREAM)) == dict.fromkeys((*UNITS, LITESTREAM), "active")
        assert tap_opens_the_door(b, timeout_s=120)
        door_s = time.monotonic() - started
        print(f"\nfigure: install.sh --restore-from took {install_s:.0f} s; from install.sh to an open "
              f"door {door_s:.0f} s (target: under {DOOR_TARGET_S // 60} min; 2-core machine shared "
              "with other engineers' tests)")
        assert door_s < DOOR_TARGET_S
        after = the_site(b)
        for what in ("members", "cards", "trainings", "balances", "ledger"):
            assert after[what] == before[what], what
        assert after["taps"][:len(before["taps"])] == before["taps"]
        assert allowed_taps(b) == 4
        # The services systemd starts never see the admin's shell's environment.
        for unit in (LITESTREAM, "seuil-hub.service"):
            pid = b.run("systemctl", "show", "-p", "MainPID", "--value", unit).stdout.strip()
            environ = b.run("cat", f"/proc/{pid}/environ").stdout.split("\0")
            assert not [v for v in environ if v.startswith("AWS_CA_BUNDLE=")], (unit, environ)
        # The new card streams to the same stick: the next card would get today's taps too.
        assert wait_for(lambda: copy_is_current(b), timeout_s=120)
        assert journal_errors(b) == []
    finally:
        keep_journal(b, second)
        destroy(b)
