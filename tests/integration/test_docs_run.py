"""Every shell block of README.md and docs/first-day.md runs as written, in order, on a fresh site.

Blocks are the indented (4-space) code blocks. The admin's commands run in-process through the
real entry point, on a site whose clock is fixed (the hour matters: a membership bought "now"
and the opening hours). Blocks that install a machine or start daemons are named in
``NOT_HERE`` with the test that covers them, so a new block cannot slip by unrun.
"""

from __future__ import annotations

import functools
import shlex
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from access import bootstrap
from access.services.context import Site
from tests.integration.cli_helpers import run

ROOT = Path(__file__).resolve().parents[2]
# Tuesday 1 December 2026, 10:00 in Paris: a working morning.
FIXED_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

# The first words of blocks run elsewhere, and where.
NOT_HERE = {
    "./install.sh --demo": "tests/integration/test_demo.py",
    "./install.sh --test": "CI itself (.ci/run)",
    "sudo ./install.sh --role": "tests/integration/test_install.py",
    ".venv/bin/seuil hub &": "tests/integration/test_docs_daemons.py (line by line, fixed clock)",
    "access/": "the code's layout, not a shell block",
}
# Lines that wait for a card on a reader (a broker and a node): tests/integration/test_cli_nodes.py.
WAITS_FOR_A_TAP = "--tap "


def shell_blocks(path: Path) -> list[list[str]]:
    """The indented code blocks of a Markdown file, as lists of lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    previous = ""
    for line in path.read_text().splitlines():
        if line.startswith("    ") and (current or not previous.strip()):
            current.append(line[4:])
        else:
            if current:
                blocks.append(current)
            current = []
        previous = line
    if current:
        blocks.append(current)
    return blocks


def runnable(path: Path) -> list[str]:
    lines: list[str] = []
    for block in shell_blocks(path):
        skipped = [start for start in NOT_HERE if block[0].startswith(start)]
        if skipped:
            continue
        lines += block
    return lines


def run_line(line: str, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One shell line: ``A && B``, ``export VAR=...``, ``seuil ...`` or ``.venv/bin/seuil ...``."""
    words = shlex.split(line.replace("$PWD", str(site.parent)), comments=True)
    commands: list[list[str]] = [[]]
    for word in words:
        if word == "&&":
            commands.append([])
        else:
            commands[-1].append(word)
    for command in commands:
        if command[0] == "export":
            variable, value = command[1].split("=", 1)
            assert variable == "SEUIL_CONFIG"
            monkeypatch.setenv(variable, value)
            continue
        assert command[0] in ("seuil", ".venv/bin/seuil"), line
        if command[1:3] == ["init", "./mysite"]:
            command[2] = str(site)
        result = run(*command[1:])
        denied = command[1:3] == ["rules", "explain"] and result.code == 1
        assert result.code == 0 or denied, f"{line}\n{result.err}"
        assert result.err == "", f"{line}\n{result.err}"
        if denied:
            assert result.out.startswith("DENIED: "), result.out


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bootstrap, "Site", functools.partial(Site, now=lambda: FIXED_NOW))


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed_clock: None) -> Path:
    for variable in ("SEUIL_DATABASE_URL", "SEUIL_MQTT_URL", "SUDO_USER", "SEUIL_CONFIG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "mysite"


def test_every_block_is_run_here_or_named_with_the_test_that_runs_it():
    for path in (ROOT / "README.md", ROOT / "docs" / "first-day.md"):
        for block in shell_blocks(path):
            runs_here = all(line.split()[0] in ("seuil", ".venv/bin/seuil") for line in block)
            assert runs_here or any(block[0].startswith(s) for s in NOT_HERE), block


def test_the_readme_admin_cli_in_five_lines_runs_as_written(fresh, monkeypatch):
    lines = runnable(ROOT / "README.md")
    assert len(lines) == 5 and lines[0].startswith(".venv/bin/seuil init ./mysite")
    for line in lines:
        run_line(line, fresh, monkeypatch)
    explained = run("rules", "explain", "--uid", "04A1B2C3", "3d-printer", "--at",
                    "2026-12-24T21:30")
    assert explained.out.startswith("ALLOWED: allowed (rule makers)"), explained.out  # trained


def test_the_first_day_runs_as_written_on_a_fresh_site(fresh, monkeypatch):
    assert run("init", str(fresh), "--site-name", "La Ruche").code == 0
    monkeypatch.setenv("SEUIL_CONFIG", str(fresh / "seuil.toml"))
    lines = [line for line in runnable(ROOT / "docs" / "first-day.md")
             if WAITS_FOR_A_TAP not in line]
    assert len(lines) >= 9
    for line in lines:
        run_line(line, fresh, monkeypatch)
    listed = run("member", "list").out
    assert "Ada Lovelace" in listed and "Grace Hopper" in listed and "Root Admin" in listed
