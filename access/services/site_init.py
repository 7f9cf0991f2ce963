"""``seuil init``: a working sample site in a folder, never over an existing one."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from access.config import load_config
from access.errors import Conflict, InvalidInput
from access.services.context import Site
from access.services.pi_nodes import PiReader, pi_nodes
from access.services.rules import ApplyResult, apply_rules
from access.store.engine import make_engine
from access.store.migrate import upgrade
from access.store.uow import Store

CONFIG_MODE = 0o640
SECRET_MODE = 0o600
DATABASE_MODE = 0o640
SECRET_BYTES = 32


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:40].strip("-") or "seuil"


def _write_new(path: Path, text: str, mode: int) -> None:
    """Create ``path`` with ``mode`` from the start (no window where a secret is readable)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, mode)  # the umask may have narrowed it


@dataclass(frozen=True)
class InitResult:
    config_path: Path
    rules_path: Path
    secret_path: Path
    database_url: str
    rules: ApplyResult


def _placed(key: str, value: str, width: int) -> dict[str, str]:
    """The value and the spaces that keep the sample's comments in their column."""
    return {key: value, f"pad_{key}": " " * max(1, width - len(value))}


def init_site(directory: Path, *, site_name: str = "Seuil", site_id: str | None = None,
              mqtt_passwords: bool = False, data_dir: Path | None = None,
              pi_reader: PiReader | None = None, pi_nodes_here: Sequence[str] = ()) -> InitResult:
    """``mqtt_passwords``: the programs sign in to the broker with the passwords that ``seuil mqtt
    setup`` writes in ``mqtt/`` (a Pi); without it they connect anonymously (a laptop, the tests).
    ``data_dir``: the database, node files and backups go there (/var/lib/seuil on a Pi) instead
    of beside the config.
    ``pi_reader``: a Raspberry Pi's file: every node reads an RC522 (``mfrc522``) or a USB reader
    (``hid``) and drives the pins of firmware_config/README.md, instead of the laptop's fake
    readers; ``pi_nodes_here`` are the nodes wired on this Pi (``install.sh --node``)."""
    site_id = site_id or slugify(site_name)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", site_id):
        raise InvalidInput(f'site id "{site_id}" must be lower-case letters, digits and dashes')
    if '"' in site_name or "\\" in site_name:
        raise InvalidInput("the site name cannot contain quotes or backslashes")
    nodes_text = pi_nodes(pi_nodes_here, pi_reader) if pi_reader is not None else None
    data = data_dir.resolve() if data_dir is not None else None
    database = (data / "seuil.db") if data is not None else directory / "seuil.db"
    targets = [*(directory / n for n in ("seuil.toml", "rules.toml", "secret.key")), database]
    present = [str(p) for p in targets if p.exists()]
    if present:
        raise Conflict("refusing to overwrite: " + ", ".join(present),
                       hint="choose an empty folder, or move these files away first")
    directory.mkdir(parents=True, exist_ok=True)
    if data is not None:
        data.mkdir(mode=0o750, parents=True, exist_ok=True)
    samples = resources.files("access.samples")
    values = {"site_name": site_name, "site_id": site_id,
              "mqtt_password_dir": "mqtt" if mqtt_passwords else "",
              **_placed("data", str(data) if data else ".", 19),
              **_placed("db", "sqlite:///" + (str(database) if data else "seuil.db"), 24),
              **_placed("backups", str(data / "backups") if data else "backups", 24)}
    config_text = samples.joinpath("seuil.toml").read_text(encoding="utf-8")
    for key, value in values.items():
        config_text = config_text.replace("{" + key + "}", value)
    if nodes_text is not None:
        config_text = config_text[: config_text.index("\n[nodes.") + 1] + nodes_text
    _write_new(targets[0], config_text, CONFIG_MODE)
    _write_new(targets[1], samples.joinpath("rules.toml").read_text(encoding="utf-8"), CONFIG_MODE)
    _write_new(targets[2], secrets.token_hex(SECRET_BYTES) + "\n", SECRET_MODE)
    config = load_config(targets[0])
    sqlite_file = Path(config.database_url.removeprefix("sqlite:///"))
    if config.database_url.startswith("sqlite:///") and not sqlite_file.exists():
        # SQLite creates the file (and its -wal and -shm, with the same mode) as the umask says,
        # world-readable by default: the members' data is not.
        _write_new(sqlite_file, "", DATABASE_MODE)
    engine = make_engine(config.database_url)
    try:
        upgrade(engine)
        site = Site(config=config, store=Store(engine), secret=config.read_secret())
        applied = apply_rules(site)
    finally:
        engine.dispose()
    return InitResult(targets[0], targets[1], targets[2], config.database_url, applied)
