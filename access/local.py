"""This machine: the system programs Seuil drives, and a free loopback port. Stdlib only.

Debian installs mosquitto and mosquitto_passwd in /usr/sbin, which is not on every PATH.
"""

from __future__ import annotations

import shutil
import socket

SEARCH_PATH = "/usr/sbin:/usr/local/sbin:/usr/bin:/usr/local/bin"


def find_program(name: str) -> str | None:
    """``name`` on $PATH, else in the usual bin and sbin folders; None when not installed."""
    return shutil.which(name) or shutil.which(name, path=SEARCH_PATH)


def free_port() -> int:
    """A TCP port nobody listens on, on 127.0.0.1 (for a broker of our own)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
