"""The node's durable outbox: every event is on disk before it is published.

A row is written (and fsynced by SQLite's commit) first; the publisher sends it with QoS 1.
A retained message (the node's status, its state) is deleted when the broker acknowledges it
(PUBACK). An event is only marked ``brokered`` then: it is deleted when the hub says it has it
(a receipt, ``hub/receipt/<node>``), so a broker that crashes with the hub's queue in memory
loses nothing either: when the hub comes back it says hello and the node sends again what
the hub never receipted. A crash, a reboot or an outage of any length therefore loses
nothing; at worst an event is sent twice, and the hub ignores the duplicate by its ``event_id``.

The same file keeps the node's own state (the running session, the service flag) in a
``node_state`` table, written in the same transaction as the events that describe the change:
after a crash, the state and the events agree.

``seq`` is the row id with AUTOINCREMENT: strictly increasing and never reused, even after
rows are deleted or the node restarts, so it doubles as the node's event sequence number.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL DEFAULT 1,
    retain INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    brokered INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS node_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Message:
    """A message to store: its payload is built once its ``seq`` is known."""

    topic: str
    build: Callable[[int], bytes]
    qos: int = 1
    retain: bool = False


@dataclass(frozen=True, slots=True)
class OutboxItem:
    seq: int
    topic: str
    payload: bytes
    qos: int
    retain: bool


class Outbox:
    """A FIFO of messages to publish, kept in a SQLite file.

    >>> outbox = Outbox(Path("/var/lib/seuil/entrance-outbox.db"))
    >>> seq = outbox.append("seuil/x/node/entrance/tap", lambda seq: b"...")
    >>> for item in outbox.pending(): ...      # publish, then outbox.brokered([item.seq]) on PUBACK
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")  # an appended event survives power loss
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(outbox)")}
        if "brokered" not in columns:  # an outbox written by an older node
            self._db.execute("ALTER TABLE outbox ADD COLUMN brokered INTEGER NOT NULL DEFAULT 0")

    def append(self, topic: str, build: Callable[[int], bytes], *, qos: int = 1,
               retain: bool = False) -> int:
        """Store a message whose payload is built from its ``seq``; returns the seq."""
        return self.record([Message(topic, build, qos, retain)])[0]

    def record(self, messages: Sequence[Message], state: Mapping[str, str | None] | None = None
               ) -> list[int]:
        """Store ``messages`` and set (or, with None, delete) ``state`` keys, all at once."""
        seqs: list[int] = []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for message in messages:
                    cursor = self._db.execute(
                        "INSERT INTO outbox (topic, payload, qos, retain, created_at) "
                        "VALUES (?, x'', ?, ?, ?)",
                        (message.topic, message.qos, int(message.retain), time.time()))
                    seq = int(cursor.lastrowid or 0)
                    self._db.execute("UPDATE outbox SET payload = ? WHERE seq = ?",
                                     (message.build(seq), seq))
                    seqs.append(seq)
                for key, value in (state or {}).items():
                    if value is None:
                        self._db.execute("DELETE FROM node_state WHERE key = ?", (key,))
                    else:
                        self._db.execute("INSERT INTO node_state (key, value) VALUES (?, ?) "
                                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                         (key, value))
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        return seqs

    def state(self, key: str) -> str | None:
        """A value the node kept with ``record(state=...)``, or None."""
        with self._lock:
            row = self._db.execute("SELECT value FROM node_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def pending(self, limit: int = 1000, after: int = 0) -> list[OutboxItem]:
        """The oldest messages the broker has not acknowledged, in order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, topic, payload, qos, retain FROM outbox WHERE seq > ? AND brokered = 0 "
                "ORDER BY seq LIMIT ?", (after, limit)).fetchall()
        return [OutboxItem(seq, topic, bytes(payload), qos, bool(retain))
                for seq, topic, payload, qos, retain in rows]

    def delete(self, seq: int) -> None:
        """Forget ``seq``."""
        self.delete_many([seq])

    def brokered(self, seqs: Sequence[int]) -> None:
        """The broker acknowledged ``seqs``: forget the retained ones, keep the events until the
        hub's receipt (one transaction)."""
        if not seqs:
            return
        rows = [(s,) for s in seqs]
        self._write(lambda db: (db.executemany("DELETE FROM outbox WHERE seq = ? AND retain = 1", rows),
                                db.executemany("UPDATE outbox SET brokered = 1 WHERE seq = ?", rows)))

    def receipted(self, ranges: Sequence[tuple[int, int]]) -> None:
        """The hub has the events whose seqs are in ``ranges`` (inclusive): forget them."""
        if ranges:
            self._write(lambda db: db.executemany(
                "DELETE FROM outbox WHERE seq BETWEEN ? AND ? AND retain = 0", list(ranges)))

    def resend_unreceipted(self) -> int:
        """Events the broker took but the hub never receipted go back in the queue (the broker
        may have lost them): returns how many."""
        count = self.awaiting_receipt
        if count:
            self._write(lambda db: db.execute("UPDATE outbox SET brokered = 0 WHERE brokered = 1"))
        return count

    @property
    def awaiting_receipt(self) -> int:
        """Events the broker has and the hub has not receipted yet."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM outbox WHERE brokered = 1").fetchone()[0])

    def _write(self, change: Callable[[sqlite3.Connection], object]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                change(self._db)
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def delete_many(self, seqs: Sequence[int]) -> None:
        """Forget acknowledged messages, in one transaction (one fsync for a whole batch).

        If a crash loses this deletion, the messages are sent again; the hub drops duplicates.
        """
        if seqs:
            rows = [(s,) for s in seqs]
            self._write(lambda db: db.executemany("DELETE FROM outbox WHERE seq = ?", rows))

    def _rollback(self) -> None:
        # SQLite rolls back by itself on some errors (SQLITE_FULL); a second ROLLBACK would
        # raise "no transaction is active" and hide the error that matters.
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def __len__(self) -> int:
        """Messages the broker has not acknowledged yet (``awaiting_receipt``: the hub's turn)."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM outbox WHERE brokered = 0").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Outbox {self.path} pending={len(self)}>"
