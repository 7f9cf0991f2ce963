"""What the nodes report, as the hub's use cases see it: small values, no MQTT, no JSON.

The hub's intake (``access.hub.intake``) decodes each node message, checks it, and turns it
into one of these; ``access.hub.messagebus.HANDLERS`` hands it to the use case it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from access.domain.decide import Reason


@dataclass(frozen=True, slots=True)
class CardTapped:
    """A card was read at a resource (the decision follows as its own event)."""

    node: str
    ts: datetime
    resource: str
    card: str

    @property
    def members(self) -> tuple[int, ...]:
        """The members the event names (they must exist)."""
        return ()


@dataclass(frozen=True, slots=True)
class AccessDecided:
    """What a node decided for a tap, from the snapshot it held."""

    event_id: str
    node: str
    seq: int
    ts: datetime
    tap_id: str
    resource: str
    card: str
    allowed: bool
    reason: Reason
    rule: str | None
    member_id: int | None

    @property
    def members(self) -> tuple[int, ...]:
        return (self.member_id,) if self.member_id is not None else ()


@dataclass(frozen=True, slots=True)
class SessionReported:
    """A machine session started, was extended, or ended (``action``)."""

    node: str
    ts: datetime
    session_id: str
    action: str
    resource: str
    member_id: int
    started_at: datetime
    ended_at: datetime | None
    active_seconds: int | None
    end_reason: str | None
    extensions: int = 0
    """How many times the occupant extended it so far (each adds the machine's maximum)."""

    @property
    def members(self) -> tuple[int, ...]:
        return (self.member_id,)


@dataclass(frozen=True, slots=True)
class MemberInducted:
    """A trainer inducted a member on a machine."""

    node: str
    ts: datetime
    resource: str
    skill: str
    member_id: int
    trainer_id: int

    @property
    def members(self) -> tuple[int, ...]:
        return (self.member_id, self.trainer_id)


@dataclass(frozen=True, slots=True)
class ServiceReported:
    """A machine was marked out of service, or put back (``source``: button, maintainer, admin)."""

    node: str
    ts: datetime
    resource: str
    out_of_service: bool
    source: str
    member_id: int | None

    @property
    def members(self) -> tuple[int, ...]:
        return (self.member_id,) if self.member_id is not None else ()


NodeEvent = CardTapped | AccessDecided | SessionReported | MemberInducted | ServiceReported

