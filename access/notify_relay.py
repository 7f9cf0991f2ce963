"""Run a command and pass its systemd notifications (READY, WATCHDOG, STOPPING) on as our own.

    python -m access.notify_relay /usr/bin/cage -d -- /opt/seuil/venv/bin/seuil kiosk

Why: the kiosk's unit opens a login session (``PAMName=login``: logind gives cage its seat), and
pam_systemd moves the unit's processes into that session's scope (``session-N.scope``). systemd
then routes a notification by the sender's cgroup: it accepts one from the unit's main PID
(which it watches) but drops, silently, one from any other process of the scope, whatever
``NotifyAccess=`` says. ``seuil kiosk`` is cage's child, so its READY=1 never arrived: the unit
stayed "activating" and was killed after ``TimeoutStartSec`` (seen in tests/system). As the
main PID, this relay receives the child's datagrams on a socket of its own and sends them on.

Stdlib only, and it imports nothing else of Seuil: it starts before Qt does.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from access.lifecycle import notify

FORWARDED = ("READY=", "WATCHDOG=", "STOPPING=", "RELOADING=", "STATUS=", "ERRNO=", "EXTEND_TIMEOUT_USEC=")
"""What a child may say through us; never MAINPID= (it would hand the unit to another process)
nor FDSTORE= (the descriptors are not passed on)."""

CREDENTIALS = struct.Struct("iII")
"""struct ucred: the sender's pid, uid, gid."""


def forwarded(datagram: bytes) -> str:
    """The lines of one notification worth passing on ("" when none is)."""
    lines = datagram.decode("utf-8", "replace").splitlines()
    return "\n".join(line for line in lines if line.startswith(FORWARDED))


def relay_socket(folder: Path) -> tuple[socket.socket, Path]:
    """A datagram socket for the child's notifications, in a folder only we may write; it
    receives each sender's PID (SO_PASSCRED), as systemd does."""
    path = folder / f"notify-relay-{os.getpid()}.sock"
    path.unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    sock.bind(str(path))
    return sock, path


def receive(sock: socket.socket) -> tuple[bytes, int | None]:
    """One datagram and the PID of the process that sent it (None if the kernel did not say)."""
    data, ancillary, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(CREDENTIALS.size))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid, _, _ = CREDENTIALS.unpack(payload[:CREDENTIALS.size])
            return data, pid
    return data, None


PR_SET_PDEATHSIG = 1  # prctl(2)


def end_with_parent() -> None:
    """In the child, before exec: SIGTERM when the relay dies (PR_SET_PDEATHSIG).

    The child is in the login session's scope, out of the unit's cgroup: when systemd kills the
    relay (a watchdog timeout sends SIGABRT to the unit's cgroup only), cage would live on with
    a frozen kiosk beside the next start's."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")


class Relay:
    """``command`` run with ``NOTIFY_SOCKET`` pointing at us; what it says is passed on.

    On SIGTERM or SIGINT the process that said READY is asked to stop first: under cage that
    is the kiosk, whose exit ends cage cleanly (cage 0.1.4 itself, sent SIGTERM, aborts in
    ``wl_display_terminate``: cage-kiosk/cage#339). The command gets the signal too if it has
    not exited ``grace_s`` later, or at once when nobody has said READY."""

    def __init__(self, command: Sequence[str], folder: Path, *, grace_s: float = 10) -> None:
        self.command = list(command)
        self.folder = folder
        self.grace_s = grace_s
        self.notifier: int | None = None
        self.stop_asked_at: float | None = None
        self.signalled_command = False
        self.signum: int = signal.SIGTERM

    def ask_to_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_asked_at = time.monotonic()
        self.signum = signum

    def run(self) -> int:
        """Until the command exits; its exit status (128 + N when killed by signal N)."""
        sock, path = relay_socket(self.folder)
        try:
            signal.signal(signal.SIGTERM, self.ask_to_stop)  # the child gets the defaults back at exec
            signal.signal(signal.SIGINT, self.ask_to_stop)
            child = subprocess.Popen(self.command, env={**os.environ, "NOTIFY_SOCKET": str(path)},
                                     preexec_fn=end_with_parent)
            stopping = False
            while child.poll() is None:
                if self.stop_asked_at is not None and not stopping:
                    stopping = True
                    self._stop_first(child)
                if stopping and not self.signalled_command and \
                        time.monotonic() - (self.stop_asked_at or 0) > self.grace_s:
                    self.signalled_command = True
                    child.send_signal(self.signum)
                readable, _, _ = select.select([sock], [], [], 0.2)
                if readable:
                    data, sender = receive(sock)
                    message = forwarded(data)
                    if "READY=1" in message.split("\n"):
                        self.notifier = sender
                    if message:
                        notify(message)
            code = child.returncode
            return 128 - code if code < 0 else code
        finally:
            sock.close()
            path.unlink(missing_ok=True)

    def _stop_first(self, child: subprocess.Popen[bytes]) -> None:
        if self.notifier is not None and self.notifier != child.pid:
            try:
                os.kill(self.notifier, self.signum)
                return
            except ProcessLookupError:
                pass
        self.signalled_command = True
        child.send_signal(self.signum)


def main(argv: Sequence[str] | None = None) -> int:
    command = list(sys.argv[1:] if argv is None else argv)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        print("usage: python -m access.notify_relay COMMAND [ARG...]", file=sys.stderr)
        return 2
    if not os.environ.get("NOTIFY_SOCKET"):  # not run by systemd: nothing to relay
        os.execvp(command[0], command)
    folder = Path(os.environ.get("XDG_RUNTIME_DIR") or "/run")
    return Relay(command, folder).run()


if __name__ == "__main__":
    raise SystemExit(main())
