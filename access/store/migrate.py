"""Alembic, driven from code: ``seuil init`` and ``seuil db upgrade`` call ``upgrade()``.

Checking that a database is current is on every daemon's start path, so it reads the
revisions without importing Alembic (a fifth of a second of the kiosk's start on a laptop,
more on a Pi): the head from the migration files' ``revision``/``down_revision`` lines, the
database's revision from the ``alembic_version`` table. ``tests/unit/test_migrate.py`` checks
both against Alembic's own answers.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from access.errors import NotInitialised

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


def alembic_config(engine: Engine | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def _assigned(path: Path, tree: ast.Module, name: str) -> str | None:
    for node in tree.body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            literal = ast.literal_eval(value)
            return literal if isinstance(literal, str) else None
    raise ValueError(f"{path.name}: no `{name} = ...` line")


def head_revision() -> str | None:
    """The newest revision: the one no other migration names as its ``down_revision``."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        revision = _assigned(path, tree, "revision")
        if revision is None:
            raise ValueError(f"{path.name}: revision is not a string")
        revisions.add(revision)
        if (parent := _assigned(path, tree, "down_revision")) is not None:
            parents.add(parent)
    heads = revisions - parents
    if len(heads) > 1:
        raise ValueError(f"the migrations have several heads: {sorted(heads)} (merge them with alembic)")
    return heads.pop() if heads else None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

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
