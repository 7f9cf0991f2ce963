"""USB "keyboard-wedge" readers: they type the card number and press Enter.

The device is read through evdev and grabbed, so the keystrokes never reach the kiosk or a
console. Turning key codes into a UID is a pure function (``KeyDecoder``), tested alone.

Readers differ in what they type: most 13.56 MHz ones type the UID in hex, many type the
first four bytes as a 10-digit decimal number, in either byte order. ``format`` says which;
``seuil card enroll --tap`` and the door must use readers with the same format, or a card
will not be recognised (the UID bytes differ).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any, Literal

from access.domain.cards import UidError, normalize_uid
from access.hardware.reader import Debouncer, OnCard, ReaderError

log = logging.getLogger(__name__)

HidFormat = Literal["hex", "decimal-msb", "decimal-lsb"]

EV_KEY = 1
KEY_DOWN = 1
ENTER_CODES = frozenset({28, 96})  # KEY_ENTER, KEY_KPENTER
# Linux input key codes -> character (top row digits, keypad digits, hex letters)
KEY_CHARACTERS = {
    2: "1", 3: "2", 4: "3", 5: "4", 6: "5", 7: "6", 8: "7", 9: "8", 10: "9", 11: "0",
    79: "1", 80: "2", 81: "3", 75: "4", 76: "5", 77: "6", 71: "7", 72: "8", 73: "9", 82: "0",
    30: "A", 48: "B", 46: "C", 32: "D", 18: "E", 33: "F",
}
MAX_TYPED = 32  # longer than any UID: a stuck key or a keyboard, not a reader


class KeyDecoder:
    """Key presses in, UIDs out.

    >>> decoder = KeyDecoder("hex")
    >>> [decoder.press(code) for code in (11, 5, 30, 2, 48, 3, 46, 4, 28)][-1]
    '04A1B2C3'
    """

    def __init__(self, fmt: HidFormat = "hex") -> None:
        self.format = fmt
        self._typed: list[str] = []

    def press(self, code: int) -> str | None:
        """Feed one key-down; returns a UID when Enter ends a valid one."""
        if code in ENTER_CODES:
            typed, self._typed = "".join(self._typed), []
            return self._uid(typed) if typed else None
        character = KEY_CHARACTERS.get(code)
        if character is None:
            return None
        if len(self._typed) >= MAX_TYPED:
            self._typed = []
        self._typed.append(character)
        return None

    def _uid(self, typed: str) -> str | None:
        try:
            if self.format == "hex":
                return normalize_uid(typed)
            if not typed.isdigit() or int(typed) > 0xFFFFFFFF:
                raise UidError(f'"{typed}" is not a 4-byte decimal card number')
            raw = int(typed).to_bytes(4, "big" if self.format == "decimal-msb" else "little")
            return raw.hex().upper()
        except UidError as error:
            log.warning("the USB reader typed something that is not a card: %s", error)
            return None


class HidReader:
    """A USB reader at ``device`` (prefer the stable /dev/input/by-id/... path)."""

    def __init__(self, device: str, *, fmt: HidFormat = "hex", debounce_s: float = 1.5) -> None:
        if not device:
            raise ReaderError('reader = "hid" needs [nodes.<id>.hid] device = "/dev/input/by-id/..."')
        self.device = device
        self._decoder = KeyDecoder(fmt)
        self._debouncer = Debouncer(debounce_s)
        self._input: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._gone = False  # the device went away (unplugged): logged, a restart would not help

    def open(self) -> None:
        try:
            import evdev  # Linux/Pi only, imported when used
        except ImportError:
            raise ReaderError("the evdev package is missing: install the `pi` extra") from None
        try:
            self._input = evdev.InputDevice(self.device)
            self._input.grab()  # our keystrokes only: the kiosk never sees them
        except OSError as error:
            raise ReaderError(f"cannot open {self.device}: {error} "
                              "(is the service user in the input group?)") from None

    def start(self, on_card: OnCard) -> None:
        if self._input is None:
            self.open()
        self._thread = threading.Thread(target=self._read_loop, args=(on_card,),
                                        name="hid-reader", daemon=True)
        self._thread.start()

    def _read_loop(self, on_card: OnCard) -> None:
        try:
            for event in self._input.read_loop():
                if self._stop.is_set():
                    return
                if event.type != EV_KEY or event.value != KEY_DOWN:
                    continue
                uid = self._decoder.press(event.code)
                if uid is not None and self._debouncer.seen(uid, time.monotonic()):
                    on_card(uid)
        except OSError as error:
            if not self._stop.is_set():
                self._gone = True
                log.error("the USB reader %s went away: %s", self.device, error)

    @property
    def alive(self) -> bool:
        """Its thread reads, or ended because the device went away (the button and remote
        unlocks still work; restarting the node would not bring the reader back)."""
        return self._thread is not None and (self._thread.is_alive() or self._gone)

    def close(self) -> None:
        self._stop.set()
        if self._input is not None:
            with contextlib.suppress(OSError):
                self._input.ungrab()
            self._input.close()
            self._input = None

    def __repr__(self) -> str:
        return f"<HidReader {self.device} format={self._decoder.format}>"
