"""Fake ``RPi.GPIO`` and ``spidev`` modules around a register model of an MFRC522 chip.

Installed through ``sys.modules``, they let the real ``mfrc522`` package and our
``Mfrc522Reader`` run off a Pi. The card placed on the chip follows ISO 14443-3's states like
a real one: REQA wakes an idle card, anticollision gives a cascade level's four bytes (a 7-byte
UID starts with the cascade tag 0x88 at level 1), SELECT (with a CRC_A the card checks; a bad
one gets no answer) moves it to the next level or makes it active, and any other frame puts it
back to idle without an answer: a 4-byte card held on the reader, READY after anticollision,
ignores the next REQA and answers the one after. REQA is answered only as a 7-bit short frame.

The chip counts every SPI transfer, each of which keeps the CPU busy for its bits at the SPI
clock (as the Pi's driver does for short transfers), and keeps real time: an answer's bytes
appear, with RxIRq only (Transceive never ends by itself, so never IdleIRq), when the card
would have sent them (91 us of frame delay, then ~9.4 us a bit at 106 kbit/s); a frame no card
answers raises the timer's interrupt once the timer set in its registers has run out, and only
if TModeReg's TAuto starts it with the frame; Idle written to its command register drops a
frame in flight.
"""

from __future__ import annotations

import sys
import time
import types
from contextlib import contextmanager

COMMAND, COMM_IRQ, ERROR, FIFO_DATA = 0x01, 0x04, 0x06, 0x09
FIFO_LEVEL, CONTROL, BIT_FRAMING = 0x0A, 0x0C, 0x0D
TRANSCEIVE, IDLE = 0x0C, 0x00
T_MODE, T_PRESCALER, T_RELOAD_H, T_RELOAD_L = 0x2A, 0x2B, 0x2C, 0x2D
CARRIER_HZ = 13.56e6
BIT_S = 128 / CARRIER_HZ  # one bit at 106 kbit/s
FRAME_DELAY_S = 1236 / CARRIER_HZ  # ISO 14443-3: a card's answer starts this long after the frame


def crc_a(data: list[int] | bytes) -> list[int]:
    """ISO 14443-3 CRC_A, the card's own, bit by bit (initial 0x6363, reflected polynomial
    0x8408), low byte first; written apart from the reader's so the two check each other."""
    register = 0x6363
    for value in data:
        for bit in range(8):
            if (register ^ (value >> bit)) & 1:
                register = (register >> 1) ^ 0x8408
            else:
                register >>= 1
    return [register & 0xFF, register >> 8]


SEL = {0x93: 0, 0x95: 1}  # the cascade level of each SEL byte


