"""Versioned JSON payloads (``"v": 1``). A payload that does not fit is a ``PayloadError``.

Events carry a UUID ``event_id`` (the hub ignores a duplicate), an aware ``ts``, the ``node``
that produced them and that node's monotonic ``seq``. Card UIDs never travel: ``card`` is the
keyed hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal, TypeVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from access.domain.cards import CARD_HASH
from access.domain.decide import Reason

# Re-exported: the vocabulary of session and service messages is the machine policy's.
from access.domain.machine import EndReason as EndReason
from access.domain.machine import ServiceSource as ServiceSource
from access.domain.machine import SessionAction as SessionAction

SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"
MAX_EVENT_BYTES = 16 * 1024
MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024
COMMAND_VALID_S = 10.0
"""How long a command holds by default: a door opens within a second or not at all."""
MAX_CLOCK_AHEAD_S = 5.0
"""How far a sender's clock may run ahead of a node's before its commands are refused."""

M = TypeVar("M", bound=BaseModel)


class PayloadError(ValueError):
    """A message that is not what its topic promises: logged and set aside, never fatal."""


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1


class Event(_Payload):
    event_id: UUID
    ts: AwareDatetime
    node: str = Field(pattern=SLUG)
    seq: int = Field(ge=0)


class TapEvent(Event):
    """A card was read at a resource (published before the decision)."""

    resource: str = Field(pattern=SLUG)
    card: str = Field(pattern=CARD_HASH)


class DecisionEvent(Event):
    """What the node decided for a tap, from the snapshot it held."""

    tap_id: UUID
    resource: str = Field(pattern=SLUG)
    card: str = Field(pattern=CARD_HASH)
    allowed: bool
    reason: Reason
    rule: str | None = None
    member_id: int | None = None
    until: AwareDatetime | None = None  # the Decision's until: membership end or start
    skill: str | None = Field(default=None, pattern=SLUG)  # training_required: which one
    snapshot_version: int = Field(ge=0)


class SessionEvent(Event):
    """A machine session started, was extended, or ended (with how long it really ran)."""

    action: SessionAction
    session_id: UUID
    resource: str = Field(pattern=SLUG)
    member_id: int
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    active_seconds: int | None = Field(default=None, ge=0)
    end_reason: EndReason | None = None
    extensions: int = Field(default=0, ge=0, le=1000)  # extended so far (the hub bounds its length)


class TrainingEvent(Event):
    """A trainer inducted a member on a machine (trainer's tap, then the trainee's)."""

    resource: str = Field(pattern=SLUG)
    skill: str = Field(pattern=SLUG)
    member_id: int
    trainer_id: int


class ServiceEvent(Event):
    """A machine was marked out of service (long press, admin) or put back (maintainer, admin)."""

    resource: str = Field(pattern=SLUG)
    out_of_service: bool
    member_id: int | None = None
    source: ServiceSource


class ResourceState(_Payload):
    """Retained: what a door or machine is doing now (the kiosk's dashboard reads it)."""

    resource: str = Field(pattern=SLUG)
    node: str = Field(pattern=SLUG)
    ts: AwareDatetime
    state: Literal["locked", "unlocked", "idle", "in_use", "out_of_service"]
    member_id: int | None = None
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    session_id: UUID | None = None
    door_closed: bool | None = None


class Command(_Payload):
    """What every command carries: who sent it, when, and for how long it holds.

    A node drops a command older than ``valid_s`` (or from more than ``MAX_CLOCK_AHEAD_S`` in
    its future): an unlock queued by the broker while the door's node was down must not open
    the door when the node comes back with nobody there.
    """

    actor: str = Field(min_length=1, max_length=100)
    issued_at: AwareDatetime
    valid_s: float = Field(default=COMMAND_VALID_S, gt=0, le=300)

    def expired(self, now: datetime) -> bool:
        age_s = (now - self.issued_at).total_seconds()
        return age_s > self.valid_s or age_s < -MAX_CLOCK_AHEAD_S


class UnlockCommand(Command):
    """``cmd/<node>/unlock``: open the door now (the kiosk's button, an admin)."""

    seconds: float | None = Field(default=None, gt=0, le=60)


class ServiceCommand(Command):
    """``cmd/<node>/service``: mark the machine out of service, or back."""

    out_of_service: bool


class StopSessionCommand(Command):
    """``cmd/<node>/stop-session``: end the running session (someone forgot to tap out)."""


class NodeStatus(_Payload):
    node: str = Field(pattern=SLUG)
    state: Literal["online", "offline"]
    ts: datetime | None = None
    snapshot_version: int | None = None
    recording: bool = True
    """False while the node's disk refuses writes (full, read-only): it decides, but holds events."""
    unrecorded: int = Field(default=0, ge=0)
    """Events decided but not on disk yet, or lost past the memory limit."""


class Receipt(_Payload):
    """From the hub to one node: the seqs of its events the hub has stored (``ranges``,
    inclusive), so the node may forget them; ``hello``: the hub (re)started, send again what
    I never receipted (the broker may have lost it)."""

    ranges: tuple[tuple[int, int], ...] = ()
    hello: bool = False


def seq_ranges(seqs: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """``[1, 2, 3, 7, 9, 10]`` → ``((1, 3), (7, 7), (9, 10))``: a receipt stays small.

    >>> seq_ranges([9, 1, 3, 2, 10, 7, 3])
    ((1, 3), (7, 7), (9, 10))
    """
    ranges: list[tuple[int, int]] = []
    for seq in sorted(set(seqs)):
        if ranges and seq == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], seq)
        else:
            ranges.append((seq, seq))
    return tuple(ranges)


def encode(payload: BaseModel) -> bytes:
    return payload.model_dump_json(exclude_none=False).encode()


def decode(model: type[M], raw: bytes, *, max_bytes: int = MAX_EVENT_BYTES) -> M:
    """Validate ``raw`` as ``model``; anything else raises ``PayloadError`` with why."""
    if len(raw) > max_bytes:
        raise PayloadError(f"payload of {len(raw)} bytes exceeds the {max_bytes}-byte limit")
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "payload"
        raise PayloadError(f"not a valid {model.__name__}: {where}: {first['msg']}") from None
