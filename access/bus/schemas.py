"""Versioned JSON payloads (``"v": 1``). A payload that does not fit is a ``PayloadError``.

Events carry a UUID ``event_id`` (the hub ignores a duplicate), an aware ``ts``, the ``node``
that produced them and that node's monotonic ``seq``. Card UIDs never travel: ``card`` is the
keyed hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Literal, TypeVar
from uuid import UUID

import msgspec
from msgspec import Meta

from access.domain.cards import CARD_HASH
from access.domain.decide import Reason

# Re-exported: the vocabulary of session and service messages is the machine policy's.
from access.domain.machine import EndReason as EndReason
from access.domain.machine import ServiceSource as ServiceSource
from access.domain.machine import SessionAction as SessionAction
from access.msgspec_errors import split_location

SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"
MAX_EVENT_BYTES = 16 * 1024
MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024
COMMAND_VALID_S = 10.0
"""How long a command holds by default: a door opens within a second or not at all."""
MAX_CLOCK_AHEAD_S = 5.0
"""How far a sender's clock may run ahead of a node's before its commands are refused."""

Slug = Annotated[str, Meta(pattern=SLUG)]
CardHash = Annotated[str, Meta(pattern=CARD_HASH)]
AwareDatetime = Annotated[datetime, Meta(tz=True)]
"""A time with its offset: a node's and the hub's clocks are compared across the network."""
Count = Annotated[int, Meta(ge=0)]


class PayloadError(ValueError):
    """A message that is not what its topic promises: logged and set aside, never fatal."""


class Payload(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Every message: its fields are checked when it is decoded (``decode``)."""

    v: Literal[1] = 1


M = TypeVar("M", bound=Payload)


class Event(Payload, frozen=True, kw_only=True):
    event_id: UUID
    ts: AwareDatetime
    node: Slug
    seq: Count


class TapEvent(Event, frozen=True, kw_only=True):
    """A card was read at a resource (published before the decision)."""

    resource: Slug
    card: CardHash


class DecisionEvent(Event, frozen=True, kw_only=True):
    """What the node decided for a tap, from the snapshot it held."""

    tap_id: UUID
    resource: Slug
    card: CardHash
    allowed: bool
    reason: Reason
    rule: str | None = None
    member_id: int | None = None
    until: AwareDatetime | None = None  # the Decision's until: membership end or start
    skill: Slug | None = None  # training_required: which one
    snapshot_version: Count


class SessionEvent(Event, frozen=True, kw_only=True):
    """A machine session started, was extended, or ended (with how long it really ran)."""

    action: SessionAction
    session_id: UUID
    resource: Slug
    member_id: int
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    active_seconds: Count | None = None
    end_reason: EndReason | None = None
    extensions: Annotated[int, Meta(ge=0, le=1000)] = 0  # extended so far (the hub bounds its length)


class TrainingEvent(Event, frozen=True, kw_only=True):
    """A trainer inducted a member on a machine (trainer's tap, then the trainee's)."""

    resource: Slug
    skill: Slug
    member_id: int
    trainer_id: int


class ServiceEvent(Event, frozen=True, kw_only=True):
    """A machine was marked out of service (long press, admin) or put back (maintainer, admin)."""

    resource: Slug
    out_of_service: bool
    member_id: int | None = None
    source: ServiceSource


class ResourceState(Payload, frozen=True, kw_only=True):
    """Retained: what a door or machine is doing now (the kiosk's dashboard reads it)."""

    resource: Slug
    node: Slug
    ts: AwareDatetime
    state: Literal["locked", "unlocked", "idle", "in_use", "out_of_service"]
    member_id: int | None = None
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    session_id: UUID | None = None
    door_closed: bool | None = None


