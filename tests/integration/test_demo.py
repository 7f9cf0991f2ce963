"""`seuil demo --check` from a clean clone installed into a new venv: the packaging (data files,
migrations, QML, samples) and the whole stack, as a newcomer would get them."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv: str | Path, cwd: Path, timeout: int = 300, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          check=False, env=env)


def _newcomer_env() -> dict[str, str]:
    """This environment without the site's settings, nor a PYTHONPATH (the suite runs with
    PYTHONPATH=$PWD, which would import the checkout instead of the installed clone)."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith("SEUIL_") and key != "PYTHONPATH"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A clone of this repository's HEAD, installed (not editable) into a new venv.

    The new venv sees this one's packages through a path file, so only the build backend is
    fetched (pip's cache keeps it): what is tested is Seuil's own packaging.
    """
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    work = tmp_path_factory.mktemp("clean")
    clone = work / "seuil"
    result = _run("git", "clone", "--quiet", ROOT, clone, cwd=work)
    assert result.returncode == 0, result.stderr
    venv = work / "venv"
    # --without-pip: pip and setuptools come from this venv too (a new venv's own setuptools is older
    # than the one pyproject.toml needs, and would be found first).
    assert _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work).returncode == 0
    inner = next((venv / "lib").glob("python3*/site-packages"))
    (inner / "outer.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    result = _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", clone, cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    return venv


def test_the_demo_check_passes_from_a_clean_install(installed, tmp_path):
    env = _newcomer_env()
    env["PATH"] = f"{env.get('PATH', '')}:/usr/sbin:/sbin"
    where = _run(installed / "bin" / "python", "-c",
                 "import access, kiosk; print(access.__file__, kiosk.__file__)", cwd=tmp_path, env=env)
    assert where.returncode == 0 and where.stdout.count(str(installed)) == 2, where.stdout + where.stderr
    result = _run(installed / "bin" / "seuil", "demo", "--check", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo check passed" in result.stdout
    assert "Ada charged 0.50 once" in result.stdout and "Unknown  stays shut" in result.stdout


def test_the_demo_check_runs_on_the_embedded_broker_too(installed, tmp_path):
    pytest.importorskip("amqtt")
    env = _newcomer_env()
    result = _run(installed / "bin" / "seuil", "demo", "--check", "--broker", "amqtt", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broker: amqtt" in result.stdout


def test_a_demo_folder_that_is_not_empty_is_refused(installed, tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = _run(installed / "bin" / "seuil", "demo", "--check", "--dir", tmp_path, cwd=tmp_path,
                  env=_newcomer_env())
    assert result.returncode == 1 and "is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_the_demo_rules_are_open_at_any_hour_of_any_day():
    # The check taps at the real time: the demo's schedules must be open at night, on Sundays and
    # on the sample rules' holidays, or `seuil demo --check` fails on Christmas Day.
    from datetime import datetime

    from access.demo.dataset import demo_rules
    from access.rules_file import parse_rules

    sample = (ROOT / "access" / "samples" / "rules.toml").read_text(encoding="utf-8")
    assert "holidays = [2026-12-25" in sample  # what the demo takes away
    rules = parse_rules(demo_rules(sample), "rules.toml")
    for at in (datetime(2026, 12, 25, 10, 0), datetime(2027, 1, 1, 3, 0), datetime(2026, 11, 29, 23, 30)):
        for schedule in rules.schedules:
            assert rules.compiled_schedule(schedule.name).is_open(at), (schedule.name, at)
