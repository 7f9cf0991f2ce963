"""Readers: the real mfrc522 adapter on fake RPi.GPIO/spidev, key decoding, debounce, fake reader."""

import sys
import threading
import time
import types

import pytest

from access.hardware.hid_reader import HidReader, KeyDecoder
from access.hardware.mfrc522_reader import Mfrc522Reader
from access.hardware.reader import Debouncer, FakeReader, ReaderError, send_fake_tap
from tests.support.fake_rc522 import fake_rc522_modules


@pytest.fixture
def rc522():
    with fake_rc522_modules() as (chip, gpio):
        reader = Mfrc522Reader(spi_bus=0, spi_device=1, reset_pin=25, poll_interval_s=0.02,
                               debounce_s=0.5)
        reader.open()
        yield reader, chip, gpio
        reader.close()


def test_rc522_reads_the_real_uid_bytes_without_the_check_byte(rc522):
    reader, chip, _ = rc522
    chip.place(bytes.fromhex("04A1B2C3"))
    assert reader.read_once() == "04A1B2C3"


def test_rc522_is_opened_with_the_reset_pin_in_bcm_numbering_at_4_mhz(rc522):
    reader, chip, gpio = rc522
    assert chip.open_args == (0, 1)
    assert gpio.mode == gpio.BCM
    assert gpio.setup_pins == [25]
    assert gpio.outputs[25] == 1
    reader.read_once()
    assert chip.speed_hz == 4_000_000  # the package's 1 MHz keeps the Pi's CPU 4 times longer


def test_rc522_takes_its_spi_clock_from_seuil_toml(tmp_path):
    from access.config import parse_config
    from access.node.devices import open_reader

    config = parse_config('[nodes.door]\nreader = "mfrc522"\nmfrc522 = { spi_speed_hz = 1000000 }\n',
                          "seuil.toml", tmp_path, env={})
    reader = open_reader(config.node("door"), tmp_path / "tap.sock")
    assert isinstance(reader, Mfrc522Reader) and reader.spi_speed_hz == 1_000_000


def test_rc522_empty_poll_costs_eight_spi_transfers_and_the_chips_short_timer(rc522):
    reader, chip, _ = rc522
    assert 0.001 < chip.timeout_s() < 0.002  # 1.5 ms: 16 times a card's 91 us answer delay
    before = chip.transfers
    assert reader.read_once() is None
    # six writes, the interrupt bits read once the timer has fired, StartSend cleared: the
    # package's own loop does ~2,000, ours did 40 while the driver's 15.5 ms timer ran
    assert chip.transfers - before == 8


def test_rc522_sees_a_four_byte_card_held_on_the_reader_every_other_poll(rc522):
    """ISO 14443-3: after anticollision the card is READY, waiting for a SELECT; the next REQA is
    a frame it did not expect, so it goes IDLE without a word, and answers the REQA after."""
    reader, chip, _ = rc522
    chip.place(bytes.fromhex("04A1B2C3"))
    assert [reader.read_once() for _ in range(4)] == ["04A1B2C3", None, "04A1B2C3", None]


def test_rc522_reads_a_card_on_the_real_chips_timing(rc522):
    """The answer is in the FIFO only once the card has sent it: a reader that looked too early,
    or sent REQA as a whole byte, would read nothing."""
    reader, chip, _ = rc522
    chip.place(bytes.fromhex("04A1B2C3"))
    assert reader._transceive([0x26]) is None  # REQA as a whole byte: the card stays silent
    assert reader.read_once() == "04A1B2C3"
    chip.place(bytes.fromhex("04112233445566"))
    assert reader.read_once() == "04112233445566"


def test_rc522_reads_a_seven_byte_uid_through_cascade_level_2(rc522):
    """NTAG, Ultralight, DESFire, phones: SELECT (with CRC_A) at level 1, then level 2."""
    reader, chip, _ = rc522
    chip.place(bytes.fromhex("04112233445566"))
    assert reader.read_once() == "04112233445566"
    assert reader.read_once() is None  # selected: the card is quiet for one poll...
    assert reader.read_once() == "04112233445566"  # ...then answers again while it stays


def test_rc522_never_reports_part_of_a_seven_byte_uid(rc522, monkeypatch):
    reader, chip, _ = rc522
    chip.place(bytes.fromhex("04112233445566"))
    answer = chip._answer

    def garbled_level_2(sent):
        reply = answer(sent)
        return [*reply[:4], reply[4] ^ 0xFF] if sent == [0x95, 0x20] else reply  # bad BCC

    monkeypatch.setattr(chip, "_answer", garbled_level_2)
    assert reader.read_once() is None


