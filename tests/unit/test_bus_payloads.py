import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from access.bus.outbox import Outbox
from access.bus.schemas import (
    MAX_EVENT_BYTES,
    DecisionEvent,
    PayloadError,
    SessionEvent,
    TapEvent,
    decode,
    encode,
)
from access.bus.topics import ParsedTopic, Topics
from access.domain.decide import Reason

CARD = "ab" * 32
TOPICS = Topics("la-ruche")


def tap(seq: int = 1) -> TapEvent:
    return TapEvent(event_id=uuid4(), ts=datetime.now(UTC), node="entrance", seq=seq,
                    resource="front-door", card=CARD)


def test_topics_live_under_the_site_root_and_name_their_node():
    assert TOPICS.node_tap("entrance") == "seuil/la-ruche/node/entrance/tap"
    assert TOPICS.node_status("entrance") == "seuil/la-ruche/node/entrance/status"
    assert TOPICS.node_state("printer") == "seuil/la-ruche/node/printer/state"
    assert TOPICS.node_session("printer") == "seuil/la-ruche/node/printer/session"
    assert "seuil/la-ruche/node/+/training" in TOPICS.all_node_events
    assert TOPICS.all_taps == "seuil/la-ruche/node/+/tap"
    assert TOPICS.node_of("seuil/la-ruche/node/makerspace/decision") == "makerspace"
    assert TOPICS.node_of("seuil/other-site/node/makerspace/decision") is None


def test_topics_are_taken_apart_in_one_place():
    parsed = TOPICS.parse("seuil/la-ruche/node/printer/session")
    assert parsed == ParsedTopic("node", "printer", "session")
    assert parsed.event_kind == "session"
    assert TOPICS.parse("seuil/la-ruche/node/printer/status").event_kind is None
    assert TOPICS.parse("seuil/la-ruche/cmd/entrance/unlock") == ParsedTopic("cmd", "entrance", "unlock")
    assert TOPICS.parse("seuil/la-ruche/node/printer/session/extra").event_kind is None
    assert TOPICS.parse("seuil/la-ruche/node/printer") is None
    assert TOPICS.parse("seuil/other-site/node/printer/tap") is None
    assert TOPICS.parse("elsewhere/la-ruche/node/printer/tap") is None


def test_events_round_trip_with_their_version():
    event = tap()
    raw = encode(event)
    assert json.loads(raw)["v"] == 1
    assert decode(TapEvent, raw) == event
    decision = DecisionEvent(event_id=uuid4(), ts=event.ts, node="entrance", seq=2,
                             tap_id=event.event_id, resource="front-door", card=CARD,
                             allowed=False, reason=Reason.OUTSIDE_HOURS, rule="members-door",
                             member_id=3, snapshot_version=7)
    assert decode(DecisionEvent, encode(decision)).reason is Reason.OUTSIDE_HOURS


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "not a valid TapEvent"),
        (b"{}", "not a valid TapEvent"),
        (b'{"v": 2}', "v"),
        (b"[1, 2, 3]", "not a valid TapEvent"),
        (b"\xff\xfe", "not a valid TapEvent"),
    ],
)
def test_malformed_payloads_are_payload_errors(raw, message):
    with pytest.raises(PayloadError, match=message):
        decode(TapEvent, raw)


def test_a_raw_uid_or_a_naive_time_does_not_pass():
    body = json.loads(encode(tap()))
    with pytest.raises(PayloadError, match="card"):
        decode(TapEvent, json.dumps({**body, "card": "04A1B2C3"}).encode())
    with pytest.raises(PayloadError, match="ts"):
        decode(TapEvent, json.dumps({**body, "ts": "2026-11-23T10:00:00"}).encode())
    with pytest.raises(PayloadError, match="uid: unknown field"):
        decode(TapEvent, json.dumps({**body, "uid": "04A1B2C3"}).encode())


def test_oversized_payloads_are_refused_before_parsing():
    with pytest.raises(PayloadError, match="exceeds"):
        decode(TapEvent, b" " * (MAX_EVENT_BYTES + 1))


def test_session_events_validate_their_action():
    body = json.loads(encode(SessionEvent(
        event_id=uuid4(), ts=datetime.now(UTC), node="makerspace", seq=1, action="start",
        session_id=uuid4(), resource="3d-printer", member_id=1, started_at=datetime.now(UTC))))
    with pytest.raises(PayloadError, match="action"):
        decode(SessionEvent, json.dumps({**body, "action": "explode"}).encode())


def test_outbox_keeps_order_survives_reopen_and_never_reuses_a_seq(tmp_path):
    path = tmp_path / "outbox.db"
    with Outbox(path) as outbox:
        seqs = [outbox.append(TOPICS.node_tap("entrance"), lambda s: encode(tap(s)))
                for _ in range(5)]
        assert seqs == sorted(seqs) and len(set(seqs)) == 5
        outbox.delete(seqs[0])
        outbox.delete(seqs[4])
    with Outbox(path) as reopened:  # a restart: what was not acknowledged is still there
        pending = reopened.pending()
        assert [item.seq for item in pending] == seqs[1:4]
        assert [decode(TapEvent, item.payload).seq for item in pending] == seqs[1:4]
        newer = reopened.append("t", lambda s: b"x")
        assert newer > seqs[4]  # AUTOINCREMENT: a deleted seq is never handed out again
        assert len(reopened) == 4


def test_a_failed_build_leaves_nothing_behind(tmp_path):
    with Outbox(tmp_path / "o.db") as outbox:
        def broken(seq: int) -> bytes:
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            outbox.append("t", broken)
        assert len(outbox) == 0
