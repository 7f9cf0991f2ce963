"""An RC522 (MFRC522) reader on the Pi's SPI bus, through the ``mfrc522`` package.

We use the package's low-level ``MFRC522`` class for the SPI register access and the chip's
initialisation, but send the two ISO 14443-A commands ourselves (REQA, then anticollision),
one request per poll, at a bounded rate:

- ``SimpleMFRC522.read_id()`` blocks forever and busy-polls, and the package's transceive loop
  ignores the chip's timer interrupt (a ``~`` used as ``not``), so an empty poll costs ~2,000
  SPI transfers. Our loop stops at the timer interrupt and sleeps between register reads.
- The UID is reported as the card's real bytes (``04A1B2C3``), without the BCC check byte
  that ``SimpleMFRC522`` folds into its number.
- The reset pin is always passed explicitly, in BCM numbering (the package's default is a
  BOARD number).

Cards with 7-byte UIDs (NTAG stickers, Ultralight, DESFire, most phones) answer the first
anticollision level with the cascade tag ``0x88`` and three bytes; the reader then SELECTs that
level (the frame carries a CRC_A, computed here), and the card's SAK says more follows: the
second level's anticollision gives the last four bytes, and its SELECT confirms the UID is
whole. 10-byte UIDs (a third level, rare) are refused with a log line.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from access.domain.cards import uid_from_bytes
from access.hardware.reader import Debouncer, OnCard, ReaderError

log = logging.getLogger(__name__)

PICC_REQIDL = 0x26
PICC_ANTICOLL_CL1 = 0x93
PICC_ANTICOLL_CL2 = 0x95
NVB_ANTICOLL = 0x20  # "two bytes sent": ask for the level's UID bytes
NVB_SELECT = 0x70  # "seven bytes sent": select by the whole level
SAK_MORE = 0x04  # the UID goes on at the next cascade level
CASCADE_TAG = 0x88
PCD_IDLE = 0x00
PCD_TRANSCEIVE = 0x0C
GPIO_BCM = 11

# Registers (MFRC522 datasheet, section 9)
COMMAND_REG = 0x01
COMM_IEN_REG = 0x02
COMM_IRQ_REG = 0x04
ERROR_REG = 0x06
FIFO_DATA_REG = 0x09
FIFO_LEVEL_REG = 0x0A
CONTROL_REG = 0x0C
BIT_FRAMING_REG = 0x0D

TIMER_IRQ = 0x01
RX_IRQ = 0x20
IDLE_IRQ = 0x10
ERROR_MASK = 0x1B  # BufferOvfl, ColErr, ParityErr, ProtocolErr
IRQ_POLL_S = 0.0005
MAX_IRQ_READS = 60  # ~30 ms: longer than the chip's own ~15 ms receive timeout
FIFO_MAX = 16


def crc_a(data: list[int] | bytes) -> list[int]:
    """ISO 14443-3's CRC_A of ``data``, as the two bytes sent after it (low byte first).

    >>> crc_a([0x00, 0x00])
    [160, 30]
    """
    crc = 0x6363
    for byte in data:
        byte ^= crc & 0xFF
        byte = (byte ^ (byte << 4)) & 0xFF
        crc = ((crc >> 8) ^ (byte << 8) ^ (byte << 3) ^ (byte >> 4)) & 0xFFFF
    return [crc & 0xFF, crc >> 8]


class Mfrc522Reader:
    """Polls an RC522 for cards, once every ``poll_interval_s`` seconds, in its own thread.

    On a Pi only (it needs the RC522 driver and SPI), so this example is not a doctest::

        reader = Mfrc522Reader(reset_pin=25)
        reader.start(taps.put)
    """

    def __init__(self, *, spi_bus: int = 0, spi_device: int = 0, reset_pin: int = 25,
                 poll_interval_s: float = 0.1, debounce_s: float = 1.5) -> None:
        self.spi_bus = spi_bus
        self.spi_device = spi_device
        self.reset_pin = reset_pin
        self.poll_interval_s = poll_interval_s
        self._debouncer = Debouncer(debounce_s)
        self._chip: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned_cascade = False

    def open(self) -> None:
        """Import the driver and initialise the chip. Raises ``ReaderError`` off a Pi."""
        try:
            from mfrc522 import MFRC522  # Pi only, imported when used
        except (ImportError, RuntimeError) as error:  # RPi.GPIO raises RuntimeError off a Pi
            raise ReaderError(
                f"the RC522 driver cannot load ({error}); on a Pi, install the `pi` extra "
                "and enable SPI (dtparam=spi=on)") from None
        try:
            self._chip = MFRC522(bus=self.spi_bus, device=self.spi_device, pin_mode=GPIO_BCM,
                                 pin_rst=self.reset_pin)
        except (OSError, RuntimeError) as error:
            raise ReaderError(
                f"cannot open /dev/spidev{self.spi_bus}.{self.spi_device}: {error} "
                "(is SPI enabled, and is the service user in the spi and gpio groups?)") from None

    def start(self, on_card: OnCard) -> None:
        if self._chip is None:
            self.open()
        self._thread = threading.Thread(target=self._poll_loop, args=(on_card,),
                                        name="rc522", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._chip is not None:
            self._chip.Close_MFRC522()
            self._chip = None

    @property
    def alive(self) -> bool:
        """Its poll thread runs (an unexpected error, not a failed read, ends it)."""
        return self._thread is not None and self._thread.is_alive()

    def _poll_loop(self, on_card: OnCard) -> None:
        failures = 0
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                uid = self.read_once()
                failures = 0
            except OSError as error:
                failures += 1
                if failures in (1, 100) or failures % 6000 == 0:
                    log.error("RC522 read failed (%d in a row): %s", failures, error)
                uid = None
            if uid is not None and self._debouncer.seen(uid, time.monotonic()):
                on_card(uid)
            self._stop.wait(max(0.0, self.poll_interval_s - (time.monotonic() - started)))

    def read_once(self) -> str | None:
        """One poll: the UID of a card in the field, or None (never part of one)."""
        self._write(BIT_FRAMING_REG, 0x07)  # REQA is a 7-bit short frame
        answer = self._transceive([PICC_REQIDL])
        if answer is None or answer[1] != 16:
            return None
        self._write(BIT_FRAMING_REG, 0x00)
        first = self._anticollision(PICC_ANTICOLL_CL1)
        if first is None:
            return None
        if first[0] != CASCADE_TAG:
            return uid_from_bytes(first[:4])  # a 4-byte UID: no SELECT needed to know it
        if self._select(PICC_ANTICOLL_CL1, first) != SAK_MORE:
            return None
        second = self._anticollision(PICC_ANTICOLL_CL2)
        if second is None:
            return None
        sak = self._select(PICC_ANTICOLL_CL2, second)
        if sak is None:
            return None
        if sak & SAK_MORE:
            if not self._warned_cascade:
                log.warning("a card with a 10-byte UID was presented; the RC522 reader reads "
                            "4- and 7-byte UIDs: use a USB reader for these cards")
                self._warned_cascade = True
            return None
        return uid_from_bytes(first[1:4] + second[:4])

    def _anticollision(self, level: int) -> bytes | None:
        """A cascade level's four UID bytes and their check byte, or None if garbled."""
        answer = self._transceive([level, NVB_ANTICOLL])
        if answer is None or len(answer[0]) != 5:
            return None
        data = answer[0]
        if data[0] ^ data[1] ^ data[2] ^ data[3] != data[4]:
            return None  # a garbled read: the next poll will see the card again
        return data

    def _select(self, level: int, uid_and_bcc: bytes) -> int | None:
        """SELECT a cascade level; the card's SAK, or None if it did not answer soundly."""
        frame = [level, NVB_SELECT, *uid_and_bcc]
        answer = self._transceive(frame + crc_a(frame))
        if answer is None or len(answer[0]) != 3 or crc_a(answer[0][:1]) != list(answer[0][1:]):
            return None
        return answer[0][0]

    def _transceive(self, data: list[int]) -> tuple[bytes, int] | None:
        self._write(COMM_IEN_REG, 0x77 | 0x80)
        self._clear_bits(COMM_IRQ_REG, 0x80)
        self._set_bits(FIFO_LEVEL_REG, 0x80)  # flush the FIFO
        self._write(COMMAND_REG, PCD_IDLE)
        for byte in data:
            self._write(FIFO_DATA_REG, byte)
        self._write(COMMAND_REG, PCD_TRANSCEIVE)
        self._set_bits(BIT_FRAMING_REG, 0x80)  # StartSend
        irq = 0
        for _ in range(MAX_IRQ_READS):
            irq = self._read(COMM_IRQ_REG)
            if irq & (RX_IRQ | IDLE_IRQ | TIMER_IRQ):
                break
            time.sleep(IRQ_POLL_S)
        self._clear_bits(BIT_FRAMING_REG, 0x80)
        if not irq & (RX_IRQ | IDLE_IRQ):
            return None  # the timer fired (or we gave up): no card answered
        if self._read(ERROR_REG) & ERROR_MASK:
            return None
        count = self._read(FIFO_LEVEL_REG)
        last_bits = self._read(CONTROL_REG) & 0x07
        bits = (count - 1) * 8 + last_bits if last_bits else count * 8
        return bytes(self._read(FIFO_DATA_REG) for _ in range(min(count, FIFO_MAX))), bits

    def _read(self, register: int) -> int:
        return int(self._chip.Read_MFRC522(register))

    def _write(self, register: int, value: int) -> None:
        self._chip.Write_MFRC522(register, value)

    def _set_bits(self, register: int, mask: int) -> None:
        self._write(register, self._read(register) | mask)

    def _clear_bits(self, register: int, mask: int) -> None:
        self._write(register, self._read(register) & ~mask & 0xFF)

    def __repr__(self) -> str:
        return (f"<Mfrc522Reader spi{self.spi_bus}.{self.spi_device} reset=GPIO{self.reset_pin} "
                f"poll={self.poll_interval_s}s>")