def test_crc_a_matches_the_standards_example():
    from access.hardware.mfrc522_reader import crc_a

    assert crc_a([0x00, 0x00]) == [0xA0, 0x1E]  # ISO/IEC 14443-3, annex B
    assert crc_a([0x12, 0x34]) == [0x26, 0xCF]


def test_rc522_reports_a_card_left_on_the_reader_once(rc522):
    reader, chip, _ = rc522
    seen: list[str] = []
    chip.place(bytes.fromhex("DEADBEEF"))
    reader.start(seen.append)
    time.sleep(0.3)  # ~15 polls with the card lying there
    chip.place(None)
    time.sleep(0.6)  # away longer than the debounce
    chip.place(bytes.fromhex("DEADBEEF"))
    time.sleep(0.2)
    assert seen == ["DEADBEEF", "DEADBEEF"]


def test_rc522_off_a_pi_is_a_clear_reader_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "mfrc522", None)  # import fails
    with pytest.raises(ReaderError, match="RC522 driver cannot load"):
        Mfrc522Reader().open()


@pytest.mark.parametrize(("fmt", "typed", "uid"), [
    ("hex", "04a1b2c3", "04A1B2C3"),
    ("decimal-msb", "0077705923", "04A1B2C3"),
    ("decimal-lsb", "3283263748", "04A1B2C3"),
])
def test_usb_reader_keys_decode_to_the_uid(fmt, typed, uid):
    codes = {"0": 11, "1": 2, "2": 3, "3": 4, "4": 5, "5": 6, "6": 7, "7": 8, "8": 9, "9": 10,
             "a": 30, "b": 48, "c": 46, "d": 32, "e": 18, "f": 33}
    decoder = KeyDecoder(fmt)
    results = [decoder.press(codes[c]) for c in typed] + [decoder.press(28)]
    assert results[:-1] == [None] * len(typed)
    assert results[-1] == uid


def test_usb_reader_ignores_garbage_and_recovers():
    decoder = KeyDecoder("hex")
    for code in (42, 57, 11, 28):  # shift, space, "0", Enter: "0" is no UID
        last = decoder.press(code)
    assert last is None
    for code in [11, 5, 30, 2, 48, 3, 46, 4]:
        decoder.press(code)
    assert decoder.press(96) == "04A1B2C3"  # keypad Enter


def test_usb_reader_grabs_the_device_and_reports_cards(monkeypatch):
    class Event:
        def __init__(self, code, value=1, type_=1):
            self.code, self.value, self.type = code, value, type_

    grabbed = threading.Event()

    class InputDevice:
        def __init__(self, path):
            self.path = path

        def grab(self):
            grabbed.set()

        def ungrab(self):
            pass

        def close(self):
            pass

        def read_loop(self):
            for code in [11, 5, 30, 2, 48, 3, 46, 4, 28]:
                yield Event(code)
                yield Event(code, value=0)  # key up: ignored

    monkeypatch.setitem(sys.modules, "evdev", types.SimpleNamespace(InputDevice=InputDevice))
    seen: list[str] = []
    reader = HidReader("/dev/input/by-id/usb-reader-event-kbd")
    reader.start(seen.append)
    time.sleep(0.2)
    reader.close()
    assert grabbed.is_set()
    assert seen == ["04A1B2C3"]


def test_usb_reader_needs_a_device():
    with pytest.raises(ReaderError, match="device"):
        HidReader("")


def test_debouncer_counts_a_card_again_after_it_left():
    debounce = Debouncer(1.0)
    assert debounce.seen("A", 0.0)
    assert not debounce.seen("A", 0.5)
    assert not debounce.seen("A", 1.2)  # still lying there: last seen 0.7 s ago
    assert debounce.seen("A", 2.5)
    assert debounce.seen("B", 2.6)


def test_fake_reader_takes_taps_from_its_socket(tmp_path):
    seen: list[str] = []
    reader = FakeReader(tmp_path / "tap.sock")
    reader.start(seen.append)
    send_fake_tap(tmp_path / "tap.sock", "04:a1:b2:c3")
    send_fake_tap(tmp_path / "tap.sock", "not a uid")
    send_fake_tap(tmp_path / "tap.sock", "0A0B0C0D")
    deadline = time.monotonic() + 5
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    reader.close()
    assert seen == ["04A1B2C3", "0A0B0C0D"]
    with pytest.raises(ReaderError, match="no node is listening"):
        send_fake_tap(tmp_path / "tap.sock", "04A1B2C3")
