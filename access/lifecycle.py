"""How a daemon runs under systemd: start, say READY, ping the watchdog while alive, stop on
SIGTERM or SIGINT. systemd's notify protocol is a datagram to $NOTIFY_SOCKET. Stdlib only."""

from __future__ import annotations

import os
import select
import signal
import socket
import time
from collections.abc import Callable
from types import FrameType


def notify(message: str) -> bool:
    """Send ``message`` (``READY=1``, ``WATCHDOG=1``...) to systemd; False when not run by it."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError:
        return False
    return True


def watchdog_period_s() -> float | None:
    """Half of systemd's WatchdogSec (pings twice per period), or None when there is none."""
    usec = int(os.environ.get("WATCHDOG_USEC", "0") or 0)
    return usec / 2_000_000 if usec > 0 else None


def run_until_signalled(start: Callable[[], None], stop: Callable[[], None], *,
                        alive: Callable[[], bool] | None = None) -> None:
    """``start()``, tell systemd READY, then block until SIGTERM (systemd stop) or SIGINT (Ctrl-C),
    then ``stop()``. With ``WatchdogSec=``, ping only while ``alive()`` says the worker is well:
    a stuck worker stops the pings, and systemd restarts the daemon.

    The signal handler takes no lock: Python runs it in the main thread between two bytecodes,
    possibly while that thread holds the very lock the handler would want (a
    ``threading.Event.set()`` there deadlocks once in a few hundred stops, found under load).
    The signal reaches the loop through ``signal.set_wakeup_fd``, a byte on a socket the loop
    waits on."""
    received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)  # no lock: see above

    wake_read, wake_write = socket.socketpair()
    wake_write.setblocking(False)
    previous_fd = signal.set_wakeup_fd(wake_write.fileno(), warn_on_full_buffer=False)
    previous = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        start()
        notify("READY=1")
        period = watchdog_period_s()
        next_ping = 0.0
        try:
            while not received:
                readable, _, _ = select.select([wake_read], [], [], min(1.0, period or 1.0))
                if readable:
                    wake_read.recv(64)
                    continue  # the handler has run by now (it runs before the next bytecode)
                now = time.monotonic()
                if period is not None and now >= next_ping and (alive is None or alive()):
                    notify("WATCHDOG=1")
                    next_ping = now + period
        finally:
            notify("STOPPING=1")
            stop()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(previous_fd)
        wake_read.close()
        wake_write.close()
