"""What the demo tells a newcomer to type runs as printed; install.sh names a bad argument."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from access.cli import demo

ROOT = Path(__file__).resolve().parents[2]
VENV_SEUIL = Path(sys.executable).with_name("seuil")
BARE_PATH = "/usr/bin:/bin"  # a new terminal after ./install.sh --demo: the venv is not on it


def test_the_demos_suggested_commands_run_in_a_terminal_without_the_venv(site_dir, ada,
                                                                          monkeypatch):
    monkeypatch.setenv("PATH", BARE_PATH)
    monkeypatch.setattr(sys, "argv", [str(VENV_SEUIL), "demo"])
    printed = demo.suggestions(site_dir / "seuil.toml")
    assert printed and all(str(VENV_SEUIL) in command for command in printed)
    env = {"PATH": BARE_PATH, "PYTHONPATH": str(ROOT), "HOME": os.environ.get("HOME", "/tmp")}
    for command in printed:
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                                env=env, cwd="/", check=False, timeout=120)
        assert result.returncode == 0, (command, result.stderr)
    assert "Ada Lovelace" in subprocess.run(["bash", "-c", printed[0]], capture_output=True,
                                            text=True, env=env, check=True).stdout


def test_the_demo_says_plain_seuil_when_it_is_the_one_on_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", f"{VENV_SEUIL.parent}:{BARE_PATH}")
    monkeypatch.setattr(sys, "argv", [str(VENV_SEUIL), "demo"])
    assert demo.seuil_command() == "seuil"
    assert demo.suggestions(tmp_path / "my site" / "seuil.toml")[0] == (
        f"SEUIL_CONFIG='{tmp_path}/my site/seuil.toml' seuil member list")


def _fake_venv(tmp_path: Path) -> Path:
    """A venv whose python does nothing and whose seuil says what it was asked."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    for name, body in (("python", "exit 0"), ("seuil", 'echo "seuil $*"')):
        script = venv / "bin" / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
    return venv


def _install(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEUIL_VENV": str(_fake_venv(tmp_path))}
    return subprocess.run(["bash", str(ROOT / "install.sh"), *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, check=False, timeout=120)


def test_install_demo_passes_dir_broker_and_check_to_seuil_demo(tmp_path):
    result = _install(tmp_path, "--demo", "--dir", str(tmp_path / "kept"), "--broker", "amqtt",
                      "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"seuil demo --dir {tmp_path / 'kept'} --broker amqtt --check"


def test_install_names_a_bad_argument_in_one_line(tmp_path):
    for args, message in (
        (("--demo", "--dri", "x"), 'install.sh: unknown argument "--dri" (see ./install.sh --help)'),
        (("--demo", "--dir"), "install.sh: --dir needs a value"),
        (("--dev", "--dir", "x"), "install.sh: --dir is for --demo (./install.sh --demo --dir ...)"),
    ):
        result = _install(tmp_path, *args, "--dry-run")
        assert result.returncode == 2
        assert result.stderr.splitlines() == [message]
        assert "seuil demo" not in result.stdout
