"""PostgreSQL's off-site copy: a ``pg_dump`` written by the hub every ``[backup] dump_minutes``
into the target, which must be a folder (a USB stick, or a NAS mounted over NFS or sshfs).

Why not Litestream's continuous stream: it reads SQLite's WAL only. PostgreSQL's own
continuous tools (WAL archiving with ``pg_basebackup``) need a superuser's set-up on the
database server, which the shared servers this mode is for do not give a site; a dump needs
only the site's own login and restores with ``pg_restore``. What a dead hub can lose is then
up to ``dump_minutes`` of rows, not a second's worth.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from access.backup import make_backup
from access.errors import InvalidInput
from access.offsite.site_files import FILE_NAME, site_files_path
from access.offsite.target import DATABASE, SITE_FILES, Target, parse_target
from access.services.context import Site

KIND = "offsite"


def _folder(target: Target) -> Path:
    if target.kind != "file":
        raise InvalidInput(f"with PostgreSQL the target must be a folder, not {target}",
                           hint="mount the NAS (NFS, sshfs) and name the mounted folder")
    return Path(target.path)


def dump(site: Site) -> Path:
    """Write a dump and the site's files into the target now; keep the newest ``backup.keep``."""
    target = parse_target(site.config.backup.target)
    folder = _folder(target)
    made = make_backup(site, kind=KIND, directory=folder / DATABASE)
    rotate_offsite(folder / DATABASE, site.config.backup.keep)
    files = site_files_path(site.config)
    if files.exists():
        (folder / SITE_FILES).mkdir(parents=True, exist_ok=True)
        source, copy = sqlite3.connect(files), sqlite3.connect(folder / SITE_FILES / FILE_NAME)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
    return made.path


def rotate_offsite(directory: Path, keep: int) -> tuple[Path, ...]:
    dumps = sorted(directory.glob(f"seuil-{KIND}-*"), key=lambda p: p.name, reverse=True)
    for path in dumps[keep:]:
        path.unlink(missing_ok=True)
    return tuple(dumps[keep:])


def newest_dump(target: Target) -> Path | None:
    folder = _folder(target) / DATABASE
    dumps = sorted(folder.glob(f"seuil-{KIND}-*.pgdump"), key=lambda p: p.name) if folder.is_dir() else []
    return dumps[-1] if dumps else None


def newest_copy_at(target: Target) -> datetime | None:
    newest = newest_dump(target)
    return datetime.fromtimestamp(newest.stat().st_mtime, UTC) if newest is not None else None


