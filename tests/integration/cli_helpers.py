"""Running the real ``seuil`` entry point in-process against a real SQLite file."""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from access.cli.main import main


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


def db_dump(path: Path) -> str:
    """A digest of every row of every table: equal digests mean nothing changed."""
    connection = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()
    finally:
        connection.close()
