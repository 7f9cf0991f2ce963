"""How fresh the off-site copy is: ``seuil backup status``, the hub's log and the kiosk's banner.

The age of a copy is read from the target itself (the newest file that reached it), never from
what this Pi believes it sent.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from access.backup import sqlite_path
from access.config import Config
from access.errors import SeuilError, Unavailable
from access.offsite import dumps, litestream
from access.offsite.site_files import site_files_path
from access.offsite.target import parse_target

State = Literal["ok", "late", "unreachable", "off"]

EXIT_CODES: dict[State, int] = {"ok": 0, "late": 3, "unreachable": 4, "off": 5}
"""``seuil backup status``'s exit code, for monitoring (docs/operations.md)."""


@dataclass(frozen=True, slots=True)
class CopyStatus:
    state: State
    target: str
    last_copy_at: datetime | None
    """When the newest file reached the target (None: nothing there, or not readable)."""
    max_delay: timedelta
    problem: str = ""
    """Why the target could not be read, or what is behind."""

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.state]

    def summary(self, now: datetime) -> str:
        if self.state == "off":
            return "no off-site copy: [backup] target is not set (docs/operations.md)"
        if self.state == "unreachable":
            return f"cannot read the copy at {self.target}: {self.problem}"
        assert self.last_copy_at is not None
        age = _age(now - self.last_copy_at)
        if self.state == "late":
            why = f" ({self.problem})" if self.problem else ""
            return (f"LATE: the newest copy reached {self.target} {age} ago, more than the allowed "
                    f"{_age(self.max_delay)}{why}")
        return f"ok: the newest copy reached {self.target} {age} ago (allowed: {_age(self.max_delay)})"


def _age(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def judge(now: datetime, last_copy_at: datetime | None, max_delay: timedelta, *, behind: bool = False,
          target: str = "") -> CopyStatus:
    """The verdict on a copy whose newest file is from ``last_copy_at`` (pure).

    ``behind``: the database has changes the target does not have, and they stayed unsent.
    """
    if last_copy_at is None:
        return CopyStatus("unreachable", target, None, max_delay, "no copy there yet")
    late = now - last_copy_at > max_delay
    if late:
        return CopyStatus("late", target, last_copy_at, max_delay,
                          "changes of the database are not there" if behind else "")
    if behind:
        return CopyStatus("late", target, last_copy_at, max_delay, "changes of the database are not there")
    return CopyStatus("ok", target, last_copy_at, max_delay)


def same_disk(config: Config) -> bool:
    """A folder target on the database's own disk: a USB stick that is not mounted leaves its
    empty mount point on the SD card, and the copy would die with the card."""
    target = parse_target(config.backup.target)
    if target.kind != "file" or config.backup.allow_same_disk:
        return False
    folder = Path(target.path)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder.stat().st_dev == config.data_dir.stat().st_dev


def refuse_same_disk(config: Config) -> None:
    if same_disk(config):
        raise Unavailable(f"the target {config.backup.target} is on the same disk as the data; "
                          "nothing copied", hint="is the USB stick plugged in and mounted?")


def utc_now() -> datetime:
    return datetime.now(UTC)


def check(config: Config, now: Callable[[], datetime] = utc_now,
          *, settle_s: float | None = None) -> CopyStatus:
    """Read the target named by ``[backup] target`` and judge its newest copy."""
    max_delay = timedelta(minutes=config.backup.max_delay_minutes)
    if not config.backup.target:
        return CopyStatus("off", "", None, max_delay)
    target = parse_target(config.backup.target)
    shown = str(target)
    database = sqlite_path(config.database_url)
    try:
        refuse_same_disk(config)
        if database is None:
            return judge(now(), dumps.newest_copy_at(target), max_delay, target=shown)
        files = litestream.Replicated(database, site_files_path(config))
        with tempfile.TemporaryDirectory(prefix="seuil-litestream-") as folder:
            path = litestream.write_config(Path(folder) / "litestream.yml",
                                           litestream.config_text(config, files))
            heartbeat = litestream.replica_position(path, files.site_files)
            copied = litestream.replica_position(path, database)
            behind = litestream.local_txid(path, database) > copied.txid
            if behind:  # maybe only the last second's change, on its way: look again after a sync
                time.sleep(settle_s if settle_s is not None else config.backup.sync_interval_s * 2 + 1)
                again = litestream.replica_position(path, database)
                behind = again.txid == copied.txid and litestream.local_txid(path, database) > again.txid
                copied = again
    except SeuilError as error:
        return CopyStatus("unreachable", shown, None, max_delay, error.message)
    newest = max((at for at in (heartbeat.at, copied.at) if at is not None), default=None)
    return judge(now(), newest, max_delay, behind=behind, target=shown)
