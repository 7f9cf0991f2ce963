"""The hub's one table of handlers: each kind of node event to the use cases it feeds.

As in cosmicpython's ``messagebus.py``: the intake (``access.hub.intake``) turns messages into
domain events and calls ``handle``; ``HANDLERS`` says who deals with each. Handlers take all
the events of one kind in a batch at once (a few statements per batch, not per event: the hub
takes thousands of events a second), in the order they arrived. The kinds are handled in the
table's order; events of different kinds touch different tables, so that order changes nothing
but is kept fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from access.domain.events import (
    AccessDecided,
    CardTapped,
    MemberInducted,
    NodeEvent,
    ServiceReported,
    SessionReported,
)
from access.services.context import EventContext
from access.services.machine_sessions import record_sessions
from access.services.resources import record_service_reports
from access.services.trainings import record_inductions
from access.services.visits import record_decisions

Handler = Callable[[EventContext, Sequence[Any]], None]

HANDLERS: Mapping[type[NodeEvent], tuple[Handler, ...]] = {
    CardTapped: (),  # kept in ingested_events as it happened; the decision says what it did
    AccessDecided: (record_decisions,),
    SessionReported: (record_sessions,),
    MemberInducted: (record_inductions,),
    ServiceReported: (record_service_reports,),
}


def handle(context: EventContext, events: Sequence[NodeEvent],
           handlers: Mapping[type[NodeEvent], tuple[Handler, ...]] = HANDLERS) -> None:
    """Hand each of ``events`` to the handlers of its kind, a kind at a time, in arrival order."""
    by_kind: dict[type[NodeEvent], list[NodeEvent]] = {kind: [] for kind in handlers}
    for event in events:
        by_kind[type(event)].append(event)
    for kind, batch in by_kind.items():
        if batch:
            for handler in handlers[kind]:
                handler(context, batch)