class Command(Payload, frozen=True, kw_only=True):
    """What every command carries: who sent it, when, and for how long it holds.

    A node drops a command older than ``valid_s`` (or from more than ``MAX_CLOCK_AHEAD_S`` in
    its future): an unlock queued by the broker while the door's node was down must not open
    the door when the node comes back with nobody there.
    """

    actor: Annotated[str, Meta(min_length=1, max_length=100)]
    issued_at: AwareDatetime
    valid_s: Annotated[float, Meta(gt=0, le=300)] = COMMAND_VALID_S

    def expired(self, now: datetime) -> bool:
        age_s = (now - self.issued_at).total_seconds()
        return age_s > self.valid_s or age_s < -MAX_CLOCK_AHEAD_S


class UnlockCommand(Command, frozen=True, kw_only=True):
    """``cmd/<node>/unlock``: open the door now (the kiosk's button, an admin)."""

    seconds: Annotated[float, Meta(gt=0, le=60)] | None = None


class ServiceCommand(Command, frozen=True, kw_only=True):
    """``cmd/<node>/service``: mark the machine out of service, or back."""

    out_of_service: bool


class StopSessionCommand(Command, frozen=True, kw_only=True):
    """``cmd/<node>/stop-session``: end the running session (someone forgot to tap out)."""


class NodeStatus(Payload, frozen=True, kw_only=True):
    node: Slug
    state: Literal["online", "offline"]
    ts: datetime | None = None
    snapshot_version: int | None = None
    recording: bool = True
    """False while the node's disk refuses writes (full, read-only): it decides, but holds events."""
    unrecorded: Count = 0
    """Events decided but not on disk yet, or lost past the memory limit."""


class Receipt(Payload, frozen=True, kw_only=True):
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
class BackupStatus(Payload, frozen=True, kw_only=True):
    """``hub/backup`` (retained): how fresh the off-site copy is, as the hub last read it."""

    state: Literal["ok", "late", "unreachable", "off"]
    checked_at: AwareDatetime
    last_copy_at: AwareDatetime | None = None
    """When the newest file reached the target."""
    max_delay_minutes: Annotated[int, Meta(ge=1)]


_ENCODER = msgspec.json.Encoder()
_UNKNOWN = re.compile(r"Object contains unknown field `(?P<name>[^`]*)`")


def encode(payload: Payload) -> bytes:
    return _ENCODER.encode(payload)


def encode_checked(payload: Payload) -> bytes:
    """``encode(payload)`` once its fields fit their types and bounds, else ``PayloadError``
    (msgspec checks a Struct when it decodes one, not when it is built)."""
    raw = encode(payload)
    decode(type(payload), raw)
    return raw


def with_changes(payload: M, **changes: object) -> M:
    """A copy of ``payload`` with some fields changed (payloads are frozen)."""
    return msgspec.structs.replace(payload, **changes)


def _problem(error: msgspec.ValidationError) -> tuple[str, str]:
    """(where, what) of msgspec's "Expected ... - at `$.a.b[0]`", as ("a.b.0", "Expected ...")."""
    what, path = split_location(str(error))
    where = re.sub(r"\[(\d+)\]", r".\1", path).strip(".")
    unknown = _UNKNOWN.fullmatch(what)
    if unknown:
        where, what = ".".join(filter(None, (where, unknown["name"]))), "unknown field"
    return where or "payload", what


def decode(model: type[M], raw: bytes, *, max_bytes: int = MAX_EVENT_BYTES) -> M:
    """Validate ``raw`` as ``model``; anything else raises ``PayloadError`` with why."""
    if len(raw) > max_bytes:
        raise PayloadError(f"payload of {len(raw)} bytes exceeds the {max_bytes}-byte limit")
    try:
        return msgspec.json.decode(raw, type=model)
    except msgspec.ValidationError as error:
        where, what = _problem(error)
        raise PayloadError(f"not a valid {model.__name__}: {where}: {what}") from None
    except msgspec.DecodeError as error:
        raise PayloadError(f"not a valid {model.__name__}: not JSON ({error})") from None
