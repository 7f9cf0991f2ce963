""""I have a code": a day-pass visitor types their 6 digits and the entrance opens.

Five wrong codes in a row lock the keypad for a minute: a million codes cannot be tried.
The screen says the door is open only once the entrance node reports it unlocked (its
retained state, after the command was issued); no answer within ``CONFIRM_S`` says the door
does not answer.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Slot

from access.bus.schemas import ResourceState
from access.errors import SeuilError
from access.services import day_passes
from access.services.day_passes import CodeCheck
from kiosk.door_opening import Door, DoorOpening
from kiosk.viewmodel import KioskContext, ViewModel

MAX_TRIES = 5
LOCK_S = 60


class DoorCodeModel(ViewModel):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.wrong = 0
        self.locked_until = 0.0
        self.door = DoorOpening(lambda: self.ctx.bus, self._door_changed)
        self.reset()

    def reset(self) -> None:
        self.message_key = ""
        self.name = ""
        self.opened = False
        self.door.reset()
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
        self.name = check.name
        self.door.open(f"kiosk code, day pass #{check.pass_id}")

    def door_state(self, state: ResourceState) -> None:
        self.door.door_state(state)

    def _door_changed(self) -> None:
        self.message_key = {Door.OPENING: "code.opening", Door.OPENED: "code.opened",
                            Door.NO_ANSWER: "code.offline"}.get(self.door.state, "")
        self.opened = self.door.state is Door.OPENED
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
