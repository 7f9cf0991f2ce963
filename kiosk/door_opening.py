"""Opening the entrance from the kiosk, and saying so only when the node says it opened.

The kiosk publishes ``cmd/<entrance>/unlock``; the door is open once the entrance node's
retained state says ``unlocked`` after the command was issued. No answer within ``CONFIRM_S``
means the door does not answer (the node or the broker is down), and a late answer does not
turn that into "open": the visitor has already been told to find a volunteer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from PySide6.QtCore import QObject, QTimer

from access.bus.schemas import MAX_CLOCK_AHEAD_S, ResourceState
from access.services import visits
from access.services.day_passes import CodeCheck
from kiosk.bus import KioskBus
from kiosk.viewmodel import KioskContext

CONFIRM_S = 3.0


class Door(StrEnum):
    IDLE = ""
    OPENING = "opening"
    OPENED = "opened"
    NO_ANSWER = "no_answer"


class DoorOpening(QObject):
    """One door opening at a time; ``changed()`` is called at every step."""

    def __init__(self, bus: Callable[[], KioskBus | None], changed: Callable[[], None],
                 opened: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._bus = bus
        self._changed = changed
        self._opened = opened
        self.state = Door.IDLE
        self.waiting_since: datetime | None = None  # the unlock command's issue time

    def open(self, actor: str) -> None:
        bus = self._bus()
        issued = None if bus is None else bus.unlock(actor)
        if issued is None:
            self.state, self.waiting_since = Door.NO_ANSWER, None
        else:
            self.state, self.waiting_since = Door.OPENING, issued
            QTimer.singleShot(int(CONFIRM_S * 1000), self, lambda: self._no_answer(issued))
        self._changed()

    def door_state(self, state: ResourceState) -> None:
        """A node's retained state: the entrance unlocked after our command means it opened."""
        since, bus = self.waiting_since, self._bus()
        if since is None or bus is None or state.node != bus.entrance or state.state != "unlocked":
            return
        if state.ts >= since - timedelta(seconds=MAX_CLOCK_AHEAD_S):
            self.state, self.waiting_since = Door.OPENED, None
            if self._opened is not None:
                self._opened()
            self._changed()

    def reset(self) -> None:
        self.state, self.waiting_since = Door.IDLE, None

    def _no_answer(self, issued: datetime) -> None:
        if self.waiting_since == issued:  # still waiting for that command's door
            self.state, self.waiting_since = Door.NO_ANSWER, None
            self._changed()


def check_in(ctx: KioskContext, check: CodeCheck) -> None:
    """The door opened for a day pass (its code, or the done screen): the visitor is checked in
    like a badge tap, at the kiosk's clock, so the count and the fire roll-call include them."""
    site, entry_id, at = ctx.site, str(uuid.uuid4()), ctx.site.now()
    ctx.background.run(
        lambda: visits.record_entry(site, event_id=entry_id, member_id=check.member_id,
                                    resource=check.resource, at=at, rule=check.rule),
        lambda _kept: None, lambda _error: None)
