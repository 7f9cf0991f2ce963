"""Node events made by hand, as nodes would publish them: for the hub's tests and bench."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from access.bus.schemas import DecisionEvent, SessionEvent, TapEvent, encode
from access.bus.topics import Topics
from access.domain.decide import Reason
from access.hub.intake import Incoming

CARD = "ab" * 32  # nobody's card


def fake_card(member_id: int) -> str:
    """The card hash FakeNode uses for a member (``enroll_fake_cards`` gives it to them)."""
    return f"{member_id:064x}"


def enroll_fake_cards(site, member_ids) -> None:  # type: ignore[no-untyped-def]
    """Give each member the card FakeNode taps for them: the hub believes a decision only about
    a card of the member it names."""
    from sqlalchemy import select

    from access.store.models import Card, Member

    with site.store.write() as session:
        have = set(session.scalars(select(Card.card_hash)))
        members = set(session.scalars(select(Member.id)))
        session.add_all(Card(member_id=member, card_hash=fake_card(member), status="active",
                             enrolled_at=site.now())
                        for member in member_ids if member in members and fake_card(member) not in have)


@dataclass
class FakeNode:
    """Builds the messages of one node: seq grows, ids are random UUIDs (seeded for repeats)."""

    topics: Topics
    node: str
    resource: str
    rng: random.Random = field(default_factory=random.Random)
    seq: int = 0

    def _id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def tap(self, member_id: int | None, at: datetime, *, allowed: bool = True,
            reason: Reason = Reason.ALLOWED, card: str | None = None) -> list[Incoming]:
        """``card``: the member's own (``fake_card``) unless told; nobody's for no member."""
        card = card or (fake_card(member_id) if member_id is not None else CARD)
        tap = TapEvent(event_id=self._id(), ts=at, node=self.node, seq=self._next(),
                       resource=self.resource, card=card)
        decision = DecisionEvent(event_id=self._id(), ts=at, node=self.node, seq=self._next(),
                                 tap_id=tap.event_id, resource=self.resource, card=card,
                                 allowed=allowed, reason=reason if not allowed else Reason.ALLOWED,
                                 rule="test" if allowed else None, member_id=member_id,
                                 snapshot_version=1)
        return [Incoming(self.topics.node_tap(self.node), encode(tap)),
                Incoming(self.topics.node_decision(self.node), encode(decision))]

    def session(self, member_id: int, start: datetime, seconds: int, *,
                active_seconds: int | None = None) -> list[Incoming]:
        """Tap, decision and start; then the stop ``seconds`` later."""
        session_id = self._id()
        messages = self.tap(member_id, start)
        messages.append(self._session("start", session_id, member_id, start, start))
        end = start + timedelta(seconds=seconds)
        messages.extend(self.tap(member_id, end))
        messages.append(self._session("stop", session_id, member_id, start, end, ended_at=end,
                                      active_seconds=active_seconds if active_seconds is not None
                                      else seconds, end_reason="tap"))
        return messages

    def _session(self, action: str, session_id: uuid.UUID, member_id: int, start: datetime,
                 at: datetime, **extra: object) -> Incoming:
        event = SessionEvent(event_id=self._id(), ts=at, node=self.node, seq=self._next(),
                             action=action, session_id=session_id, resource=self.resource,
                             member_id=member_id, started_at=start, **extra)  # type: ignore[arg-type]
        return Incoming(self.topics.node_session(self.node), encode(event))


def workday_stream(topics: Topics, members: list[int], first_day: datetime, *, events: int,
                   seed: int = 1) -> list[Incoming]:
    """About ``events`` messages from the entrance and the printer, in the order nodes send them.

    Each day, members check in, some print (sessions of 3 to 200 minutes), and check out.
    """
    rng = random.Random(seed)
    door = FakeNode(topics, "entrance", "front-door", random.Random(seed + 1))
    printer = FakeNode(topics, "printer", "3d-printer", random.Random(seed + 2))
    out: list[Incoming] = []
    day = first_day
    while len(out) < events:
        for member in members:
            if rng.random() < 0.3:
                continue
            arrive = day + timedelta(minutes=rng.randrange(0, 120))
            out += door.tap(member, arrive)
            t = arrive + timedelta(minutes=10)
            for _ in range(rng.randrange(0, 3)):
                seconds = rng.randrange(3 * 60, 200 * 60)
                out += printer.session(member, t, seconds)
                t += timedelta(seconds=seconds + rng.randrange(60, 3600))
            if rng.random() < 0.8:  # some forget to check out
                out += door.tap(member, t + timedelta(minutes=5))
        day += timedelta(days=1)
    return out


def batches(messages: list[Incoming], size: int) -> Iterator[list[Incoming]]:
    for start in range(0, len(messages), size):
        yield messages[start:start + size]
