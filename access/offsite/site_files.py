"""The site's files, kept in a small SQLite file (``site-files.db``) that Litestream copies to the
target beside the database: seuil.toml and rules.toml as they are, and the secrets (the site
secret that keys the card hashes, the MQTT passwords, the SSH or S3 key) encrypted with the
recovery key, which never goes to the target. The hub refreshes the file every minute and
writes a heartbeat there, so the target's newest copy is never older than a minute while
everything works, and ``seuil backup status`` can tell a stopped copy from a quiet site.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from access.config import Config
from access.errors import InvalidInput, NotInitialised

FILE_NAME = "site-files.db"
KEY_BYTES = 20
"""160 random bits, written as 32 base32 letters and digits in groups of four."""
SALT_BYTES = 16
MODE = 0o600

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY,        -- relative to the config's folder, or absolute
    secret INTEGER NOT NULL,      -- 1: content is a Fernet token under the recovery key
    content BLOB NOT NULL,
    digest TEXT NOT NULL,         -- HMAC of the clear content: unchanged files are not rewritten
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class SiteFile:
    name: str
    """Relative to the config's folder (``seuil.toml``, ``mqtt/hub``), or an absolute path."""
    content: bytes
    secret: bool


def site_files_path(config: Config) -> Path:
    return config.data_dir / FILE_NAME


# --- the recovery key ----------------------------------------------------------------------------

def new_recovery_key() -> str:
    """``ABCD-EFGH-...``: easy to copy on paper, 160 bits."""
    letters = base64.b32encode(secrets.token_bytes(KEY_BYTES)).decode()
    return "-".join(letters[i:i + 4] for i in range(0, len(letters), 4))


def normalise_key(text: str) -> str:
    """The key as typed (spaces, dashes, lower case) in one canonical form."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def recovery_key_path(config: Config) -> Path:
    return config.path(config.backup.recovery_key)


def read_recovery_key(config: Config) -> str:
    path = recovery_key_path(config)
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise NotInitialised(f"no recovery key at {path}",
                             hint="seuil backup recovery-key writes one; print it, keep it apart") from None
    if len(normalise_key(text)) < 16:
        raise NotInitialised(f"the recovery key in {path} is too short")
    return text


def create_recovery_key(config: Config) -> tuple[str, bool]:
    """The recovery key, written now if there is none: (key, True when new)."""
    path = recovery_key_path(config)
    if path.exists():
        return read_recovery_key(config), False
    key = new_recovery_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key, True


def _fernet(key: str, salt: bytes) -> Fernet:
    derived = Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(normalise_key(key).encode())
    return Fernet(base64.urlsafe_b64encode(derived))


# --- what is kept --------------------------------------------------------------------------------

def _name(config: Config, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.base_dir.resolve()))
    except ValueError:
        return str(path.resolve())


def wanted(config: Config) -> list[tuple[Path, bool]]:
    """(file, secret?) for every file of the site worth keeping, those that exist. A folder this
    user may not list (the broker passwords, root's on a Pi) is left out: ``unreadable``."""
    plain = [Path(config.source), config.rules_path]
    hidden = [config.secret_path]
    if config.mqtt.password_dir:
        folder = config.path(config.mqtt.password_dir)
        with suppress(PermissionError):
            if folder.is_dir():
                hidden += sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    for relative in (config.mqtt.password_file, config.kiosk.helloasso.client_secret_file,
                     config.mail.password_file, config.backup.ssh_key, config.backup.s3_secret_file):
        if relative:
            hidden.append(config.path(relative))
    return [(p, False) for p in plain if p.is_file()] + [(p, True) for p in hidden if p.is_file()]


@contextmanager
def _open(path: Path) -> Iterator[sqlite3.Connection]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists()
    if fresh:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, MODE))
    connection = sqlite3.connect(path, timeout=10)
    try:
        connection.execute("PRAGMA journal_mode=WAL")  # Litestream needs WAL
        connection.execute("PRAGMA busy_timeout=10000")
        connection.executescript(SCHEMA)
        yield connection
    finally:
        connection.close()


