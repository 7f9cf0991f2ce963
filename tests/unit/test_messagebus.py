"""The hub's table of handlers: every node event reaches the use case it belongs to."""

from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, get_args, get_type_hints

import pytest

from access.domain import events
from access.domain.decide import Reason
from access.domain.events import NodeEvent
from access.domain.ruleset import RuleSet
from access.hub import messagebus
from access.hub.intake import KINDS
from access.services import machine_sessions, resources, trainings, visits
from access.services.context import EventContext

AT = datetime(2026, 3, 4, 10, tzinfo=UTC)
CARD = "ab" * 32

TAP = events.CardTapped("entrance", AT, "front-door", CARD)
DECISION = events.AccessDecided("d-1", "entrance", 2, AT, "t-1", "front-door", CARD, True, Reason.ALLOWED,
                         "members-door", 1)
SESSION = events.SessionReported("printer", AT, "s-1", "start", "3d-printer", 1, AT, None, None, None)
INDUCTION = events.MemberInducted("printer", AT, "3d-printer", "3d-printing", 2, 1)
SERVICE = events.ServiceReported("printer", AT, "3d-printer", True, "button", None)


class Recorder:
    """A fake handler: remembers what it was handed."""

    def __init__(self, name: str, calls: list[tuple[str, list[Any]]]) -> None:
        self.name, self.calls = name, calls

    def __call__(self, context: EventContext, events: Sequence[Any]) -> None:
        self.calls.append((self.name, list(events)))


def fake_context() -> EventContext:
    return EventContext(session=None, site=None, rules=RuleSet(), now=AT)


def test_every_kind_of_node_event_has_a_row_in_the_table_and_a_topic():
    assert set(messagebus.HANDLERS) == set(get_args(NodeEvent))
    made = {get_type_hints(to_domain)["return"] for _, to_domain in KINDS.values()}
    assert made == set(get_args(NodeEvent))


def test_each_event_goes_to_the_use_case_it_belongs_to():
    handlers = dict(messagebus.HANDLERS)
    assert handlers == {
        events.CardTapped: (),
        events.AccessDecided: (visits.record_decisions,),
        events.SessionReported: (machine_sessions.record_sessions,),
        events.MemberInducted: (trainings.record_inductions,),
        events.ServiceReported: (resources.record_service_reports,),
    }


def test_handle_gives_each_handler_its_kind_in_arrival_order_once_per_batch():
    calls: list[tuple[str, list[Any]]] = []
    table = {kind: (Recorder(kind.__name__, calls),) for kind in messagebus.HANDLERS}
    later = events.SessionReported("printer", AT, "s-1", "stop", "3d-printer", 1, AT, AT, 60, "tap")
    messagebus.handle(fake_context(), [SERVICE, SESSION, TAP, DECISION, later, INDUCTION], table)
    assert calls == [("CardTapped", [TAP]), ("AccessDecided", [DECISION]),
                     ("SessionReported", [SESSION, later]), ("MemberInducted", [INDUCTION]),
                     ("ServiceReported", [SERVICE])]


def test_a_kind_without_handlers_is_only_kept_and_nothing_is_called_for_an_empty_batch():
    calls: list[tuple[str, list[Any]]] = []
    table = {kind: (Recorder(kind.__name__, calls),) for kind in messagebus.HANDLERS}
    table[events.CardTapped] = ()
    messagebus.handle(fake_context(), [TAP, TAP], table)
    messagebus.handle(fake_context(), [], table)
    assert calls == []


def test_an_event_the_table_does_not_know_is_a_bug_that_fails_loudly():
    with pytest.raises(KeyError):
        messagebus.handle(fake_context(), [DECISION], {events.CardTapped: ()})


@pytest.mark.parametrize("event", [TAP, DECISION, SESSION, INDUCTION, SERVICE])
def test_domain_events_are_frozen_values_that_name_their_node_and_resource(event: NodeEvent):
    names = {f.name for f in fields(event)}
    assert {"node", "ts", "resource"} <= names
    with pytest.raises(AttributeError):
        event.node = "elsewhere"
