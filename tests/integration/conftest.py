import os
from pathlib import Path

import pytest

from tests.integration.cli_helpers import reset_database, run
from tests.integration.secure_broker import secured  # noqa: F401  (a fixture for the broker tests)

# Set to a PostgreSQL URL (postgresql+psycopg://...): the tests marked `both_backends` (the
# store and the ledger) then run a second time, on PostgreSQL. `.ci/run` sets it.
TEST_DATABASE_ENV = "SEUIL_TEST_DATABASE_URL"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        backends = ["sqlite", "postgresql"] if os.environ.get(TEST_DATABASE_ENV) else ["sqlite"]
        metafunc.parametrize("backend", backends)


@pytest.fixture
def backend() -> str:
    """The database of a test: SQLite, unless parametrized (see pytest_generate_tests)."""
    return "sqlite"


@pytest.fixture
def site_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> Path:
    """A fresh sample site from `seuil init`, selected through $SEUIL_CONFIG."""
    directory = tmp_path / "site"
    for variable in ("SEUIL_DATABASE_URL", "SEUIL_MQTT_URL", "SUDO_USER"):
        monkeypatch.delenv(variable, raising=False)
    shared = os.environ.get(TEST_DATABASE_ENV) if backend == "postgresql" else None
    if shared:
        reset_database(shared)
        monkeypatch.setenv("SEUIL_DATABASE_URL", shared)
    result = run("init", str(directory), "--site-name", "La Ruche")
    assert result.code == 0, result.err
    monkeypatch.setenv("SEUIL_CONFIG", str(directory / "seuil.toml"))
    return directory


@pytest.fixture
def db(site_dir: Path, backend: str) -> str:
    """The URL of the site's database."""
    if backend == "postgresql":
        return os.environ[TEST_DATABASE_ENV]
    return f"sqlite:///{site_dir / 'seuil.db'}"


@pytest.fixture
def ada(site_dir: Path) -> str:
    result = run("member", "add", "Ada Lovelace", "--email", "ada@example.org",
                 "--group", "members", "--plan", "monthly", "--from", "2026-01-01",
                 "--until", "2099-12-31")
    assert result.code == 0, result.err
    return "ada"


@pytest.fixture
def maker_space(site_dir: Path, broker, monkeypatch: pytest.MonkeyPatch):
    """The sample site with test pins, four members and their cards, its snapshot published.

    ada: member, trained on the 3D printer; bob: member, untrained; grace: trainer, trained;
    root: admin (break-glass, maintainer). Returns the loaded config.
    """
    from access.config import load_config
    from tests.integration.node_helpers import UIDS, use_test_nodes

    monkeypatch.setenv("SEUIL_MQTT_URL", broker.url)
    use_test_nodes(site_dir)
    for name, group in (("Ada Lovelace", "members"), ("Bob Marley", "members"),
                        ("Grace Hopper", "trainers"), ("Root Admin", "admins")):
        result = run("member", "add", name, "--group", group, "--plan", "monthly",
                     "--until", "2099-12-31")
        assert result.code == 0, result.err
    for who in ("ada", "bob", "grace", "root"):
        assert run("card", "enroll", who, "--uid", UIDS[who]).code == 0
    assert run("training", "grant", "grace", "3d-printing").code == 0
    assert run("training", "grant", "ada", "3d-printing", "--by", "grace").code == 0
    result = run("snapshot", "publish")
    assert result.code == 0, result.err
    return load_config()


@pytest.fixture
def clock():
    """The test's time, next Wednesday at 10:00: the nodes' clock, and the hub's in ``hub``."""
    from tests.integration.node_helpers import FakeClock, next_wednesday_10am

    return FakeClock(next_wednesday_10am())


@pytest.fixture
def nodes(maker_space, clock):
    """Start nodes with ``nodes("printer")``; all are stopped after the test."""
    from tests.integration.node_helpers import NodeUnderTest

    started: list[NodeUnderTest] = []

    def start(node_id: str, **kwargs) -> NodeUnderTest:
        node = NodeUnderTest(maker_space, node_id, clock, **kwargs).start()
        started.append(node)
        return node

    yield start
    for node in started:
        node.stop()


@pytest.fixture
def watcher(broker, maker_space):
    from tests.integration.node_helpers import Watcher

    watch = Watcher(broker.host, broker.port, f"seuil/{maker_space.site.id}/#")
    yield watch
    watch.close()


class FixedClock:
    """The instant every site the CLI opens takes for now; move it with ``clock.now = ...``."""

    def __init__(self, now):
        self.now = now


@pytest.fixture
def cli_clock(monkeypatch: pytest.MonkeyPatch):
    """Fix the CLI's clock (2026-11-20 10:00 UTC unless moved): a test never depends on the day
    it runs."""
    from datetime import UTC, datetime

    import access.bootstrap

    fixed = FixedClock(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    real = access.bootstrap.site_from_config

    def site_from_config(*args, **kwargs):
        site = real(*args, **kwargs)
        site.now = lambda: fixed.now
        return site

    monkeypatch.setattr(access.bootstrap, "site_from_config", site_from_config)
    return fixed


@pytest.fixture
def hub(maker_space, clock):
    """The hub, running in this process on the sample site (no scheduled jobs)."""
    import time
    from datetime import timedelta

    from access.bootstrap import open_site
    from access.hub.runner import HubRunner

    site = open_site()
    # The nodes' time, running on: the hub believes nothing from its future, and its snapshot
    # versions (its clock in ms) still grow.
    started = time.monotonic()
    site.now = lambda: clock.now() + timedelta(seconds=time.monotonic() - started)
    runner = HubRunner(site, scheduler=False)
    runner.start()
    # Its first session: events published before it subscribes are not kept for it.
    assert runner.subscribed.wait(10)
    yield runner
    runner.stop()
    site.store.close()
