"""The hub's intake: events from the nodes into the database, each exactly once.

This is the MQTT side (topics, payloads, dedupe, dead letters, batch fallback); what each event
changes is the business of the use cases, reached through ``access.hub.messagebus.HANDLERS``.

``Ingestor.ingest(batch)`` takes a batch of raw MQTT messages and applies them in one
transaction. Every event id is remembered with a hash of its body: a second delivery of the
same event is ignored; the same id with a different body, a payload that does not fit its
schema, an unknown node, resource or member go to the dead-letter table with the reason and
never reach the ledger. What is left is turned into domain events (``access.domain.events``)
and handed to the message bus. If a batch fails for a reason nobody foresaw, its messages are
applied one by one and the one that fails is set aside: a poison message never stops the hub.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from access.bus.schemas import (
    DecisionEvent,
    Event,
    PayloadError,
    ServiceEvent,
    SessionEvent,
    TapEvent,
    TrainingEvent,
    decode,
)
from access.bus.topics import Topics
from access.domain import events
from access.domain.events import NodeEvent
from access.domain.plausibility import doubt
from access.domain.ruleset import ResourceDef, ResourceKind, RuleSet
from access.hub import messagebus
from access.services.context import EventContext, Site
from access.services.rules import applied_rules
from access.services.trainings import may_train
from access.store.models import Card, DeadLetter, IngestedEvent, Member, Resource, RuleSetRow

log = logging.getLogger(__name__)

MAX_KEPT_PAYLOAD = 4096
LOOKUP_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Incoming:
    """One MQTT message as it arrived."""

    topic: str
    payload: bytes


@dataclass
class IngestResult:
    applied: int = 0
    duplicates: int = 0
    dead: int = 0
    priced: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    received: dict[str, list[int]] = field(default_factory=dict)
    """Per node, the seqs of its events now in the database (applied, already there, or set
    aside with a reason): what the hub's receipt tells the node it may forget."""

    def add(self, other: IngestResult) -> None:
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.dead += other.dead
        self.priced += other.priced
        for node, seqs in other.received.items():
            self.received.setdefault(node, []).extend(seqs)
        for kind, count in other.kinds.items():
            self.kinds[kind] = self.kinds.get(kind, 0) + count


@dataclass(frozen=True, slots=True)
class _Known:
    resources: dict[str, ResourceDef]
    members: frozenset[int]
    card_owners: dict[str, int]
    trainers: frozenset[tuple[int, str]]


