"""Running the real ``seuil`` entry point in-process against a real database."""

from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, select, text

from access.cli.main import main
from access.store.engine import make_engine


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(*argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse: --help, --version, usage errors
            code = int(exit_.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


def all_rows(url: str) -> str:
    """Every row of every table, as text, in a stable order (SQLite or PostgreSQL)."""
    engine = make_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        lines = []
        with engine.connect() as connection:
            for table in sorted(metadata.tables.values(), key=lambda t: t.name):
                rows = connection.execute(select(table))
                lines += sorted(f"{table.name}: {tuple(row)}" for row in rows)
        return "\n".join(lines)
    finally:
        engine.dispose()


def db_dump(url: str) -> str:
    """A digest of every row: equal digests mean nothing changed."""
    return hashlib.sha256(all_rows(url).encode()).hexdigest()


def reset_database(url: str) -> None:
    """Drop every table of a shared test database (PostgreSQL runs)."""
    engine = make_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


def apply_day_pass_floor(rules_path: Path, workdir: Path) -> None:
    """Apply the sample rules with the day pass's floor raised to 3.00 (presets above it)."""
    rules = (rules_path.read_text().replace("floor = 0 ", "floor = 3 ")
             .replace("presets = [0, 5, 10, 15, 20]", "presets = [5, 10, 15, 20]"))
    path = workdir / "rules.toml"
    path.write_text(rules)
    result = run("rules", "apply", str(path))
    assert result.code == 0, result.err
