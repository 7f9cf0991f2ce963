"""systemd's notify protocol: READY once the home screen is up, then WATCHDOG from a GUI-thread
timer, so a frozen screen stops the pings and systemd restarts the kiosk (WatchdogSec=)."""

from __future__ import annotations

import os
import socket

from PySide6.QtCore import QObject, QTimer, Slot


def notify(message: str) -> bool:
    """Send ``message`` to $NOTIFY_SOCKET; False when not run by systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(message.encode())
    return True


class Watchdog(QObject):
    def __init__(self) -> None:
        super().__init__()
        usec = int(os.environ.get("WATCHDOG_USEC", "0") or 0)
        self.timer = QTimer(self)
        self.timer.setInterval(max(usec // 2000, 1000))  # twice per period
        self.timer.timeout.connect(lambda: notify("WATCHDOG=1"))
        self.enabled = usec > 0

    @Slot()
    def ready(self) -> None:
        notify("READY=1")
        if self.enabled:
            self.timer.start()
