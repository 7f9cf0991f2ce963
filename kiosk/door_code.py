""""I have a code": a day-pass visitor types their 6 digits and the entrance opens.

Five wrong codes in a row lock the keypad for a minute: a million codes cannot be tried.
The screen says the door is open only once the entrance node reports it unlocked (its
retained state, after the command was issued); no answer within ``CONFIRM_S`` says the door
does not answer. Once it opened, the visitor is checked in like a badge tap
(``visits.record_entry``), so the count and the fire roll-call include them. A valid code
obeys the pass's badge rule: outside the hours it says when the door opens next, and that
is not a wrong try.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta

from PySide6.QtCore import QTimer, Slot

from access import texts
from access.bus.schemas import MAX_CLOCK_AHEAD_S, ResourceState
from access.errors import SeuilError
from access.services import day_passes, visits
from access.services.day_passes import CodeCheck, CodeRefused
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
        self.check: CodeCheck | None = None
        self.entry_id = ""
        self.opens_at = ""
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
            self.check, self.entry_id = check, str(uuid.uuid4())
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
            self._check_in(self.ctx.site.now())  # the kiosk's clock, as everything it records
            self.render()

    def _check_in(self, at: datetime) -> None:
        check, entry_id, site = self.check, self.entry_id, self.ctx.site
        if check is None:
            return
        self.check = None
        self.ctx.background.run(
            lambda: visits.record_entry(site, event_id=entry_id, member_id=check.member_id,
                                        resource=check.resource, at=at, rule=check.rule),
            lambda _kept: None, lambda _error: None)

    def _no_answer(self, issued: datetime) -> None:
        if self.waiting_since == issued:  # still waiting for that command's door
            self.waiting_since = None
            self.message_key = "code.offline"
            self.render()

    def _refused(self, error: Exception) -> None:
        if isinstance(error, CodeRefused):  # a right code at the wrong hour: not a wrong try
            change = error.answer.opening.change_at
            site = self.ctx.site
            self.opens_at = "" if change is None else texts.when(change, site.now(), site.clock.tz,
                                                                  self.ctx.language())
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
        message = (self.t(self.message_key, name=self.name, seconds=seconds, when=self.opens_at)
                   if self.message_key else "")
        self.publish(message=message, opened=self.opened, error=bool(self.message_key) and not self.opened)
