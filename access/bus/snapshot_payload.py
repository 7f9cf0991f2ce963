"""The snapshot on the wire: what a node needs to decide alone, as one retained JSON message.

The hub publishes one per node on ``node/<id>/snapshot`` (retained). The rules travel as the
applied rules.toml text and are parsed again on the node with the same parser that checked
them, so a node and the hub can never read a rule differently. Card UIDs never travel: cards
are keyed by their hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import msgspec

from access.bus.schemas import (
    MAX_SNAPSHOT_BYTES,
    AwareDatetime,
    CardHash,
    Count,
    Payload,
    PayloadError,
    decode,
    encode,
)
from access.domain.cards import CardStatus
from access.domain.schedule import ScheduleError, SiteClock, parse_time_of_day
from access.domain.snapshot import CardView, MembershipWindow, MemberView, Snapshot
from access.errors import FileInvalid
from access.rules_file import parse_rules


class MembershipPart(Payload, frozen=True, kw_only=True):
    plan: str
    valid_from: AwareDatetime
    valid_until: AwareDatetime | None = None


class MemberPart(Payload, frozen=True, kw_only=True):
    id: int
    name: str
    groups: tuple[str, ...] = ()
    memberships: tuple[MembershipPart, ...] = ()
    trainings: dict[str, AwareDatetime | None] = msgspec.field(default_factory=dict)
    balance_cents: int = 0
    suspended: bool = False


class CardPart(Payload, frozen=True, kw_only=True):
    member: int
    status: CardStatus = CardStatus.ACTIVE


class SnapshotPayload(Payload, frozen=True, kw_only=True):
    version: Count
    """Grows with every snapshot the hub builds; a node never swaps in an older one."""
    generated_at: AwareDatetime
    timezone: str
    day_cutoff: str
    credit_floor_cents: int = 0
    rules_file: str = "rules.toml"
    rules: str
    """The applied rules.toml, whole."""
    out_of_service: tuple[str, ...] = ()
    members: tuple[MemberPart, ...] = ()
    cards: dict[CardHash, CardPart] = msgspec.field(default_factory=dict)


def snapshot_payload(*, version: int, generated_at: datetime, clock: SiteClock, rules_file: str,
                     rules_source: str, members: Iterable[MemberView],
                     cards: dict[str, CardView], out_of_service: Iterable[str] = (),
                     credit_floor_cents: int = 0) -> SnapshotPayload:
    return SnapshotPayload(
        version=version, generated_at=generated_at, timezone=clock.timezone_name,
        day_cutoff=clock.cutoff.strftime("%H:%M"), credit_floor_cents=credit_floor_cents,
        rules_file=rules_file, rules=rules_source, out_of_service=tuple(sorted(out_of_service)),
        members=tuple(
            MemberPart(id=m.id, name=m.name, groups=tuple(sorted(m.groups)),
                       memberships=tuple(MembershipPart(plan=w.plan, valid_from=w.valid_from,
                                                        valid_until=w.valid_until)
                                         for w in m.memberships),
                       trainings=dict(m.trainings), balance_cents=m.balance_cents,
                       suspended=m.suspended)
            for m in members
        ),
        cards={h: CardPart(member=c.member_id, status=c.status) for h, c in cards.items()},
    )


def encode_snapshot(payload: SnapshotPayload) -> bytes:
    return encode(payload)


def decode_snapshot(raw: bytes) -> tuple[SnapshotPayload, Snapshot]:
    """Validate a snapshot message and compile it. Anything wrong raises ``PayloadError``."""
    payload = decode(SnapshotPayload, raw, max_bytes=MAX_SNAPSHOT_BYTES)
    try:
        clock = SiteClock(payload.timezone, parse_time_of_day(payload.day_cutoff))
        clock.local(payload.generated_at)  # an unknown zone fails here
        rules = parse_rules(payload.rules, payload.rules_file)
    except FileInvalid as error:
        raise PayloadError(f"the snapshot's rules do not parse: {error.problems[0]}") from None
    except (ValueError, KeyError, ScheduleError) as error:
        raise PayloadError(f"the snapshot's clock is invalid: {error}") from None
    members = [
        MemberView(m.id, m.name, frozenset(m.groups),
                   tuple(MembershipWindow(w.plan, w.valid_from, w.valid_until)
                         for w in m.memberships),
                   dict(m.trainings), m.balance_cents, m.suspended)
        for m in payload.members
    ]
    cards = {h: CardView(c.member, c.status) for h, c in payload.cards.items()}
    snapshot = Snapshot.build(version=payload.version, clock=clock, rules=rules, members=members,
                              cards=cards, out_of_service=payload.out_of_service,
                              credit_floor_cents=payload.credit_floor_cents)
    return payload, snapshot
