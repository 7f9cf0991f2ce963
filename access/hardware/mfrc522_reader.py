"""An RC522 (MFRC522) reader on the Pi's SPI bus, through the ``mfrc522`` package.

We use the package's low-level ``MFRC522`` class for the SPI register access and the chip's
initialisation, but send the two ISO 14443-A commands ourselves (REQA, then anticollision),
one request per poll, at a bounded rate:

- ``SimpleMFRC522.read_id()`` blocks forever and busy-polls, and the package's transceive loop
  ignores the chip's timer interrupt (a ``~`` used as ``not``), so an empty poll costs ~2,000
  SPI transfers. Ours sets the chip's timer to 1.5 ms instead of the driver's 15.5 ms, and reads
  the interrupt bits of an empty poll once, when the timer has fired: 8 transfers in all.
- The UID is reported as the card's real bytes (``04A1B2C3``), without the BCC check byte
  that ``SimpleMFRC522`` folds into its number.
- The reset pin is always passed explicitly, in BCM numbering (the package's default is a
  BOARD number).
- The SPI clock is 4 MHz (the chip takes up to 10; the package's default is 1): the Pi's driver
  keeps the CPU busy during a short transfer, so a register access costs 4 us instead of 16.

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
FIFO_MAX = 16
T_MODE_REG, T_PRESCALER_REG, T_RELOAD_H_REG, T_RELOAD_L_REG = 0x2A, 0x2B, 0x2C, 0x2D

# The chip's timer ends a frame no card answers, after (2 * TPrescaler + 1) * (TReload + 1) /
# 13.56 MHz (datasheet, 8.5). A card answers REQA, anticollision and SELECT 91 us after our
# frame (ISO 14443-3's fixed frame delay time) and the timer stops at the answer's first bits,
# so 1.5 ms is a 16-fold margin. The driver's own 15.5 ms made an empty poll ten times longer,
# with about 30 register reads while it waited.
T_PRESCALER = 0xD3E  # TAuto, and a 0.5 ms tick
T_RELOAD = 2
TIMEOUT_S = (2 * T_PRESCALER + 1) * (T_RELOAD + 1) / 13.56e6
BIT_S = 128 / 13.56e6  # one bit at 106 kbit/s; each byte goes with a parity bit
FRAME_DELAY_S = 1236 / 13.56e6  # from the end of our frame to the start of the card's answer
# When to look at the chip's interrupt bits after a frame. REQA, the one frame of an empty poll:
# once the timer has surely fired, so an idle reader wakes up twice a poll (this, and the poll).
# The frames that follow when a card answered: once its answer (at most 5 bytes) is in, then
# once the timer has fired. Then every 2 ms, ~30 ms in all, should the timer never fire.
REQA_WAITS_S = (TIMEOUT_S + 0.0002, *(0.002,) * 15)
LATE_WAITS_S = (TIMEOUT_S, *(0.002,) * 14)


def answer_wait_s(sent: int, answer: int = 5) -> float:
    """How long after StartSend a card's ``answer`` bytes to our ``sent`` bytes are all in.

    >>> round(answer_wait_s(2) * 1000, 2), round(answer_wait_s(9, 3) * 1000, 2)
    (0.89, 1.31)
    """
    return (sent + answer) * 9 * BIT_S + FRAME_DELAY_S + 0.0002


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
                 poll_interval_s: float = 0.02, debounce_s: float = 1.5,
                 spi_speed_hz: int = 4_000_000) -> None:
        self.spi_bus = spi_bus
        self.spi_device = spi_device
        self.spi_speed_hz = spi_speed_hz
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
            self._chip = MFRC522(bus=self.spi_bus, device=self.spi_device, spd=self.spi_speed_hz,
                                 pin_mode=GPIO_BCM, pin_rst=self.reset_pin)
            self._write(T_MODE_REG, 0x80 | T_PRESCALER >> 8)
            self._write(T_PRESCALER_REG, T_PRESCALER & 0xFF)
            self._write(T_RELOAD_H_REG, T_RELOAD >> 8)
            self._write(T_RELOAD_L_REG, T_RELOAD & 0xFF)
            self._write(COMM_IEN_REG, 0x77 | 0x80)  # which events raise interrupt bits
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
            rest = self.poll_interval_s - (time.monotonic() - started)
            if rest > 0.1:
                self._stop.wait(rest)  # close() need not wait for a long interval's end
            elif rest > 0:
                time.sleep(rest)  # a third cheaper than Event.wait: this runs 50 times a second

    def read_once(self) -> str | None:
        """One poll: the UID of a card in the field, or None (never part of one)."""
        answer = self._transceive([PICC_REQIDL], last_bits=7, waits=REQA_WAITS_S)  # a short frame
        if answer is None or answer[1] != 16:
            return None
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

    def _transceive(self, data: list[int], last_bits: int = 0,
                    waits: tuple[float, ...] | None = None) -> tuple[bytes, int] | None:
        """Send ``data`` (its last byte ``last_bits`` long, 0 for 8) and read the answer. One SPI
        transfer per register access, and none wasted: an empty poll costs eight."""
        self._write(COMMAND_REG, PCD_IDLE)  # ends the last Transceive, which never ends by itself
        self._write(COMM_IRQ_REG, 0x7F)  # clears every interrupt bit (Set1 = 0)
        self._write(FIFO_LEVEL_REG, 0x80)  # FlushBuffer (write-only: nothing to read first)
        for byte in data:
            self._write(FIFO_DATA_REG, byte)
        self._write(COMMAND_REG, PCD_TRANSCEIVE)
        self._write(BIT_FRAMING_REG, 0x80 | last_bits)  # StartSend
        irq = 0
        for wait in waits or (answer_wait_s(len(data)), *LATE_WAITS_S):
            time.sleep(wait)
            irq = self._read(COMM_IRQ_REG)
            if irq & (RX_IRQ | IDLE_IRQ | TIMER_IRQ):
                break
        self._write(BIT_FRAMING_REG, last_bits)  # StartSend back to 0 before the next frame
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

    def __repr__(self) -> str:
        return (f"<Mfrc522Reader spi{self.spi_bus}.{self.spi_device} reset=GPIO{self.reset_pin} "
                f"poll={self.poll_interval_s}s>")
