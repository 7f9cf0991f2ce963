"""The relay keeper: a small process that holds a machine's relay and obeys its node.

A GPIO line is released when the process that requested it exits, and goes back to its
default: an input, which an active-low relay board reads as "off" (FACTS.md). The node reads
cards, talks MQTT, writes its outbox and gets upgraded; each of those can stop it, and with it
the print. The keeper does none of that: it owns the relay line, answers one Unix socket, and
has no reason to stop, so ``systemctl restart seuil-node@printer``, an upgrade or a crash of the
node leaves the machine as it was. The node asks the keeper for the relay's real state when it
starts instead of assuming it. ``install.sh`` restarts a keeper only when no session runs.

The protocol is one line per request and one per answer, the relay's state after the request::

    on | off | pulse SECONDS | state    ->    on | off      (or "error ...")

A pulse (a door strike) is timed by gpiozero in the keeper: the door relocks on time whatever
the node does. The keeper starts with the relay off: its line was released when the previous
keeper exited, so off is the truth.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any

from gpiozero import DigitalOutputDevice

from access.hardware import Pin
from access.lifecycle import run_until_signalled

log = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 64


class RelayKeeper:
    """Owns one relay line; ``start()`` listens on ``socket_path``, ``stop()`` lets go."""

    def __init__(self, socket_path: Path, pin: Pin, *, active_high: bool = True,
                 pin_factory: Any = None) -> None:
        self.socket_path = socket_path
        self._relay = DigitalOutputDevice(pin, active_high=active_high, initial_value=False,
                                          pin_factory=pin_factory)
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self._clients: set[socket.socket] = set()

    def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()  # left by a keeper that was killed
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o117)  # the seuil user and its group only
        try:
            server.bind(str(self.socket_path))
        finally:
            os.umask(old_umask)
        server.listen()
        self._server = server
        threading.Thread(target=self._accept, name="keeper", daemon=True).start()
        log.info("holding %s (off) for the node, on %s", self._relay.pin, self.socket_path)

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        with self._lock:
            for conn in self._clients:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            self._relay.close()  # the line is released: the relay reads off, as at any exit

    def answer(self, request: str) -> str:
        """What the node asked, done; the answer is the relay's state after it."""
        words = request.split()
        with self._lock:
            if self._relay.closed:
                return "error: the keeper is stopping"
            if words == ["on"]:
                self._relay.on()
            elif words == ["off"]:
                self._relay.off()
            elif len(words) == 2 and words[0] == "pulse":
                try:
                    seconds = float(words[1])
                except ValueError:
                    return "error: pulse SECONDS"
                if not 0 < seconds <= 60:
                    return "error: a pulse lasts 0 to 60 s"
                self._relay.on()
                self._relay.blink(on_time=seconds, off_time=0, n=1, background=True)
            elif words != ["state"]:
                return "error: on, off, pulse SECONDS or state"
            return "on" if self._relay.is_active else "off"

    def _accept(self) -> None:
        assert self._server is not None
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return  # stopped
            with self._lock:
                self._clients.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as stream, contextlib.suppress(OSError):
            for raw in stream:
                reply = self.answer(raw[:MAX_REQUEST_BYTES].decode(errors="replace"))
                stream.write(reply.encode() + b"\n")
                stream.flush()
        with self._lock:
            self._clients.discard(conn)

    def run_forever(self) -> None:
        """Until SIGTERM or SIGINT (systemd stop, Ctrl-C)."""
        run_until_signalled(self.start, self.stop)

    def __repr__(self) -> str:
        return f"<RelayKeeper on {self._relay.pin}, on={bool(self._relay.is_active)}>"
