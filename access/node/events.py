"""What goes on a node's queue: reader callbacks, MQTT messages and inputs only put these."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class CardRead:
    uid: str = field(repr=False)  # never in a log line, even a traceback's
    read_at: float  # time.perf_counter() in the reader's callback


@dataclass(frozen=True, slots=True)
class SnapshotArrived:
    raw: bytes


@dataclass(frozen=True, slots=True)
class CommandArrived:
    action: str
    raw: bytes


@dataclass(frozen=True, slots=True)
class ButtonPressed:
    held: bool


@dataclass(frozen=True, slots=True)
class InputChanged:
    input: str  # "door" or "running"
    active: bool


@dataclass(frozen=True, slots=True)
class Sync:
    done: threading.Event


class Written:
    """A tap was decided on the reader's thread: write what it recorded, re-arm the timers."""


class Stop:
    pass


NodeEvent = (CardRead | SnapshotArrived | CommandArrived | ButtonPressed | InputChanged | Sync
             | Written | Stop)
