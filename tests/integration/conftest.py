from pathlib import Path

import pytest

from tests.integration.cli_helpers import run


@pytest.fixture
def site_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh sample site from `seuil init`, selected through $SEUIL_CONFIG."""
    directory = tmp_path / "site"
    for variable in ("SEUIL_DATABASE_URL", "SEUIL_MQTT_URL", "SUDO_USER"):
        monkeypatch.delenv(variable, raising=False)
    result = run("init", str(directory), "--site-name", "La Ruche")
    assert result.code == 0, result.err
    monkeypatch.setenv("SEUIL_CONFIG", str(directory / "seuil.toml"))
    return directory


@pytest.fixture
def db(site_dir: Path) -> Path:
    return site_dir / "seuil.db"


@pytest.fixture
def ada(site_dir: Path) -> str:
    result = run("member", "add", "Ada Lovelace", "--email", "ada@example.org",
                 "--group", "members", "--plan", "monthly", "--until", "2099-12-31")
    assert result.code == 0, result.err
    return "ada"
