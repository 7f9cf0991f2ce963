"""Alembic, driven from code: ``seuil init`` and ``seuil db upgrade`` call ``upgrade()``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from access.errors import NotInitialised

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def ensure_current(engine: Engine) -> None:
    """Refuse to work on a database that is missing or behind the code."""
    current, head = current_revision(engine), head_revision()
    if current is None:
        raise NotInitialised("the database has no tables yet",
                             hint="run `seuil db upgrade` (or `seuil init DIR` for a new site)")
    if current != head:
        raise NotInitialised(f"the database is at revision {current}, the code needs {head}",
                             hint="back it up with `seuil backup`, then run `seuil db upgrade`")
