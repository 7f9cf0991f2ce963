"""systemd's notify protocol: READY once the home screen is up, then WATCHDOG from a GUI-thread
timer, so a frozen screen stops the pings and systemd restarts the kiosk (WatchdogSec=)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Slot

from access.lifecycle import notify, watchdog_period_s


class Watchdog(QObject):
    def __init__(self) -> None:
        super().__init__()
        period = watchdog_period_s()
        self.timer = QTimer(self)
        self.timer.setInterval(max(int((period or 1.0) * 1000), 1000))
        self.timer.timeout.connect(lambda: notify("WATCHDOG=1"))
        self.enabled = period is not None

    @Slot()
    def ready(self) -> None:
        notify("READY=1")
        if self.enabled:
            self.timer.start()
