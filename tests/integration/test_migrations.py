from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from access.store.engine import make_engine
from access.store.migrate import current_revision, head_revision, upgrade
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
