"""The node's last snapshot on disk: written whole or not at all.

A new snapshot goes to a temporary file in the same folder, is fsynced, then renamed over the
old one (an atomic replace on POSIX), and the folder is fsynced so the rename survives a power
cut. A reader therefore sees the old snapshot or the new one, never half of one.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from access.bus.schemas import PayloadError
from access.bus.snapshot_payload import decode_snapshot
from access.domain.snapshot import Snapshot

log = logging.getLogger(__name__)


class SnapshotFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def read(self) -> Snapshot | None:
        """The stored snapshot, or None (none yet, or unreadable: then the hub's is awaited)."""
        raw = self.load()
        if raw is None:
            return None
        try:
            return decode_snapshot(raw)[1]
        except PayloadError as error:
            log.error("the stored snapshot is unreadable (%s); waiting for the hub's", error)
            return None

    def keep(self, raw: bytes) -> None:
        """``save()``, or say why not: a snapshot the disk refuses is still used from memory."""
        try:
            self.save(raw)
        except OSError as error:
            log.error("a new snapshot is in use but not saved on disk (%s)", error)

    def save(self, raw: bytes) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(raw)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o640)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def __repr__(self) -> str:
        return f"<SnapshotFile {self.path}>"
