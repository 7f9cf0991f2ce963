""""I have a code": a day-pass visitor types their 6 digits and the entrance opens.

Five wrong codes in a row lock the keypad for a minute: a million codes cannot be tried.
The screen says the door is open only once the entrance node reports it unlocked
(``kiosk.door_opening``, as the day pass's done screen); once it opened, the visitor is
checked in like a badge tap, so the count and the fire roll-call include them. A valid code
obeys the pass's badge rule: outside the hours it says when the door opens next, and that
is not a wrong try.
"""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import Slot

from access import texts
from access.bus.schemas import ResourceState
from access.errors import SeuilError
from access.services import day_passes
from access.services.day_passes import CodeCheck, CodeRefused
from kiosk.door_opening import Door, DoorOpening, check_in
from kiosk.viewmodel import KioskContext, ViewModel

MAX_TRIES = 5
LOCK_S = 60
DOOR_MESSAGES = {Door.OPENING: "code.opening", Door.OPENED: "code.opened", Door.NO_ANSWER: "code.offline"}


class DoorCodeModel(ViewModel):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.wrong = 0
        self.locked_until = 0.0
        self.door = DoorOpening(lambda: self.ctx.bus, self.render, opened=self._check_in)
        self.reset()

    def reset(self) -> None:
        self.message_key = ""
        """A message of its own (wrong, locked, closed); else the door's."""
        self.name = ""
        self.check: CodeCheck | None = None
        self.opens_at: datetime | None = None
        """When the door opens for a right code typed at the wrong hour (worded at render:
        the language may change meanwhile)."""
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
        self.message_key, self.name, self.check = "", check.name, check
        self.door.open(f"kiosk code, day pass #{check.pass_id}")

    def door_state(self, state: ResourceState) -> None:
        """A node's retained state: the entrance unlocked after our command means it opened."""
        self.door.door_state(state)

    def _check_in(self) -> None:
        if self.check is not None:
            check_in(self.ctx, self.check)
            self.check = None

    def _refused(self, error: Exception) -> None:
        if isinstance(error, CodeRefused):  # a right code at the wrong hour: not a wrong try
            self.opens_at = error.check.opens_at
            self.message_key = "code.closed_until" if self.opens_at else "code.closed"
        elif not isinstance(error, SeuilError):
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
        key = self.message_key or DOOR_MESSAGES.get(self.door.state, "")
        opened = self.door.state is Door.OPENED
        site = self.ctx.site
        when = (texts.when(self.opens_at, site.now(), site.clock.tz, self.ctx.language())
                if self.opens_at else "")
        message = self.t(key, name=self.name, seconds=seconds, when=when) if key else ""
        self.publish(message=message, opened=opened, error=bool(key) and not opened)