class FakeChip:
    def __init__(self) -> None:
        self.registers: dict[int, int] = {}
        self.fifo: list[int] = []
        self.card: bytes | None = None  # the UID bytes of the card in the field
        self.card_ready = False  # the card answered REQA and waits for anticollision
        self.level = 0  # while ready: the cascade level it waits at
        self.active = False  # selected: it ignores REQA once, and is idle after
        self.transfers = 0
        self.open_args: tuple[int, int] | None = None
        self.closed = False
        self.last_bits = 0  # of the last frame sent: 7 for REQA's short frame
        self.speed_hz = 0  # the SPI clock of the last transfer
        self._due: tuple[float, int, list[int]] | None = None  # when, interrupt bits, answer

    def timeout_s(self) -> float:
        """The timer a frame no card answers runs out after (datasheet, 8.5)."""
        prescaler = (self.registers.get(T_MODE, 0) & 0x0F) << 8 | self.registers.get(T_PRESCALER, 0)
        reload = self.registers.get(T_RELOAD_H, 0) << 8 | self.registers.get(T_RELOAD_L, 0)
        return (2 * prescaler + 1) * (reload + 1) / CARRIER_HZ

    def place(self, uid: bytes | None) -> None:
        self.card = uid
        self.card_ready = self.active = False

    def xfer2(self, data: list[int]) -> list[int]:
        self.transfers += 1
        if self._due is not None and time.monotonic() >= self._due[0]:
            _, bits, self.fifo = self._due
            self._due = None
            self.registers[COMM_IRQ] = self.registers.get(COMM_IRQ, 0) | bits
        address, value = data
        register = (address >> 1) & 0x3F
        if address & 0x80:
            return [0, self._read(register)]
        self._write(register, value)
        return [0, 0]

    def _read(self, register: int) -> int:
        if register == FIFO_LEVEL:
            return len(self.fifo)
        if register == FIFO_DATA:
            return self.fifo.pop(0) if self.fifo else 0
        if register in (ERROR, CONTROL):
            return 0
        return self.registers.get(register, 0)

    def _write(self, register: int, value: int) -> None:
        if register == FIFO_DATA:
            self.fifo.append(value)
        elif register == FIFO_LEVEL and value & 0x80:
            self.fifo.clear()
        elif register == COMM_IRQ:
            irq = self.registers.get(COMM_IRQ, 0)
            self.registers[COMM_IRQ] = irq | (value & 0x7F) if value & 0x80 else irq & ~value
        elif register == BIT_FRAMING and value & 0x80 and self.registers.get(COMMAND) == TRANSCEIVE:
            self.registers[register] = value
            self._transceive()
        elif register == COMMAND and value == IDLE:
            self.registers[register] = value
            self._due = None  # the frame in flight, and its answer, are dropped
        else:
            self.registers[register] = value

    def _level_bytes(self, level: int) -> list[int]:
        """The four bytes and BCC the card gives at cascade ``level``."""
        assert self.card is not None
        if len(self.card) == 4:
            part = list(self.card)
        elif level == 0:
            part = [0x88, *self.card[:3]]
        else:
            part = list(self.card[3:7])
        return [*part, part[0] ^ part[1] ^ part[2] ^ part[3]]

    def _answer(self, sent: list[int]) -> list[int] | None:
        if self.card is None:
            return None
        if self.active:  # an active card ignores REQA (and anything unexpected): idle again
            self.active = False
            return None
        if sent == [0x26] and self.last_bits == 7 and not self.card_ready:
            self.card_ready, self.level = True, 0
            return [0x04 if len(self.card) == 4 else 0x44, 0x00]  # ATQA
        if not self.card_ready or not sent or SEL.get(sent[0]) != self.level:
            return None
        if sent[1:] == [0x20]:  # anticollision: the card stays READY, waiting for its SELECT
            return self._level_bytes(self.level)
        if len(sent) == 9 and sent[1] == 0x70 and sent[2:7] == self._level_bytes(self.level) \
                and sent[7:] == crc_a(sent[:7]):
            more = len(self.card) == 7 and self.level == 0
            sak = 0x04 if more else 0x00
            if more:
                self.level = 1
            else:
                self.card_ready, self.active = False, True
            return [sak, *crc_a([sak])]
        return None

    def _transceive(self) -> None:
        sent, self.fifo = self.fifo, []
        self.last_bits = self.registers.get(BIT_FRAMING, 0) & 0x07
        sent_s = (len(sent) * 9 - (8 - self.last_bits if self.last_bits else 0)) * BIT_S
        answer = self._answer(sent)
        now = time.monotonic()
        if answer is not None:  # RxIRq once the card's last bit is in (Transceive never ends: no IdleIRq)
            self._due = (now + sent_s + FRAME_DELAY_S + len(answer) * 9 * BIT_S, 0x20, answer)
        else:  # nobody answers, and a READY card that got a frame it did not expect is IDLE again
            self.card_ready = False
            timer_on = self.registers.get(T_MODE, 0) & 0x80  # TAuto: the timer starts with the frame
            self._due = (now + sent_s + self.timeout_s(), 0x01, []) if timer_on else None


class FakeGPIO(types.ModuleType):
    BCM, BOARD, OUT, IN = 11, 10, 0, 1

    def __init__(self) -> None:
        super().__init__("RPi.GPIO")
        self.mode: int | None = None
        self.outputs: dict[int, int] = {}
        self.setup_pins: list[int] = []
        self.cleaned = False

    def getmode(self) -> int | None:
        return self.mode

    def setmode(self, mode: int) -> None:
        self.mode = mode

    def setup(self, pin: int, direction: int) -> None:
        self.setup_pins.append(pin)

    def output(self, pin: int, value: int) -> None:
        self.outputs[pin] = value

    def cleanup(self) -> None:
        self.cleaned = True


@contextmanager
def fake_rc522_modules():
    """Yields ``(chip, gpio)`` while ``import mfrc522`` sees the fakes."""
    chip = FakeChip()
    gpio = FakeGPIO()

    class SpiDev:
        max_speed_hz = 0

        def open(self, bus: int, device: int) -> None:
            chip.open_args = (bus, device)

        def xfer2(self, data: list[int]) -> list[int]:
            # The Pi's SPI driver polls (keeps the CPU busy) for a transfer this short: 8 bits a
            # byte at the bus's clock. At the driver's 1 MHz a register access costs 16 us.
            busy_until = time.perf_counter() + len(data) * 8 / (self.max_speed_hz or 1_000_000)
            while time.perf_counter() < busy_until:
                pass
            chip.speed_hz = self.max_speed_hz
            return chip.xfer2(data)

        def close(self) -> None:
            chip.closed = True

    rpi = types.ModuleType("RPi")
    rpi.GPIO = gpio  # type: ignore[attr-defined]
    spidev = types.ModuleType("spidev")
    spidev.SpiDev = SpiDev  # type: ignore[attr-defined]
    names = ("RPi", "RPi.GPIO", "spidev")
    saved = {name: sys.modules.get(name) for name in (*names, "mfrc522", "mfrc522.MFRC522",
                                                      "mfrc522.SimpleMFRC522")}
    for name in ("mfrc522", "mfrc522.MFRC522", "mfrc522.SimpleMFRC522"):
        sys.modules.pop(name, None)
    sys.modules.update({"RPi": rpi, "RPi.GPIO": gpio, "spidev": spidev})
    try:
        yield chip, gpio
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
