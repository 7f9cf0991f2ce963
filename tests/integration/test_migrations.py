import shutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from access.store import migrate
from access.store.engine import make_engine
from access.store.migrate import alembic_config, current_revision, head_revision, upgrade
from access.store.models import Base


def test_migrations_build_exactly_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert drift == [], "models changed without a migration: write one with alembic revision"
    assert set(inspect(engine).get_table_names()) >= {
        "members", "cards", "groups", "member_groups", "memberships", "trainings", "resources",
        "visits", "day_passes", "usage_sessions", "ledger_entries", "access_events", "audit_log",
        "rule_sets"}
    engine.dispose()


def test_the_quick_revision_reads_agree_with_alembic(tmp_path):
    """ensure_current reads the revisions without importing Alembic: same answers as Alembic's."""
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    assert current_revision(engine) is None
    for revision in ("0001", "head"):
        upgrade(engine, revision)
        with engine.connect() as connection:
            assert current_revision(engine) == MigrationContext.configure(connection).get_current_revision()
    engine.dispose()


def test_two_heads_are_refused_by_name(tmp_path, monkeypatch):
    shutil.copytree(migrate.MIGRATIONS / "versions", tmp_path / "versions",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "versions" / "0099_branch.py").write_text(
        "revision: str = '0099'\ndown_revision: str | None = '0001'\n")
    monkeypatch.setattr(migrate, "MIGRATIONS", tmp_path)
    with pytest.raises(ValueError, match="several heads"):
        head_revision()


def test_sqlite_connections_get_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    engine.dispose()


def test_writers_take_the_lock_at_begin_so_a_second_writer_waits(tmp_path):
    """BEGIN IMMEDIATE: a concurrent writer fails fast at BEGIN (here with no timeout) instead
    of half-way through its transaction."""
    import sqlite3

    path = tmp_path / "l.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with engine.begin() as connection:
        connection.exec_driver_sql("SELECT 1")  # no write yet, but the lock is held
        try:
            other.execute("BEGIN IMMEDIATE")
            locked = False
        except sqlite3.OperationalError as error:
            locked = "locked" in str(error)
    assert locked
    other.execute("BEGIN IMMEDIATE")  # free again after commit
    other.execute("ROLLBACK")
    other.close()
    engine.dispose()
