"""When nobody touches the screen: wait, ask "Are you still there?", then go home.

The kiosk says what each screen asks for (``Wait``): go home after a while with no question
(the welcome), warn first (a visitor's half-done flow), or hold (a sale is open: a payment the
provider may confirm any second, a spare badge to bind, a pass on screen). A hold is not
forever: after ``SALE_HOLD_S`` without a touch the warning comes, since the sale no longer
needs the screen (a started checkout is kept in the database and the hub confirms it; a paid
pass is already in the ledger).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

WARNING_S = 10
"""How long "Are you still there?" counts down before the screen goes home."""
SALE_HOLD_S = 15 * 60
"""A screen holding an open sale waits this long without a touch before it warns."""


class After(Enum):
    HOME = "home"  # go home, no question (an information screen)
    WARN = "warn"  # ask, count down, then home
    NEVER = "never"  # stay (home itself)


@dataclass(frozen=True)
class Wait:
    ms: int
    then: After


class IdleWatch(QObject):
    """The idle timer and the warning's countdown; ``policy()`` is asked at every touch and at
    every timeout, so a sale that opens or closes meanwhile is seen."""

    changed = Signal()

    def __init__(self, policy: Callable[[], Wait], go_home: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.policy = policy
        self.go_home = go_home
        self.warning_s = WARNING_S
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._expired)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        self._left = 0
        self._touched_at = time.monotonic()

    # --- for QML --------------------------------------------------------------------------

    def _get_warning(self) -> bool:
        return self._left > 0

    def _get_seconds(self) -> int:
        return self._left

    warning = Property(bool, _get_warning, notify=changed)  # type: ignore[arg-type]
    seconds = Property(int, _get_seconds, notify=changed)  # type: ignore[arg-type]

    # --- the kiosk's calls ----------------------------------------------------------------

    @Slot()
    def touched(self) -> None:
        """A touch (or a new screen): any warning goes, the wait starts again."""
        self._touched_at = time.monotonic()
        self._dismiss()
        self._arm()

    def stop(self) -> None:
        self._timer.stop()
        self._dismiss()

    @property
    def active(self) -> bool:
        """The idle timer runs (a return home or a warning will come)."""
        return self._timer.isActive()

    @property
    def waiting(self) -> bool:
        """Anything pending: the idle timer runs or the warning counts down."""
        return self._timer.isActive() or self._tick.isActive()

    def _arm(self) -> None:
        wait = self.policy()
        if wait.then is After.NEVER:
            self._timer.stop()
        else:
            self._timer.start(max(wait.ms, 1))

    def _expired(self) -> None:
        wait = self.policy()  # what the screen asks for now, not when it was armed
        if wait.then is After.NEVER:
            return
        idle_ms = (time.monotonic() - self._touched_at) * 1000
        if idle_ms + 5 < wait.ms:  # a hold began since: wait out the rest
            self._timer.start(int(wait.ms - idle_ms))
        elif wait.then is After.HOME:
            self.go_home()
        else:
            self.warn()

    def warn(self) -> None:
        """Ask "Are you still there?" and count down (the screenshots call it too)."""
        self._left = self.warning_s
        self._tick.start()
        self.changed.emit()

    def _count_down(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self._dismiss()
            self.go_home()
        else:
            self.changed.emit()

    def _dismiss(self) -> None:
        self._tick.stop()
        if self._left:
            self._left = 0
            self.changed.emit()
