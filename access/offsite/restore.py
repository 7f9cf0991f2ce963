"""``seuil restore --from TARGET``: a site back on a blank SD card, from its off-site copy.

After ``install.sh`` (which made a sample site), one command brings back the database, the
site secret, seuil.toml, rules.toml and the passwords, from the copy Litestream (SQLite) or the
hub's dumps (PostgreSQL) keep on the target. A site that already holds members, taps or a
ledger is never overwritten without ``force``. The nodes then send what their outboxes still
hold; the restored database remembers every event id it took in, so nothing lands twice.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from sqlalchemy import inspect, text

from access.backup import check_sqlite_backup, known_revisions, sqlite_path
from access.config import BackupConfig, Config, load_config
from access.errors import InvalidInput, NotFound
from access.offsite import dumps, host_keys, litestream, site_files
from access.offsite.target import Target, TargetError, parse_target
from access.store.engine import make_engine
from access.store.migrate import upgrade
from access.toml_schema import SchemaInvalid, convert

FILLED_TABLES = ("members", "ledger_entries", "access_events", "ingested_events")
"""A site with rows in any of these is not blank: restoring over it needs ``force``."""


@dataclass(frozen=True)
class Restored:
    files: list[Path]
    database: str
    members: int
    ledger_entries: int
    events: int
    set_aside: list[Path] = field(default_factory=list)
    """What a forced restore replaced, kept beside it."""


def filled(url: str) -> dict[str, int]:
    """Rows in the tables that make a site not blank (none: a new install or no database)."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return {}
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            return {t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                    for t in FILLED_TABLES if t in present}
    finally:
        engine.dispose()


FILE_SETTINGS = ("ssh_key", "ssh_known_hosts", "s3_secret_file")
"""Settings that name a file: given on the command line, relative to where it was typed."""


def host_key_given(value: str) -> str:
    """``--ssh-host-key``: the key line itself, or a file holding it (the server's ``.pub``)."""
    text = value
    if not value.split()[:1] or value.split()[0] not in host_keys.KEY_TYPES:
        with suppress(OSError):  # not a file either: key_line says what a key looks like
            text = Path(value).read_text(encoding="utf-8")
    try:
        return host_keys.key_line(text)
    except host_keys.HostKeyError as error:
        raise InvalidInput(f"--ssh-host-key: {error}; nothing changed") from None


def with_target(config: Config, target: str, *, ssh_key: str = "", ssh_host_key: str = "",
                ssh_known_hosts: str = "", s3_endpoint: str = "", s3_access_key_id: str = "",
                s3_secret_file: str = "") -> Config:
    """``config`` reading from ``target`` (the blank card's seuil.toml has no [backup] yet)."""
    changes: dict[str, object] = {"target": target}
    for key, value in (("ssh_key", ssh_key), ("ssh_host_key", ssh_host_key),
                       ("ssh_known_hosts", ssh_known_hosts), ("s3_endpoint", s3_endpoint),
                       ("s3_access_key_id", s3_access_key_id), ("s3_secret_file", s3_secret_file)):
        if value:
            changes[key] = str(Path(value).resolve()) if key in FILE_SETTINGS else value
    try:
        backup = convert(BackupConfig, {**msgspec.structs.asdict(config.backup), **changes})
    except SchemaInvalid as error:
        raise InvalidInput(f"{error}; nothing changed") from None
    return msgspec.structs.replace(config, backup=backup)


def restore_from(config_path: Path, target_text: str, recovery_key: str, *, force: bool = False,
                 ssh_key: str = "", ssh_host_key: str = "", ssh_known_hosts: str = "",
                 s3_endpoint: str = "", s3_access_key_id: str = "", s3_secret_file: str = "") -> Restored:
    """Bring the site at ``target_text`` onto this machine, in the config folder of ``config_path``."""
    try:
        target = parse_target(target_text)
    except TargetError as error:
        raise InvalidInput(str(error)) from None
    here = load_config(config_path)
    there = filled(here.database_url)
    if any(there.values()) and not force:
        what = ", ".join(f"{table.replace('_', ' ')}: {count}" for table, count in there.items() if count)
        raise InvalidInput(f"this site is not blank ({what}); nothing changed",
                           hint="restore onto a new install, or add --force to replace it (it is kept aside)")
    reading = with_target(here, target_text, ssh_key=ssh_key,
                          ssh_host_key=host_key_given(ssh_host_key) if ssh_host_key else "",
                          ssh_known_hosts=ssh_known_hosts, s3_endpoint=s3_endpoint,
                          s3_access_key_id=s3_access_key_id, s3_secret_file=s3_secret_file)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    work_parent = here.data_dir
    work_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=work_parent) as folder:
        work = Path(folder)
        files, database_copy = _fetch(reading, target, work, recovery_key)
        config_name = site_files.config_name(work / site_files.FILE_NAME)
        written = _write_files(files, config_name, config_path)
        restored = load_config(config_path)
        written.append(_keep_recovery_key(restored, recovery_key))
        set_aside = _place_database(restored, database_copy, stamp)
    url = restored.database_url
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    counts = filled(url)
    return Restored(written, url, counts.get("members", 0), counts.get("ledger_entries", 0),
                    counts.get("ingested_events", 0), set_aside)


