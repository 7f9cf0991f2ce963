""""I have a code": a day-pass visitor types their 6 digits and the entrance opens.

Five wrong codes in a row lock the keypad for a minute: a million codes cannot be tried.
The screen says the door is open only once the entrance node reports it unlocked (its
retained state, after the command was issued); no answer within ``CONFIRM_S`` says the door
does not answer.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from PySide6.QtCore import QTimer, Slot

from access.bus.schemas import MAX_CLOCK_AHEAD_S, ResourceState
from access.errors import SeuilError
from access.services import day_passes
from access.services.day_passes import CodeCheck
from kiosk.viewmodel import KioskContext, ViewModel

MAX_TRIES = 5
LOCK_S = 60
CONFIRM_S = 3.0


class DoorCodeModel(ViewModel):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.wrong = 0
        self.locked_until = 0.0
        self.reset()

    def reset(self) -> None:
        self.message_key = ""
        self.name = ""
        self.opened = False
        self.waiting_since: datetime | None = None  # the unlock command's issue time
        self.render()

    @Slot(str)
    def submit(self, digits: str) -> None:
        left = self.locked_until - time.monotonic()
        if left > 0:
            self.message_key = "code.locked"
            self.render()
            return
        self.ctx.background.run(lambda: day_passes.check_code(self.ctx.site, digits), self._checked,
                                self._refused)

    def _checked(self, check: CodeCheck) -> None:
        self.wrong = 0
        bus = self.ctx.bus
        issued = None if bus is None else bus.unlock(f"kiosk code, day pass #{check.pass_id}")
        if issued is None:
            self.message_key = "code.offline"
        else:
            self.message_key, self.name, self.waiting_since = "code.opening", check.name, issued
            QTimer.singleShot(int(CONFIRM_S * 1000), lambda: self._no_answer(issued))
        self.render()

    def door_state(self, state: ResourceState) -> None:
        """A node's retained state: the entrance unlocked after our command means it opened."""
        since, bus = self.waiting_since, self.ctx.bus
        if since is None or bus is None or state.node != bus.entrance or state.state != "unlocked":
            return
        if state.ts >= since - timedelta(seconds=MAX_CLOCK_AHEAD_S):
            self.waiting_since = None
            self.message_key, self.opened = "code.opened", True
            self.render()

    def _no_answer(self, issued: datetime) -> None:
        if self.waiting_since == issued:  # still waiting for that command's door
            self.waiting_since = None
            self.message_key = "code.offline"
            self.render()

    def _refused(self, error: Exception) -> None:
        if not isinstance(error, SeuilError):
            self.message_key = "code.offline"
        else:
            self.wrong += 1
            self.message_key = "code.wrong"
            if self.wrong >= MAX_TRIES:
                self.wrong = 0
                self.locked_until = time.monotonic() + LOCK_S
                self.message_key = "code.locked"
        self.render()

    def render(self) -> None:
        seconds = max(int(self.locked_until - time.monotonic()), 0)
        message = self.t(self.message_key, name=self.name, seconds=seconds) if self.message_key else ""
        self.publish(message=message, opened=self.opened, error=bool(self.message_key) and not self.opened)
