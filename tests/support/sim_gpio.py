"""A GPIO chip whose lines go back to their default when the process that owns them exits.

gpiozero's MockFactory keeps a pin's state after the process that set it is gone, so a test on
mock pins cannot see what a real Pi does (FACTS.md, "GPIO lines do not outlive their process"):
with the character device (lgpio, libgpiod), a requested line belongs to an open file of its
process; when the process exits, however it exits, the kernel closes the file and the line is an
input again, at the level its board pulls it to. An active-low relay board pulls its inputs up,
so its relay reads "off"; an active-high board pulls down: "off" too.

``SimChip`` is that chip, run by the test in its own thread, on a Unix socket. Each process
reaches it through ``chip_factory(path)``, a gpiozero pin factory; its connection plays the open
file: when the connection closes (exit, SIGKILL, a crash), the chip releases every line the
process held. A line held by one process is busy for the others, as the kernel says EBUSY.

``LatchingRelay`` models a bistable relay on two lines: a pulse on ``set`` turns it on, a pulse
on ``reset`` off, each at least ``min_pulse_s`` long; releasing the lines changes nothing.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gpiozero.exc import GPIOPinInUse
from gpiozero.pins.mock import MockFactory, MockPin


@dataclass
class LatchingRelay:
    set_line: int
    reset_line: int
    min_pulse_s: float = 0.01
    active_level: int = 1
    on: bool = False
    history: list[bool] = field(default_factory=lambda: [False])
    _since: dict[int, float] = field(default_factory=dict)

    def level_changed(self, line: int, level: int, at: float) -> None:
        if line not in (self.set_line, self.reset_line):
            return
        if level == self.active_level:
            self._since[line] = at
            return
        started = self._since.pop(line, None)
        if started is not None and at - started >= self.min_pulse_s:
            self.on = line == self.set_line
            if self.history[-1] != self.on:
                self.history.append(self.on)


class SimChip:
    """The chip: line levels, who holds each line, and every level each line went through."""

    def __init__(self, path: Path, *, pulls: dict[int, int] | None = None,
                 latching: LatchingRelay | None = None) -> None:
        self.path = path
        self.pulls = pulls or {}  # the level a released line rests at (default 0: pulled down)
        self.latching = latching
        self._owner: dict[int, int] = {}  # line -> connection id
        self._level: dict[int, int] = {}
        self.history: dict[int, list[int]] = {}
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def level(self, line: int) -> int:
        with self._lock:
            return self._level.get(line, self.pulls.get(line, 0))

    def levels(self, line: int) -> list[int]:
        """Every level ``line`` went through, starting with its pull."""
        with self._lock:
            return list(self.history.get(line, [self.pulls.get(line, 0)]))

    def held(self, line: int) -> bool:
        with self._lock:
            return line in self._owner

    def close(self) -> None:
        self._server.close()

    # --- the kernel's side --------------------------------------------------------------------
    def _set(self, line: int, level: int) -> None:
        history = self.history.setdefault(line, [self.pulls.get(line, 0)])
        self._level[line] = level
        if history[-1] != level:
            history.append(level)
            if self.latching is not None:
                self.latching.level_changed(line, level, time.monotonic())

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        me = id(conn)
        with conn, conn.makefile("rwb") as stream, contextlib.suppress(OSError):  # a reset: gone
            for raw in stream:
                request = json.loads(raw)
                line, op = int(request["line"]), request["op"]
                with self._lock:
                    owner = self._owner.get(line)
                    if op == "claim" and owner not in (None, me):
                        answer = "busy"
                    else:
                        answer = "ok"
                        if op == "claim":
                            self._owner[line] = me
                            self._set(line, int(request["level"]))
                        elif op == "set" and owner == me:
                            self._set(line, int(request["level"]))
                        elif op == "release" and owner == me:
                            del self._owner[line]
                            self._set(line, self.pulls.get(line, 0))
                stream.write(answer.encode() + b"\n")
                stream.flush()
        with self._lock:  # the process is gone: the kernel releases its lines
            for line in [ln for ln, owner in self._owner.items() if owner == me]:
                del self._owner[line]
                self._set(line, self.pulls.get(line, 0))


class _Link:
    """A process's one connection to the chip (its open file)."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.stream = self.sock.makefile("rwb")
        self.lock = threading.Lock()

    def ask(self, **request: Any) -> str:
        with self.lock:
            self.stream.write(json.dumps(request).encode() + b"\n")
            self.stream.flush()
            return self.stream.readline().decode().strip()


def chip_factory(path: Path) -> MockFactory:
    """A gpiozero pin factory whose outputs are lines of the ``SimChip`` at ``path``.

    Inputs (buttons, contacts) stay plain mock pins: only what a process drives is modelled.
    """
    link = _Link(str(path))

    class ChipPin(MockPin):
        def _line(self) -> int:
            return int(self.info.name.removeprefix("GPIO"))

        def output_with_state(self, state: Any) -> None:
            # The kernel takes the line and its first level in one request: no blip.
            self._claim(bool(state))
            self._state = bool(state)
            super()._set_function("output")
            self._change_state(bool(state))

        def _set_function(self, value: str) -> None:
            if value == "output" and self._function != "output":
                self._claim(bool(self._state))
            elif value == "input" and self._function == "output":
                link.ask(op="release", line=self._line())
            super()._set_function(value)

        def _claim(self, state: bool) -> None:
            if link.ask(op="claim", line=self._line(), level=int(state)) == "busy":
                raise GPIOPinInUse(f"{self.info.name} is held by another process")

        def _change_state(self, value: bool) -> bool:
            changed = bool(super()._change_state(value))
            if changed and self._function == "output":
                link.ask(op="set", line=self._line(), level=int(value))
            return changed

    return MockFactory(pin_class=ChipPin)
