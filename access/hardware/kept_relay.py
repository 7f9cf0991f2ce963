"""A relay held by the relay keeper (``access.keeper``): the node's side of its socket.

The node asks; the keeper switches and says what the relay is now. If the keeper cannot be
reached, the node says so in its log and tries again at the next request: its decisions go on,
and nothing pretends the relay moved.
"""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class KeeperUnavailable(OSError):
    """The relay keeper did not answer (not running, or its socket is gone)."""


class KeptRelay:
    """A machine's power or a door strike whose line belongs to the keeper.

    It needs a running keeper, so this example is not a doctest::

        relay = KeptRelay(Path("/var/lib/seuil/node-printer.keeper.sock"))
        relay.real_state()        # True: what the relay is, whatever this process did before
        relay.off()
    """

    def __init__(self, socket_path: Path, *, timeout_s: float = 2.0) -> None:
        self.socket_path = socket_path
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._last: bool = False

    def _ask(self, request: str) -> bool:
        with self._lock:
            for attempt in (1, 2):  # a keeper restarted since: once more on a new connection
                try:
                    if self._sock is None:
                        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                        self._sock.settimeout(self.timeout_s)
                        self._sock.connect(str(self.socket_path))
                    self._sock.sendall(request.encode() + b"\n")
                    reply = self._read_line(self._sock)
                    if reply not in ("on", "off"):
                        raise KeeperUnavailable(f"the relay keeper answered {reply!r}")
                    self._last = reply == "on"
                    return self._last
                except OSError as error:
                    self._drop()
                    if attempt == 2:
                        raise KeeperUnavailable(
                            f"the relay keeper on {self.socket_path} did not answer ({error})"
                        ) from error
        raise AssertionError("unreachable")

    @staticmethod
    def _read_line(sock: socket.socket) -> str:
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(64)
            if not chunk or len(data) > 256:
                raise KeeperUnavailable("the relay keeper closed the connection")
            data += chunk
        return data.decode(errors="replace").strip()

    def _drop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _do(self, request: str) -> None:
        try:
            self._ask(request)
        except KeeperUnavailable as error:
            log.error("%s: the relay did not move (%s)", error, request)

    def real_state(self) -> bool | None:
        """Is the relay on now (None: the keeper did not answer)?"""
        try:
            return self._ask("state")
        except KeeperUnavailable as error:
            log.error("%s", error)
            return None

    def on(self) -> None:
        self._do("on")

    def off(self) -> None:
        self._do("off")

    def pulse(self, seconds: float) -> None:
        """Unlock for ``seconds``, timed by the keeper."""
        self._do(f"pulse {seconds:g}")

    def lock(self) -> None:
        self.off()

    @property
    def is_on(self) -> bool:
        state = self.real_state()
        return self._last if state is None else state

    @property
    def is_unlocked(self) -> bool:
        return self.is_on

    def close(self, *, keep_power: bool = False) -> None:
        """Let go of the keeper; without ``keep_power`` the relay is switched off first."""
        if not keep_power:
            self.off()
        with self._lock:
            self._drop()

    def __repr__(self) -> str:
        return f"<KeptRelay via {self.socket_path}, on={self._last}>"
