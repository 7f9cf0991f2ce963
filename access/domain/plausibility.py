"""What a node can have seen: the hub's doubts about an event before it reaches anyone's bill.

A node's broker login lets it publish under its own topics only, but what it says there is
still its word. The hub believes a node only about its own resource, about cards that belong
to the member it names, about inductions on the skill its machine requires by a member who may
train, and about times it could have lived through: not in the future, not older than a
node's outbox could hold, a session no longer than its machine allows.

>>> from datetime import UTC, datetime
>>> from access.domain.events import CardTapped
>>> from access.domain.ruleset import ResourceDef, ResourceKind
>>> door = ResourceDef("front-door", ResourceKind.DOOR, "entrance")
>>> now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
>>> tap = CardTapped("printer", now, "front-door", "ab" * 32)
>>> doubt(tap, resource=door, now=now, card_owners={}, trainers=frozenset())
'node "printer" reported on "front-door", which is node "entrance"\\'s'
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import datetime, timedelta

from access.domain.events import AccessDecided, MemberInducted, NodeEvent, SessionReported
from access.domain.ruleset import ResourceDef

FUTURE_SKEW = timedelta(minutes=5)
"""How far ahead of the hub a node's clock may run."""
HORIZON = timedelta(days=730)
"""The oldest event the hub believes: a node offline longer has nothing left to tell (and a
"session" of 10^9 s began 31 years ago)."""
SESSION_SLACK = timedelta(minutes=2)
"""A node's timer ends a session a little after its deadline, never much later."""


def doubt(event: NodeEvent, *, resource: ResourceDef, now: datetime, card_owners: Mapping[str, int],
          trainers: Set[tuple[int, str]]) -> str | None:
    """Why the hub does not believe ``event`` from its node, or None.

    ``card_owners`` maps the card hashes the hub knows to their members; ``trainers`` holds the
    (member, skill) pairs of members who may train others on that skill now.
    """
    if resource.node != event.node:
        return f'node "{event.node}" reported on "{resource.name}", which is node "{resource.node}"\'s'
    when = _when_doubt(event.ts, now, "it happened")
    if when:
        return when
    if isinstance(event, AccessDecided) and event.member_id is not None \
            and card_owners.get(event.card) != event.member_id:
        return f"the card it names is not a card of member #{event.member_id}"
    if isinstance(event, MemberInducted):
        return _induction_doubt(event, resource, trainers)
    if isinstance(event, SessionReported):
        return _session_doubt(event, resource, now)
    return None


def _when_doubt(moment: datetime, now: datetime, what: str) -> str | None:
    if moment > now + FUTURE_SKEW:
        return f"{what} in the future ({moment.isoformat()}; the hub's clock says {now.isoformat()})"
    if moment < now - HORIZON:
        return f"{what} too long ago ({moment.isoformat()}; the hub believes {HORIZON.days} days back)"
    return None


def _induction_doubt(event: MemberInducted, resource: ResourceDef,
                     trainers: Set[tuple[int, str]]) -> str | None:
    if event.skill != resource.skill:
        return f'an induction on "{event.skill}" at "{resource.name}", which needs ' \
               f'"{resource.skill or "no training"}"'
    if event.trainer_id == event.member_id:
        return f"member #{event.member_id} cannot train themselves"
    if (event.trainer_id, event.skill) not in trainers:
        return f'member #{event.trainer_id} may not train others on "{event.skill}"'
    return None


def _session_doubt(event: SessionReported, resource: ResourceDef, now: datetime) -> str | None:
    started = _when_doubt(event.started_at, now, "the session started")
    if started:
        return started
    if event.started_at > event.ts + FUTURE_SKEW:
        return "the session started after it was reported"
    if event.ended_at is None:
        return None
    span = event.ended_at - event.started_at
    if span < timedelta(0) or event.ended_at > event.ts + FUTURE_SKEW:
        return "the session ended before it started, or after it was reported"
    if event.active_seconds is not None and event.active_seconds > span.total_seconds() + 1:
        return f"{event.active_seconds} s of use in a session of {int(span.total_seconds())} s"
    if resource.max_session_minutes:
        allowed = timedelta(minutes=resource.max_session_minutes) * (1 + event.extensions) + SESSION_SLACK
        if span > allowed:
            return f"a session of {int(span.total_seconds())} s on a machine that allows " \
                   f"{resource.max_session_minutes} min and {event.extensions} extension(s)"
    return None