def _fetch(config: Config, target: Target, work: Path,
           key: str) -> tuple[list[site_files.SiteFile], Path | None]:
    """The site's files (decrypted) and the database's copy (SQLite; None for a PostgreSQL dump)."""
    names = litestream.Replicated(work / "seuil.db", work / site_files.FILE_NAME)
    if target.kind == "file" and not Path(target.path).is_dir():
        raise NotFound(f"no folder at {target.path}", hint="is the USB stick plugged in and mounted?")
    pg_dump = dumps.newest_dump(target) if target.kind == "file" else None
    if pg_dump is not None:
        shutil.copyfile(Path(target.path) / "site-files" / site_files.FILE_NAME, names.site_files)
        return site_files.read(names.site_files, key), pg_dump
    settings = litestream.write_config(work / "litestream.yml", litestream.config_text(config, names, target))
    litestream.restore(settings, names.site_files, names.site_files)
    files = site_files.read(names.site_files, key)  # a wrong key stops here: nothing written yet
    litestream.restore(settings, names.database, names.database)
    revision = check_sqlite_backup(names.database)
    if revision not in known_revisions():
        raise InvalidInput(f"the copy is at revision {revision}, which this version of Seuil does not know",
                           hint="install the Seuil version the site ran, then restore")
    return files, names.database


def _write_files(files: list[site_files.SiteFile], config_name: str, config_path: Path) -> list[Path]:
    base = config_path.resolve().parent
    written = []
    for file in files:
        path = config_path.resolve() if file.name == config_name else (
            Path(file.name) if os.path.isabs(file.name) else base / file.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{path.name}.restored")
        descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if file.secret else 0o640)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(file.content)
        os.replace(staged, path)
        written.append(path)
    return written


def _keep_recovery_key(config: Config, key: str) -> Path:
    """The key that opened the copy, where the restored seuil.toml expects it: the hub goes on
    encrypting the copy's secrets with the same key the association wrote down."""
    path = site_files.recovery_key_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key.strip() + "\n")
    return path


def _place_database(config: Config, copy: Path | None, stamp: str) -> list[Path]:
    """Put the copy where the restored seuil.toml says the database is; keep what was there aside."""
    live = sqlite_path(config.database_url)
    if live is None or copy is None or copy.suffix == ".pgdump":
        return _restore_postgres(config, copy)
    live.parent.mkdir(parents=True, exist_ok=True)
    aside = []
    if live.exists():
        kept = live.with_name(f"{live.name}.before-restore-{stamp}")
        os.replace(live, kept)
        aside.append(kept)
    for leftover in (live.with_name(live.name + "-wal"), live.with_name(live.name + "-shm")):
        leftover.unlink(missing_ok=True)
    # Litestream's own notes about the old file: a new file starts a new stream.
    shutil.rmtree(live.with_name(f".{live.name}-litestream"), ignore_errors=True)
    files_db = site_files.site_files_path(config)
    for suffix in ("", "-wal", "-shm"):
        stale = files_db.with_name(files_db.name + suffix)
        stale.unlink(missing_ok=True)
    shutil.rmtree(files_db.with_name(f".{files_db.name}-litestream"), ignore_errors=True)
    shutil.move(str(copy), live)
    live.chmod(0o600)
    return aside


def _restore_postgres(config: Config, dump: Path | None) -> list[Path]:
    from access import backup
    from access.bootstrap import site_from_config

    if dump is None or dump.suffix != ".pgdump":
        raise InvalidInput("the restored seuil.toml uses PostgreSQL but the target holds a SQLite copy")
    site = site_from_config(config, check_schema=False)
    try:
        safety = backup.restore_backup(site, dump)
    finally:
        site.store.close()
    return [safety.path]
