"""The node's last snapshot on disk: written whole or not at all.

A new snapshot goes to a temporary file in the same folder, is fsynced, then renamed over the
old one (an atomic replace on POSIX), and the folder is fsynced so the rename survives a power
cut. A reader therefore sees the old snapshot or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class SnapshotFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

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
