"""Fake ``RPi.GPIO`` and ``spidev`` modules around a register model of an MFRC522 chip.

Installed through ``sys.modules``, they let the real ``mfrc522`` package and our
``Mfrc522Reader`` run off a Pi. The chip answers REQA and the first anticollision level for
the card placed on it, like the real one, and counts every SPI transfer.
"""

from __future__ import annotations

import sys
import types
from contextlib import contextmanager

COMMAND, COMM_IRQ, ERROR, FIFO_DATA = 0x01, 0x04, 0x06, 0x09
FIFO_LEVEL, CONTROL, BIT_FRAMING = 0x0A, 0x0C, 0x0D
TRANSCEIVE = 0x0C


class FakeChip:
    def __init__(self) -> None:
        self.registers: dict[int, int] = {}
        self.fifo: list[int] = []
        self.card: bytes | None = None  # the UID bytes of the card in the field
        self.card_ready = False  # the card answered REQA and waits for anticollision
        self.transfers = 0
        self.open_args: tuple[int, int] | None = None
        self.closed = False

    def place(self, uid: bytes | None) -> None:
        self.card = uid
        self.card_ready = False

    def xfer2(self, data: list[int]) -> list[int]:
        self.transfers += 1
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
        else:
            self.registers[register] = value

    def _transceive(self) -> None:
        sent, self.fifo = self.fifo, []
        irq = self.registers.get(COMM_IRQ, 0)
        if self.card is not None and sent == [0x26] and not self.card_ready:
            self.fifo = [0x04, 0x00]  # ATQA, 16 bits
            self.card_ready = True
            self.registers[COMM_IRQ] = irq | 0x30
        elif self.card is not None and sent == [0x93, 0x20] and self.card_ready:
            first = self.card if len(self.card) == 4 else bytes([0x88]) + self.card[:3]
            bcc = first[0] ^ first[1] ^ first[2] ^ first[3]
            self.fifo = [*first, bcc]
            self.card_ready = False
            self.registers[COMM_IRQ] = irq | 0x30
        else:  # nobody answers: the chip's timer fires
            self.card_ready = False
            self.registers[COMM_IRQ] = irq | 0x01


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
