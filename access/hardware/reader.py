"""Badge readers: one small protocol, and the fake one used by tests and the demo.

A reader calls ``on_card(uid)`` from its own thread with the UID as upper-case hex of the
card's real bytes (``"04A1B2C3"``). The node decides the tap and moves the relay in that
callback, on the reader's thread (a lock keeps it in order with the worker); the worker
records it. Real readers live in ``mfrc522_reader`` and ``hid_reader`` and import their
driver lazily, so this module loads anywhere.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from access.domain.cards import UidError, normalize_uid

log = logging.getLogger(__name__)

OnCard = Callable[[str], None]


class ReaderError(RuntimeError):
    """The reader cannot be opened or read (wiring, permissions, missing driver)."""


class Reader(Protocol):
    """Something that reports cards. ``start`` returns at once; ``close`` stops it."""

    def start(self, on_card: OnCard) -> None: ...

    def close(self) -> None: ...

    @property
    def alive(self) -> bool:
        """Its thread still reads (the watchdog asks: taps are decided on it)."""


class Debouncer:
    """Reports a card once while it stays on the reader.

    A polled reader sees a card on every poll while it lies there; it counts again only
    after it has been away for ``hold_s`` seconds. Pure: the caller passes the time.

    >>> d = Debouncer(1.5)
    >>> d.seen("04A1B2C3", 0.0), d.seen("04A1B2C3", 0.1), d.seen("04A1B2C3", 1.0)
    (True, False, False)
    >>> d.seen("04A1B2C3", 3.0)  # away from 1.0 to 3.0: a new presentation
    True
    """

    def __init__(self, hold_s: float) -> None:
        self.hold_s = hold_s
        self._last_uid: str | None = None  # only one card: memory cannot grow
        self._last_seen = float("-inf")

    def seen(self, uid: str, now_s: float) -> bool:
        """Record a read of ``uid`` at ``now_s``; True if it is a new presentation."""
        fresh = uid != self._last_uid or now_s - self._last_seen >= self.hold_s
        self._last_uid = uid
        self._last_seen = now_s
        return fresh


class FakeReader:
    """A reader for tests and the demo: ``tap(uid)``, or datagrams on a Unix socket.

    With ``socket_path``, ``seuil tap --node ID --uid UID`` reaches it from another process
    on the same machine (the socket is made 0660, so only the service group may tap).

    >>> reader = FakeReader()
    >>> reader.start(print)
    >>> reader.tap("04 a1 b2 c3")  # prints (the callback), then returns the normal UID
    04A1B2C3
    '04A1B2C3'
    """

    def __init__(self, socket_path: Path | None = None) -> None:
        self.socket_path = socket_path
        self._on_card: OnCard | None = None
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def start(self, on_card: OnCard) -> None:
        self._on_card = on_card
        if self.socket_path is None:
            return
        self.socket_path.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(self.socket_path))
        os.chmod(self.socket_path, 0o660)
        sock.settimeout(1.0)
        self._socket = sock
        self._thread = threading.Thread(target=self._listen, name="fake-reader", daemon=True)
        self._thread.start()

    def tap(self, uid: str) -> str:
        """Present a card; returns the normalised UID. Raises ``UidError`` for a bad one."""
        normal = normalize_uid(uid)
        if self._on_card is None:
            raise ReaderError("the reader is not started")
        self._on_card(normal)
        return normal

    def _listen(self) -> None:
        assert self._socket is not None
        while not self._closed.is_set():
            try:
                data = self._socket.recv(256)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                self.tap(data.decode("ascii", "replace"))
            except UidError as error:
                log.warning("ignored a simulated tap: %s", error)

    @property
    def alive(self) -> bool:
        """Tapped in-process (no socket): always; on its socket: while its thread listens."""
        return self._thread is None or self._thread.is_alive()

    def close(self) -> None:
        self._closed.set()
        if self._socket is not None:
            self._socket.close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self.socket_path is not None:
            self.socket_path.unlink(missing_ok=True)

    def __repr__(self) -> str:
        return f"<FakeReader socket={self.socket_path}>"


def send_fake_tap(socket_path: Path, uid: str) -> None:
    """Deliver a simulated tap to a node's ``FakeReader`` (what ``seuil tap`` does)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.sendto(uid.encode("ascii"), str(socket_path))
        except (FileNotFoundError, ConnectionRefusedError):
            raise ReaderError(f"no node is listening at {socket_path}") from None