class Rejected(Exception):
    """This message goes to the dead letters, for ``reason``."""

    def __init__(self, reason: str, event_id: str | None = None, node: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.event_id = event_id
        self.node = node


@dataclass(frozen=True, slots=True)
class _Parsed:
    message: Incoming
    kind: str
    payload: Event
    event: NodeEvent
    digest: str
    event_id: str


def _tapped(e: TapEvent) -> events.CardTapped:
    return events.CardTapped(e.node, e.ts, e.resource, e.card)


def _decided(e: DecisionEvent) -> events.AccessDecided:
    return events.AccessDecided(str(e.event_id), e.node, e.seq, e.ts, str(e.tap_id), e.resource, e.card,
                         e.allowed, e.reason, e.rule, e.member_id)


def _session(e: SessionEvent) -> events.SessionReported:
    return events.SessionReported(e.node, e.ts, str(e.session_id), e.action, e.resource, e.member_id,
                                  e.started_at, e.ended_at, e.active_seconds, e.end_reason,
                                  e.extensions)


def _inducted(e: TrainingEvent) -> events.MemberInducted:
    return events.MemberInducted(e.node, e.ts, e.resource, e.skill, e.member_id, e.trainer_id)


def _service(e: ServiceEvent) -> events.ServiceReported:
    return events.ServiceReported(e.node, e.ts, e.resource, e.out_of_service, e.source, e.member_id)


KINDS: dict[str, tuple[type[Event], Callable[[Any], NodeEvent]]] = {
    "tap": (TapEvent, _tapped), "decision": (DecisionEvent, _decided),
    "session": (SessionEvent, _session), "training": (TrainingEvent, _inducted),
    "service": (ServiceEvent, _service),
}
"""Each event topic of ``NODE_EVENTS``: the payload it carries, and the domain event it makes."""


class Ingestor:
    """Applies batches of node events for one site. Used by the hub's single worker thread."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.topics = Topics(site.config.site.id)
        self.nodes = frozenset(site.config.nodes)
        self._rules_version: int | None = None
        self._rules = RuleSet()

    # --- entry point --------------------------------------------------------------------------

    def ingest(self, batch: Sequence[Incoming]) -> IngestResult:
        """Apply ``batch`` in one transaction (or message by message if that fails)."""
        if not batch:
            return IngestResult()
        try:
            with self.site.store.write() as session:
                return self._apply(session, batch)
        except OperationalError:
            raise  # the database is unreachable, locked or full: the caller retries later
        except Exception as error:  # a message nobody foresaw: find it, set it aside
            if len(batch) == 1:
                log.exception("message on %s could not be applied", batch[0].topic)
                first_line = (str(error).splitlines() or [""])[0]
                return self._set_aside(batch[0], f"could not be applied: {error.__class__.__name__}: "
                                                 f"{first_line}")
            log.warning("a batch of %d failed (%s); applying its messages one by one",
                        len(batch), error.__class__.__name__)
            total = IngestResult()
            for message in batch:
                total.add(self.ingest([message]))
            return total

    def _set_aside(self, message: Incoming, reason: str) -> IngestResult:
        log.error("dead letter on %s: %s", message.topic, reason)
        with self.site.store.write() as session:
            self._dead(session, message, Rejected(reason))
        return IngestResult(dead=1)

    # --- one transaction ----------------------------------------------------------------------

    def _apply(self, session: Session, batch: Sequence[Incoming]) -> IngestResult:
        result = IngestResult()
        self._refresh_rules(session)
        parsed: list[_Parsed] = []
        for message in batch:
            try:
                parsed.append(self._parse(message))
            except Rejected as rejected:
                self._dead(session, message, rejected)
                result.dead += 1
        for item in parsed:
            result.received.setdefault(item.payload.node, []).append(item.payload.seq)
        fresh = self._new_events(session, parsed, result)
        if not fresh:
            return result
        known = self._known(session, fresh)
        accepted: list[_Parsed] = []
        for item in fresh:
            try:
                self._check_references(item, known)
            except Rejected as rejected:
                self._dead(session, item.message, rejected)
                result.dead += 1
                continue
            accepted.append(item)
        now = self.site.now()
        if accepted:
            session.connection().execute(insert(IngestedEvent), [
                {"event_id": p.event_id, "kind": p.kind, "node": p.payload.node,
                 "seq": p.payload.seq, "body_sha256": p.digest, "received_at": now} for p in accepted])
        context = EventContext(session, self.site, self._rules, now)
        messagebus.handle(context, [item.event for item in accepted])
        result.priced += context.priced
        for item in accepted:
            result.kinds[item.kind] = result.kinds.get(item.kind, 0) + 1
        result.applied += len(accepted)
        return result

    def _parse(self, message: Incoming) -> _Parsed:
        kind, (model, to_domain) = self._kind_of(message.topic)
        try:
            event = decode(model, message.payload)
        except PayloadError as error:
            raise Rejected(str(error), node=self.topics.node_of(message.topic)) from None
        topic_node = self.topics.node_of(message.topic)
        if topic_node is not None and topic_node != event.node:
            raise Rejected(f'sent on node "{topic_node}"\'s topic but says node "{event.node}"',
                           str(event.event_id), event.node)
        if event.node not in self.nodes:
            raise Rejected(f'unknown node "{event.node}" (not in seuil.toml [nodes])',
                           str(event.event_id), event.node)
        return _Parsed(message, kind, event, to_domain(event),
                       hashlib.sha256(message.payload).hexdigest(), str(event.event_id))

    def takes(self, topic: str) -> bool:
        """Whether ``topic`` carries events this intake stores (a node's status does not)."""
        return self._event_kind(topic) is not None

    def _event_kind(self, topic: str) -> tuple[str, tuple[type[Event], Callable[[Any], NodeEvent]]] | None:
        """``seuil/<site>/node/<id>/<kind>`` for the kinds of ``NODE_EVENTS``."""
        parsed = self.topics.parse(topic)
        kind = parsed.event_kind if parsed is not None else None
        return (kind, KINDS[kind]) if kind is not None and kind in KINDS else None

    def _kind_of(self, topic: str) -> tuple[str, tuple[type[Event], Callable[[Any], NodeEvent]]]:
        kind = self._event_kind(topic)
        if kind is None:
            raise Rejected(f"the hub does not take events on {topic}")
        return kind

    def _new_events(self, session: Session, parsed: list[_Parsed], result: IngestResult) -> list[_Parsed]:
        """Drop events already taken in (same body); set aside a reused id (another body)."""
        seen: dict[str, str] = {}
        ids = list({p.event_id for p in parsed})
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start:start + LOOKUP_CHUNK]
            seen.update((event_id, digest) for event_id, digest in session.execute(
                select(IngestedEvent.event_id, IngestedEvent.body_sha256)
                .where(IngestedEvent.event_id.in_(chunk))))
        fresh = []
        for item in parsed:
            event_id = item.event_id
            digest = seen.get(event_id)
            if digest is None:
                seen[event_id] = item.digest
                fresh.append(item)
            elif digest == item.digest:
                result.duplicates += 1
            else:
                self._dead(session, item.message, Rejected(
                    "duplicate event id with a different body (the first one was kept)",
                    event_id, item.payload.node))
                result.dead += 1
        return fresh

    def _known(self, session: Session, items: Sequence[_Parsed]) -> _Known:
        """What the hub knows that the batch's events name: members, card owners, trainers."""
        members = sorted({member for item in items for member in item.event.members})
        # Every resource the rules ever named (a retired one keeps its row): an event is judged by
        # what its node drove, even when it arrives after a rules change retired the resource.
        resources = {name: ResourceDef(name, ResourceKind(kind), node, skill=skill,
                                       max_session_minutes=longest)
                     for name, kind, node, skill, longest in session.execute(
                         select(Resource.name, Resource.kind, Resource.node, Resource.skill,
                                Resource.max_session_minutes))}
        known: set[int] = set()
        for start in range(0, len(members), LOOKUP_CHUNK):
            known.update(session.scalars(select(Member.id).where(
                Member.id.in_(members[start:start + LOOKUP_CHUNK]))).all())
        cards = sorted({item.event.card for item in items
                        if isinstance(item.event, events.AccessDecided) and item.event.member_id})
        owners: dict[str, int] = {}
        for start in range(0, len(cards), LOOKUP_CHUNK):
            owners.update((card, member) for card, member in session.execute(
                select(Card.card_hash, Card.member_id).where(
                    Card.card_hash.in_(cards[start:start + LOOKUP_CHUNK]))))
        trainer_ids = sorted({item.event.trainer_id for item in items
                              if isinstance(item.event, events.MemberInducted)})
        return _Known(resources, frozenset(known), owners,
                      may_train(session, self._rules, trainer_ids, self.site.now()) if trainer_ids
                      else frozenset())

    def _check_references(self, item: _Parsed, known: _Known) -> None:
        event = item.event
        resource = event.resource
        defined = known.resources.get(resource)
        if defined is None:
            raise Rejected(f'unknown resource "{resource}" (not in the applied rules)', item.event_id,
                           event.node)
        for member in event.members:
            if member not in known.members:
                raise Rejected(f"unknown member #{member}", item.event_id, event.node)
        if isinstance(event, events.MemberInducted) and event.skill not in self._rules.skills:
            raise Rejected(f'unknown skill "{event.skill}" (no resource of the rules needs it)',
                           item.event_id, event.node)
        # What the node cannot have seen never reaches a bill, a visit or a training.
        reason = doubt(event, resource=defined, now=self.site.now(), card_owners=known.card_owners,
                       trainers=known.trainers)
        if reason is not None:
            raise Rejected(reason, item.event_id, event.node)

    def _refresh_rules(self, session: Session) -> None:
        newest = session.scalar(select(func.max(RuleSetRow.id)))
        if newest != self._rules_version:
            applied = applied_rules(session)
            self._rules_version, self._rules = applied.version, applied.rules

    def _dead(self, session: Session, message: Incoming, rejected: Rejected) -> None:
        session.add(DeadLetter(
            received_at=self.site.now(), topic=message.topic[:1000],
            node=rejected.node or self.topics.node_of(message.topic), event_id=rejected.event_id,
            reason=rejected.reason, payload=_printable(message.payload)))


def _printable(payload: bytes) -> str:
    text = payload[:MAX_KEPT_PAYLOAD].decode("utf-8", errors="replace")
    if len(payload) > MAX_KEPT_PAYLOAD:
        text += f"... ({len(payload)} bytes in all)"
    return text
