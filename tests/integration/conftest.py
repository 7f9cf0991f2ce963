import os
from pathlib import Path

import pytest

from tests.integration.cli_helpers import reset_database, run

# Set to a PostgreSQL URL (postgresql+psycopg://...) to run these tests on PostgreSQL.
TEST_DATABASE_ENV = "SEUIL_TEST_DATABASE_URL"


@pytest.fixture
def site_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh sample site from `seuil init`, selected through $SEUIL_CONFIG."""
    directory = tmp_path / "site"
    for variable in ("SEUIL_DATABASE_URL", "SEUIL_MQTT_URL", "SUDO_USER"):
        monkeypatch.delenv(variable, raising=False)
    shared = os.environ.get(TEST_DATABASE_ENV)
    if shared:
        reset_database(shared)
        monkeypatch.setenv("SEUIL_DATABASE_URL", shared)
    result = run("init", str(directory), "--site-name", "La Ruche")
    assert result.code == 0, result.err
    monkeypatch.setenv("SEUIL_CONFIG", str(directory / "seuil.toml"))
    return directory


@pytest.fixture
def db(site_dir: Path) -> str:
    """The URL of the site's database."""
    return os.environ.get(TEST_DATABASE_ENV) or f"sqlite:///{site_dir / 'seuil.db'}"


@pytest.fixture
def ada(site_dir: Path) -> str:
    result = run("member", "add", "Ada Lovelace", "--email", "ada@example.org",
                 "--group", "members", "--plan", "monthly", "--until", "2099-12-31")
    assert result.code == 0, result.err
    return "ada"
