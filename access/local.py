"""This machine: the system programs Seuil drives, a free loopback port, a private file written
atomically. Stdlib only.

Debian installs mosquitto and mosquitto_passwd in /usr/sbin, which is not on every PATH.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

SEARCH_PATH = "/usr/sbin:/usr/local/sbin:/usr/bin:/usr/local/bin"


def find_program(name: str) -> str | None:
    """``name`` on $PATH, else in the usual bin and sbin folders; None when not installed."""
    return shutil.which(name) or shutil.which(name, path=SEARCH_PATH)


def free_port() -> int:
    """A TCP port nobody listens on, on 127.0.0.1 (for a broker of our own)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Replace ``path`` with ``data`` atomically (a temporary file, fsync, rename), with ``mode``
    from the first byte: a secret is never readable by others, even for a moment."""
    temporary = path.with_name(f".{path.name}.new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, mode)
    os.replace(temporary, path)