def _salt(connection: sqlite3.Connection) -> bytes:
    row = connection.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
    if row is not None:
        return base64.b64decode(row[0])
    salt = secrets.token_bytes(SALT_BYTES)
    connection.execute("INSERT INTO meta (key, value) VALUES ('salt', ?)", (base64.b64encode(salt).decode(),))
    return salt


def unreadable(config: Config, stored: Iterable[str]) -> list[str]:
    """The stored names this user cannot read now, to keep as they are rather than forget:
    on a Pi the broker passwords are root's (systemd hands each program its own), so the hub's
    and Litestream's refreshes keep what install.sh's (as root, ``seuil backup files``) stored."""
    kept = []
    for name in stored:
        path = Path(name) if os.path.isabs(name) else config.base_dir / name
        try:
            path.stat()
        except PermissionError:
            kept.append(name)
        except OSError:
            continue  # gone: forgotten
    return kept


def refresh(config: Config, now: datetime, *, path: Path | None = None) -> int:
    """Bring ``site-files.db`` up to date with the site's files and beat its heart: how many files
    changed. Files that went away are forgotten; the recovery key itself is never kept."""
    key = read_recovery_key(config)
    path = path or site_files_path(config)
    with _open(path) as connection:
        connection.execute("BEGIN IMMEDIATE")
        salt = _salt(connection)
        fernet = _fernet(key, salt)
        mac_key = hashlib.sha256(b"seuil-site-files" + salt + normalise_key(key).encode()).digest()
        stored = dict(connection.execute("SELECT name, digest FROM files").fetchall())
        changed, seen = 0, set(unreadable(config, stored))
        for file, secret in wanted(config):
            name = _name(config, file)
            seen.add(name)
            try:
                content = file.read_bytes()
            except PermissionError:
                continue  # kept as last stored by a user who could read it (root: install.sh)
            digest = hmac.new(mac_key, content, hashlib.sha256).hexdigest()
            if stored.get(name) == digest:
                continue
            kept = fernet.encrypt(content) if secret else content
            connection.execute("INSERT OR REPLACE INTO files (name, secret, content, digest, updated_at) "
                               "VALUES (?, ?, ?, ?, ?)", (name, int(secret), kept, digest, now.isoformat()))
            changed += 1
        for name in set(stored) - seen:
            connection.execute("DELETE FROM files WHERE name = ?", (name,))
            changed += 1
        connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('config', ?)",
                           (_name(config, Path(config.source)),))
        connection.execute("INSERT OR REPLACE INTO heartbeat (id, at) VALUES (1, ?)", (now.isoformat(),))
        connection.commit()
    return changed


def config_name(path: Path) -> str:
    """Which of the kept files is seuil.toml (its name in the copy)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
    finally:
        connection.close()
    if row is None:
        raise InvalidInput(f"{path} names no seuil.toml: not a copy of a site's files")
    return str(row[0])


def read(path: Path, key: str) -> list[SiteFile]:
    """The files in a restored ``site-files.db``, secrets decrypted with the recovery ``key``."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            salt_row = connection.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
            rows = connection.execute("SELECT name, secret, content FROM files ORDER BY name").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise InvalidInput(f"{path} is not a copy of a site's files ({error})") from None
    if salt_row is None:
        return [SiteFile(name, bytes(content), False) for name, secret, content in rows if not secret]
    fernet = _fernet(key, base64.b64decode(salt_row[0]))
    files = []
    for name, secret, content in rows:
        if secret:
            try:
                files.append(SiteFile(name, fernet.decrypt(bytes(content)), True))
            except InvalidToken:
                raise InvalidInput("this recovery key does not open the copy's secrets; nothing changed",
                                   hint="type it as written down (dashes and case do not matter)") from None
        else:
            files.append(SiteFile(name, bytes(content), False))
    return files
