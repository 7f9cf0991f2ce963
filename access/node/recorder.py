"""The node's events and state on their way to its outbox file, held in memory while the disk
refuses them.

An SD card fills up (logs, a forgotten copy) or turns read-only (the kernel remounts a failing
card read-only); neither may stop the door. The node decides and opens first and records after,
so recording is the only thing a bad disk can take away, and it takes it away visibly: what
cannot be written waits here, in order and bounded (``limit`` messages; beyond it the oldest
are dropped and counted), the node says "not recording" in its log and its retained status, and
everything held is written, then published, as soon as the disk takes writes again. A node
started on a read-only card runs on the snapshot it has; the file is opened when it can be.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from access.bus.outbox import Message, Outbox, OutboxItem
from access.node.local_state import read_state

log = logging.getLogger(__name__)
HELD_LIMIT = 10_000
"""Messages held in memory at most (a few MB): a day of taps at a busy door."""

State = Mapping[str, str | None]


class Recorder:
    """``record()`` never raises: it writes, or holds until it can (``retry()``)."""

    def __init__(self, path: Path, *, limit: int = HELD_LIMIT,
                 on_change: Callable[[], None] = lambda: None) -> None:
        self.path = path
        self.limit = limit
        self.on_change = on_change
        self.outbox: Outbox | None = None
        self.dropped = 0
        self._held: deque[tuple[list[Message], State]] = deque()
        self._held_messages = 0
        self._failing: str | None = None  # why the disk refuses, while it does
        self._lock = threading.Lock()
        self._open()

    @property
    def recording(self) -> bool:
        return self._failing is None

    @property
    def unrecorded(self) -> int:
        """Events decided but not on disk yet (held) or lost (dropped past the limit)."""
        return self._held_messages + self.dropped

    def record(self, messages: Sequence[Message], state: State | None = None) -> None:
        with self._lock:
            self._held.append((list(messages), dict(state or {})))
            self._held_messages += len(messages)
            self._bound()
            changed = self._flush()
        if changed:
            self.on_change()

    def retry(self) -> None:
        """Open the file and write what is held, if the disk lets us now."""
        if self.recording:
            return
        with self._lock:
            changed = self._flush()
        if changed:
            self.on_change()

    def state(self, key: str) -> str | None:
        with self._lock:
            for _, state in reversed(self._held):
                if key in state:
                    return state[key]
            outbox = self.outbox
        if outbox is not None:
            return outbox.state(key)
        return read_state(self.path, key, immutable=True)  # a read-only card

    # --- what the publisher drains ------------------------------------------------------------
    def pending(self, limit: int = 1000, after: int = 0) -> list[OutboxItem]:
        return self.outbox.pending(limit, after) if self.outbox is not None else []

    def brokered(self, seqs: Sequence[int]) -> None:
        if self.outbox is not None:
            self.outbox.brokered(seqs)

    def receipted(self, ranges: Sequence[tuple[int, int]]) -> None:
        if self.outbox is not None:
            self.outbox.receipted(ranges)

    def resend_unreceipted(self) -> int:
        return self.outbox.resend_unreceipted() if self.outbox is not None else 0

    def __len__(self) -> int:
        """Messages not yet delivered: in the file, and held in memory."""
        outbox = self.outbox
        return (len(outbox) if outbox is not None else 0) + self._held_messages

    def close(self) -> None:
        if self._held:
            log.error("stopping with %d events never written (the disk refused them)",
                      self._held_messages)
        if self.outbox is not None:
            self.outbox.close()

    # --- under the lock -----------------------------------------------------------------------
    def _open(self) -> bool:
        try:
            self.outbox = Outbox(self.path)
        except (sqlite3.Error, OSError) as error:
            self._fail(error)
            return False
        return True

    def _flush(self) -> bool:
        """Write what is held, oldest first; True if recording started or stopped."""
        was = self.recording
        if self.outbox is None and not self._open():
            return was != self.recording
        assert self.outbox is not None
        while self._held:
            messages, state = self._held[0]
            try:
                self.outbox.record(messages, state)
            except (sqlite3.Error, OSError) as error:
                self._fail(error)
                break
            self._held.popleft()
            self._held_messages -= len(messages)
        else:
            if self._failing is not None:
                log.warning("recording again: the events held in memory are written")
                self._failing = None
        return was != self.recording

    def _fail(self, error: BaseException) -> None:
        if self._failing is None:
            log.error("NOT RECORDING: %s refuses writes (%s). The node keeps deciding from its "
                      "snapshot; events wait in memory (at most %d) until the disk takes them",
                      self.path, error, self.limit)
        self._failing = str(error)

    def _bound(self) -> None:
        while self._held_messages > self.limit and len(self._held) > 1:
            messages, state = self._held.popleft()
            self._held_messages -= len(messages)
            self.dropped += len(messages)
            later_messages, later_state = self._held.popleft()
            self._held.appendleft((later_messages, {**state, **later_state}))  # keep the state
