"""Online backups and restore, for SQLite (the default) and PostgreSQL.

SQLite is copied with ``VACUUM INTO`` while the hub runs (never a file copy, which can catch
a half-written page), then checked with ``PRAGMA integrity_check``. PostgreSQL is dumped with
``pg_dump --format=custom``. Nightly backups are rotated; manual ones are kept.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import make_url

from access.errors import InvalidInput, NotFound, Unavailable
from access.services.context import Site
from access.store.engine import make_engine
from access.store.migrate import current_revision, head_revision, upgrade

NIGHTLY = "nightly"
MANUAL = "manual"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    removed: tuple[Path, ...] = ()
    """Older nightly backups deleted by the rotation."""


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise InvalidInput("an in-memory database cannot be backed up")
    return Path(parsed.database)


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup_dir(site: Site) -> Path:
    return site.config.path(site.config.backup.dir)


def make_backup(site: Site, *, kind: str = MANUAL, directory: Path | None = None) -> BackupFile:
    """Write a consistent copy of the database now; nightly ones are rotated (``backup.keep``)."""
    target_dir = directory or backup_dir(site)
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = site.clock.local(site.now()).strftime("%Y%m%d-%H%M%S")
    url = site.config.database_url
    source = sqlite_path(url)
    if source is not None:
        target = target_dir / f"seuil-{kind}-{stamp}.db"
        target.unlink(missing_ok=True)
        raw = site.store.engine.raw_connection()  # VACUUM refuses to run inside a transaction
        try:
            raw.driver_connection.execute("VACUUM INTO ?", (str(target),))  # type: ignore[union-attr]
        finally:
            raw.close()
        check = sqlite3.connect(target)
        try:
            verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if verdict != "ok":
            target.unlink(missing_ok=True)
            raise Unavailable(f"the backup failed its integrity check: {verdict}")
    else:
        target = target_dir / f"seuil-{kind}-{stamp}.pgdump"
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise Unavailable("pg_dump is not installed", hint="apt install postgresql-client")
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={target}",
                               _libpq_url(url)], capture_output=True, text=True, timeout=3600, check=False)
        if done.returncode != 0:
            raise Unavailable(f"pg_dump failed: {done.stderr.strip().splitlines()[-1:]}")
    target.chmod(0o600)  # it holds the members' data
    removed = rotate(target_dir, site.config.backup.keep) if kind == NIGHTLY else ()
    return BackupFile(target, target.stat().st_size, removed)


def rotate(directory: Path, keep: int) -> tuple[Path, ...]:
    nightly = sorted(directory.glob(f"seuil-{NIGHTLY}-*"), key=lambda p: p.name, reverse=True)
    old = nightly[keep:]
    for path in old:
        path.unlink(missing_ok=True)
    return tuple(old)


def list_backups(site: Site) -> list[tuple[Path, int, datetime]]:
    directory = backup_dir(site)
    files = sorted(directory.glob("seuil-*"), key=lambda p: p.name) if directory.is_dir() else []
    return [(p, p.stat().st_size, datetime.fromtimestamp(p.stat().st_mtime).astimezone()) for p in files]


def restore_backup(site: Site, path: Path) -> BackupFile:
    """Replace the database's content with ``path``'s, after saving the current one.

    The file is checked first (a SQLite database of Seuil, not newer than this code); a bad
    file changes nothing. After the copy, migrations bring it up to this version.
    """
    if not path.is_file():
        raise NotFound(f"no backup file at {path}")
    url = site.config.database_url
    live = sqlite_path(url)
    if live is None:
        return _restore_postgres(site, path, url)
    revision = check_sqlite_backup(path)
    if revision not in known_revisions():
        raise InvalidInput(f"{path} is at revision {revision}, which this version of Seuil does not know",
                           hint="restore it with the Seuil version that made it")
    safety = make_backup(site, kind="before-restore")
    site.store.close()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(live)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return safety


def check_sqlite_backup(path: Path) -> str:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise InvalidInput(f"{path} is damaged (integrity check failed); nothing changed")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise InvalidInput(f"{path} is not a Seuil backup ({error}); nothing changed") from None
    if row is None:
        raise InvalidInput(f"{path} has no schema revision: not a Seuil backup; nothing changed")
    return str(row[0])


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from access.store.migrate import alembic_config

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _restore_postgres(site: Site, path: Path, url: str) -> BackupFile:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise Unavailable("pg_restore is not installed", hint="apt install postgresql-client")
    safety = make_backup(site, kind="before-restore")
    site.store.close()
    done = subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq_url(url)}",
                           str(path)], capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise Unavailable(f"pg_restore failed: {done.stderr.strip().splitlines()[-1:]}",
                          hint=f"the database as it was is saved in {safety.path}")
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    return safety
