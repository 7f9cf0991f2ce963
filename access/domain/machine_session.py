"""A machine session as the node keeps it: who, since when, until when, how long it really ran.

Pure values: the node stores one as JSON next to its outbox, so a restart picks the session up
where it was, with its original start and deadline.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID


@dataclass(frozen=True, slots=True)
class MachineSession:
    session_id: UUID
    resource: str
    member_id: int
    started_at: datetime
    deadline: datetime | None = None  # None: no maximum duration
    warn_before: timedelta = timedelta(minutes=5)
    warned: bool = False
    active_seconds: float = 0.0  # time the running sense said "running", closed intervals
    running_since: datetime | None = None  # the sense input is active since then
    extensions: int = 0  # occupant's taps during the warning so far

    @classmethod
    def begin(cls, session_id: UUID, resource: str, member_id: int, now: datetime,
              max_minutes: int | None, warn_minutes: int) -> MachineSession:
        deadline = now + timedelta(minutes=max_minutes) if max_minutes else None
        return cls(session_id, resource, member_id, now, deadline, timedelta(minutes=warn_minutes))

    @property
    def warn_at(self) -> datetime | None:
        return None if self.deadline is None else self.deadline - self.warn_before

    def in_warning(self, now: datetime) -> bool:
        return self.warn_at is not None and now >= self.warn_at

    def next_wake(self) -> datetime | None:
        """When the node must act next for this session (the warning, then the end)."""
        if self.deadline is None:
            return None
        return self.deadline if self.warned else self.warn_at

    def extended(self, now: datetime, max_minutes: int) -> MachineSession:
        """A tap during the warning: another full period from now."""
        return replace(self, deadline=now + timedelta(minutes=max_minutes), warned=False,
                       extensions=self.extensions + 1)

    def sensed(self, running: bool, now: datetime) -> MachineSession:
        """The running sense changed."""
        if running and self.running_since is None:
            return replace(self, running_since=now)
        if not running and self.running_since is not None:
            ran = max(0.0, (now - self.running_since).total_seconds())
            return replace(self, active_seconds=self.active_seconds + ran, running_since=None)
        return self

    def active_seconds_at(self, now: datetime, *, sensed: bool) -> int:
        """Seconds of use to bill: what the sense counted, or the whole session without one."""
        if not sensed:
            return max(0, int((now - self.started_at).total_seconds()))
        return int(self.sensed(False, now).active_seconds)

    def to_json(self) -> str:
        data = asdict(self)
        data["session_id"] = str(self.session_id)
        data["warn_before"] = self.warn_before.total_seconds()
        for key in ("started_at", "deadline", "running_since"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MachineSession:
        data = json.loads(text)

        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(data[key]) if data.get(key) else None

        started = when("started_at")
        if started is None:
            raise ValueError("a stored session has no start")
        return cls(UUID(data["session_id"]), data["resource"], int(data["member_id"]), started,
                   when("deadline"), timedelta(seconds=float(data["warn_before"])),
                   bool(data["warned"]), float(data["active_seconds"]), when("running_since"),
                   int(data.get("extensions", 0)))
