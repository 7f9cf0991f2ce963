"""The node's outbox keeps an event until the hub's receipt, a retained state only until PUBACK."""

import sqlite3

from access.bus.outbox import Outbox
from access.bus.schemas import Receipt, decode, encode, seq_ranges


def _fill(outbox: Outbox) -> tuple[int, int, int]:
    tap = outbox.append("seuil/x/node/entrance/tap", lambda seq: b"tap")
    state = outbox.append("seuil/x/node/entrance/state", lambda seq: b"state", retain=True)
    decision = outbox.append("seuil/x/node/entrance/decision", lambda seq: b"decision")
    return tap, state, decision


def test_an_event_waits_for_the_hub_and_a_state_only_for_the_broker(tmp_path):
    with Outbox(tmp_path / "outbox.db") as outbox:
        tap, state, decision = _fill(outbox)
        outbox.brokered([tap, state, decision])  # PUBACKs
        assert len(outbox) == 0 and outbox.awaiting_receipt == 2 and outbox.pending() == []
        outbox.receipted([(tap, tap)])
        assert outbox.awaiting_receipt == 1
        assert outbox.resend_unreceipted() == 1  # the hub said hello: the decision goes again
        assert [item.seq for item in outbox.pending()] == [decision]
        outbox.receipted(seq_ranges([decision, state]))  # a state is never the hub's to receipt
        assert len(outbox) == 0 and outbox.awaiting_receipt == 0


def test_an_outbox_written_by_an_older_node_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, "
               "payload BLOB NOT NULL, qos INTEGER NOT NULL DEFAULT 1, retain INTEGER NOT NULL DEFAULT 0, "
               "created_at REAL NOT NULL)")
    db.execute("INSERT INTO outbox (topic, payload, created_at) VALUES ('t', x'00', 0)")
    db.commit()
    db.close()
    with Outbox(path) as outbox:
        assert [item.seq for item in outbox.pending()] == [1]  # kept, and sent as before


def test_a_receipt_is_small_and_round_trips():
    receipt = Receipt(ranges=seq_ranges(range(1, 10_001)), hello=False)
    assert len(encode(receipt)) < 60 and decode(Receipt, encode(receipt)).ranges == ((1, 10_000),)
