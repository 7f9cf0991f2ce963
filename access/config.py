"""``seuil.toml``: the one place every setting of an install lives, with its default.

Found through ``--config PATH``, then ``$SEUIL_CONFIG``, then ``/etc/seuil/seuil.toml``.
``SEUIL_DATABASE_URL`` and ``SEUIL_MQTT_URL`` override the file, and ``SEUIL_READER`` every
node's reader (``fake``: the system tests of an installed Pi, in a test-only systemd drop-in).
Relative paths (and a relative SQLite file) are taken from the config file's folder.

The sections are msgspec Structs, read by ``access.toml_schema.convert``: every mistake of a file
at once, each at its line and in words (``seuil config check`` prints them). A field's
``Parse``/``Check`` markers read and check what msgspec's types and ``Meta`` bounds cannot
(amounts, times of day, pins); a section's ``__post_init__`` the rules across its keys.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from msgspec import Meta

from access.domain.books import Chart
from access.domain.money import Money, MoneyError
from access.domain.schedule import ScheduleError, SiteClock, parse_time_of_day
from access.errors import FileInvalid, NotFound, NotInitialised, Problem, did_you_mean
from access.hardware import Pin
from access.offsite.host_keys import HostKeyError, key_line
from access.offsite.target import TargetError, parse_target
from access.toml_lines import parse_toml
from access.toml_schema import Check, Invalid, Loc, Parse, SchemaInvalid, convert, where

DEFAULT_CONFIG_PATH = Path("/etc/seuil/seuil.toml")
CONFIG_ENV = "SEUIL_CONFIG"
READER_ENV = "SEUIL_READER"
SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"
Slug = Annotated[str, Meta(pattern=SLUG, description="lower-case letters, digits and dashes (at most 40)")]


def _amount_to_cents(value: object) -> object:
    """Amounts in files are written in currency units (``2.50``); we keep integer cents."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("must be an amount, like 12.50")
    try:
        return Money.parse(str(value)).cents
    except MoneyError as error:
        if isinstance(value, str):
            raise ValueError(str(error)) from None
        raise ValueError(f"{value} is not an amount: at most 2 decimals and 9 digits before "
                         "the point, like 12.50") from None


Cents = Annotated[int, Parse(_amount_to_cents)]
PositiveCents = Annotated[int, Parse(_amount_to_cents), Meta(ge=0)]


def _time_of_day(value: str) -> str:
    """A local time of day like ``04:00``, or a ValueError saying how to write it."""
    try:
        parse_time_of_day(value)
    except ScheduleError as error:
        raise ValueError(str(error)) from None
    return value


TimeOfDay = Annotated[str, Check(_time_of_day)]


def _known_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'unknown timezone "{value}" (write it like Europe/Paris)') from None
    return value


def _known_target(value: str) -> str:
    if value:
        try:
            parse_target(value)
        except TargetError as error:
            raise ValueError(str(error)) from None
    return value


def _host_key(value: str) -> str:
    if value:
        try:
            return key_line(value)
        except HostKeyError as error:
            raise ValueError(str(error)) from None
    return value


def _pin(value: object) -> object:
    """``"17"`` is the BCM number 17; ``"GPIO17"`` or ``"BOARD11"`` stay names for gpiozero."""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value


_PIN_NAME = re.compile(r"(GPIO|BCM|BOARD|J8:)(\d+)", re.ASCII)
PIN_HINT = "write its BCM number (17), GPIO17, or its place on the header: BOARD11"
# The 40-pin header of every Pi since the B+: each place's BCM GPIO; the others are power (3.3 V:
# 1, 17; 5 V: 2, 4) and ground.
HEADER = {3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24, 19: 10,
          21: 9, 22: 25, 23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12, 33: 13, 35: 19,
          36: 16, 37: 26, 38: 20, 40: 21}
# What an RC522 on each SPI bus uses: MISO, MOSI, SCLK, then the chip select of each device.
SPI_PINS = {0: ((9, "MISO"), (10, "MOSI"), (11, "SCLK")), 1: ((19, "MISO"), (20, "MOSI"), (21, "SCLK"))}
SPI_CHIP_SELECTS = {0: (8, 7), 1: (18, 17, 16)}


def bcm_number(pin: Pin) -> int | None:
    """The BCM GPIO of a pin as the file writes it (17, "GPIO17", "BCM17", "BOARD11", "J8:11"),
    or None for a power or ground place or a name that is no pin."""
    if isinstance(pin, int):
        return pin if 0 <= pin <= 27 else None
    name = _PIN_NAME.fullmatch(pin.upper())
    if name is None:
        return None
    number = int(name[2])
    if name[1] in ("BOARD", "J8:"):
        return HEADER.get(number)
    return number if number <= 27 else None


def _pin_on_the_header(value: Pin) -> Pin:
    """A GPIO the Pi's 40-pin header has: BCM 0-27 (``17``, ``GPIO17``), or its place (``BOARD11``)."""
    if bcm_number(value) is not None:
        return value.upper() if isinstance(value, str) else value
    if isinstance(value, int):
        raise ValueError(f"{value} is not a GPIO of the Pi's header (BCM 0 to 27): {PIN_HINT}")
    name = _PIN_NAME.fullmatch(value.upper())
    if name is not None and name[1] in ("BOARD", "J8:") and 1 <= int(name[2]) <= 40:
        kind = "a power pin" if int(name[2]) in (1, 2, 4, 17) else "a ground pin"
        raise ValueError(f'"{value}" is {kind} of the header, not a GPIO: {PIN_HINT}')
    if name is not None:
        raise ValueError(f'"{value}" is not on the Pi\'s header: {PIN_HINT}')
    raise ValueError(f'"{value}" is not a pin: {PIN_HINT}')


def masked(url: str) -> str:
    """``url`` with any password in it replaced by ``***``, to be shown or logged."""
    scheme, separator, rest = url.partition("://")
    at = rest.rfind("@")
    if separator and at >= 0 and ":" in rest[:at]:
        rest = rest[:at].split(":", 1)[0] + ":***" + rest[at:]
    return re.sub(r"(password=)[^&]*", r"\1***", scheme + separator + rest, flags=re.IGNORECASE)


def _database_url(value: str) -> str:
    if not re.match(r"(sqlite(\+\w+)?:///.|postgresql(\+\w+)?://.)", value):
        raise ValueError(f'"{masked(value)}" is not a database Seuil can use: write sqlite:///seuil.db '
                         "(a file beside this one) or postgresql+psycopg://user@host/seuil")
    return value


def _mqtt_port(value: str) -> str:
    port = re.search(r":(\d+)/?$", value.removeprefix("mqtt://").removeprefix("mqtts://"))
    if port is not None and not 1 <= int(port[1]) <= 65535:
        raise ValueError(f"port {port[1]} is not a port (1 to 65535)")
    return value


PinField = Annotated[Pin, Parse(_pin), Check(_pin_on_the_header)]
Timezone = Annotated[str, Check(_known_timezone)]
Target = Annotated[str, Check(_known_target)]
HostKey = Annotated[str, Check(_host_key)]
Port = Annotated[int, Meta(ge=1, le=65535)]


class _Section(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A table of seuil.toml: read by ``access.toml_schema.convert``, immutable once read."""


class SiteConfig(_Section, frozen=True, kw_only=True):
    """Who and where the site is."""

    name: Annotated[str, Meta(min_length=1, max_length=120)] = "Seuil"
    """Shown on the kiosk and in receipts."""
    id: Slug = "seuil"
    """Short name used in MQTT topics (``seuil/<id>/...``): lower-case letters, digits, dashes."""
    timezone: Timezone = "Europe/Paris"
    day_cutoff: TimeOfDay = "04:00"
    """The coworking day ends at this local time: day passes expire, everyone is checked out."""
    currency: Annotated[str, Meta(pattern=r"^[A-Z]{3}$", description="3 capital letters, like EUR")] = "EUR"
    locale: Literal["fr", "en"] = "fr"
    """The kiosk's default language."""
    capacity: Annotated[int, Meta(ge=1, le=10_000)] = 20
    """Desks, for the occupancy dashboard."""
    credit_floor: Cents = 0
    """Below this balance (in currency units, may be negative) priced machines refuse to start."""
    volunteer_hour: PositiveCents = 0
    """Machine credit per hour of volunteering (``seuil volunteer add --credit``). 0, the default,
    gives none: credit in return for volunteering can requalify it as work (docs/operations.md)."""
    checkin_guard_minutes: Annotated[int, Meta(ge=0, le=60)] = 2
    """A second tap at the check-in door within this time does not check the member out."""
    contact: Annotated[str, Meta(max_length=120)] = ""
    """How visitors and members reach the team (a phone number, an e-mail, "the desk upstairs"):
    the kiosk's "Contact the team" button on a refusal shows it. Empty: no such button."""



class PathsConfig(_Section, frozen=True, kw_only=True):
    rules: str = "rules.toml"
    """The rules file that ``seuil rules check|apply`` read when no FILE is given."""
    secret: str = "secret.key"
    """The site secret that keys card hashes. Keep it 0600; losing it means re-enrolling cards."""
    data_dir: str = "."
    """Where nodes keep their outbox and snapshot, and where backups go."""


class DatabaseConfig(_Section, frozen=True, kw_only=True):
    url: Annotated[str, Check(_database_url)] = "sqlite:///seuil.db"
    """SQLAlchemy URL. ``sqlite:///file.db`` is relative to this file; PostgreSQL works too."""


class BackupConfig(_Section, frozen=True, kw_only=True):
    dir: str = "backups"
    """Where the nightly backup (and ``seuil backup``) write; relative to this file."""
    keep: Annotated[int, Meta(ge=1, le=1000)] = 14
    """How many nightly backups to keep; older ones are deleted."""
    time: TimeOfDay = "04:30"
    """When the nightly backup runs (local time). Avoid 02:00-03:00: DST skips or repeats it."""
    target: Target = ""
    """A copy off the Pi, kept up to date (docs/operations.md): a folder on another disk
    (``/media/usb/seuil`` or ``file:///...``), another machine over SSH
    (``sftp://user@host:22/srv/seuil``) or an S3-compatible store (``s3://bucket/seuil``).
    Empty: no off-site copy (an SD card that dies takes the nightly backups with it)."""
    max_delay_minutes: Annotated[int, Meta(ge=1, le=7 * 24 * 60)] = 5
    """``seuil backup status`` (and the kiosk) warn when the target's newest copy is older."""
    sync_interval_s: Annotated[int, Meta(ge=1, le=300)] = 1
    """SQLite: how often Litestream ships the new pages to the target."""
    dump_minutes: Annotated[int, Meta(ge=1, le=24 * 60)] = 15
    """PostgreSQL: how often the hub writes a ``pg_dump`` into the target (a folder)."""
    recovery_key: str = "backup.key"
    """Encrypts the site secret and the passwords in the target's copy. Written by
    ``seuil backup recovery-key``: print it and keep it apart from the Pi; a restore asks for it."""
    ssh_key: str = ""
    """SFTP: the private key this Pi signs in with (keep a copy apart, with the recovery key)."""
    ssh_host_key: HostKey = ""
    """SFTP: the server's public host key (``ecdsa-sha2-nistp256 AAAA...``, the ECDSA one if it has
    one: Litestream asks for it first). Empty: the server's entry in ``ssh_known_hosts``; a server
    found in neither is refused."""
    ssh_known_hosts: str = ""
    """SFTP: a known_hosts file to look the server up in (relative to this file). Empty:
    ``~/.ssh/known_hosts``, then ``/etc/ssh/ssh_known_hosts``."""
    allow_same_disk: bool = False
    """A folder target on the SD card itself is refused (an unmounted USB stick leaves its empty
    mount point there); true only for tests, or a second disk the system cannot tell apart."""
    s3_endpoint: str = ""
    """S3-compatible store: its URL (``http://nas.local:9000``); empty: Amazon S3."""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_file: str = ""
    """A file holding the S3 secret access key, readable by the service only."""



class RetentionConfig(_Section, frozen=True, kw_only=True):
    access_events_days: Annotated[int, Meta(ge=7)] = 365
    """Taps older than this are anonymised: who tapped is forgotten, the count stays."""
    dead_letters_days: Annotated[int, Meta(ge=1)] = 90
    """Messages the hub set aside are deleted after this."""


AccountCode = Annotated[str, Meta(pattern=r"^[0-9A-Z]{1,20}$",
                                  description="an account number: up to 20 digits or capital letters")]
DEFAULT_CHART = Chart()


class AccountsConfig(_Section, frozen=True, kw_only=True):
    """The account of each kind of entry in the association's books (``seuil export books``).

    Defaults: the French associations' chart of accounts (ANC 2018-06), as Paheko's
    "Plan comptable associatif 2018" numbers them (``access.domain.books.Chart``). Change a
    number to the one your books use.
    """

    members: AccountCode = DEFAULT_CHART.members
    """Members and visitors ("Autres usagers"): what they owe and what they paid in advance."""
    cash: AccountCode = DEFAULT_CHART.cash
    """The cash box ("Caisse")."""
    bank: AccountCode = DEFAULT_CHART.bank
    """The bank: transfers, card and online payments, cash taken to the bank."""
    cheques: AccountCode = DEFAULT_CHART.cheques
    """Cheques received, not yet paid in ("Chèques à encaisser")."""
    dues: AccountCode = DEFAULT_CHART.dues
    """Membership dues ("Cotisations")."""
    day_passes: AccountCode = DEFAULT_CHART.day_passes
    """Day passes ("Prestations de services")."""
    machines: AccountCode = DEFAULT_CHART.machines
    """Machine use and prepaid hours ("Prestations de services")."""
    other_charges: AccountCode = DEFAULT_CHART.other_charges
    """Any other charge typed by the treasurer ("Autres produits d'activités annexes")."""
    waivers: AccountCode = DEFAULT_CHART.waivers
    """A charge forgiven ("Rabais, remises et ristournes accordés")."""
    credits: AccountCode = DEFAULT_CHART.credits
    """Credit given to a member ("Charges diverses de gestion courante")."""
    cash_surplus: AccountCode = DEFAULT_CHART.cash_surplus
    """The box held more than declared ("Autres produits divers de gestion courante")."""
    cash_shortfall: AccountCode = DEFAULT_CHART.cash_shortfall
    """The box held less than declared ("Charges diverses de gestion courante")."""
    volunteering_use: AccountCode = DEFAULT_CHART.volunteering_use
    """Volunteer time, used ("Personnel bénévole", class 86)."""
    volunteering_source: AccountCode = DEFAULT_CHART.volunteering_source
    """Volunteer time, contributed ("Bénévolat", class 87)."""
    volunteer_hour_value: PositiveCents = 1188
    """What an hour of volunteering is worth in the in-kind accounts 86/87 (a common basis is
    the gross minimum wage, SMIC: 11.88 from November 2024; check the current one). Only a
    valuation in the books: nobody is paid, no credit is given."""

    def chart(self) -> Chart:
        """The account numbers, for the exports."""
        return Chart(**{account.name: getattr(self, account.name) for account in dataclasses.fields(Chart)})


class HelloAssoConfig(_Section, frozen=True, kw_only=True):
    """Online payments through HelloAsso Checkout (the association's own account)."""

    organization: str = ""
    """The organisation's slug in HelloAsso (``https://www.helloasso.com/associations/<slug>``)."""
    client_id: str = ""
    client_secret_file: str = ""
    """A file holding the API client secret, readable by the service only."""
    sandbox: bool = False
    """Use HelloAsso's test environment (no real money)."""


class MailConfig(_Section, frozen=True, kw_only=True):
    """Outgoing mail for receipts. Empty ``host``: the kiosk offers no e-mail receipt."""

    host: str = ""
    port: Port = 587
    starttls: bool = True
    username: str = ""
    password_file: str = ""
    sender: str = ""
    """The From address of receipts, e.g. ``"La Ruche <tresorerie@example.org>"``."""


class KioskConfig(_Section, frozen=True, kw_only=True):
    """The touchscreen by the door."""

    entrance: str = ""
    """The node whose taps the kiosk shows (empty: the node of the first check-in door)."""
    idle_seconds: Annotated[int, Meta(ge=5, le=600)] = 30
    """Every screen goes back home after this long without a touch."""
    day_pass_plan: Slug = "day-pass"
    """The plan of rules.toml sold as a day pass (its suggested price, floor and presets)."""
    payment: Annotated[tuple[Literal["cash", "online"], ...], Meta(min_length=1)] = ("cash",)
    """How visitors may pay at the kiosk. ``online`` needs [kiosk.helloasso] (or the fake provider)."""
    online_provider: Literal["helloasso", "fake"] = "helloasso"
    """``fake`` accepts every payment after a few seconds: for the demo and tests only."""
    rotation: Literal[0, 90, 180, 270] = 0
    """Turn the screens by this many degrees: 180 for a panel mounted upside down, 90 or 270 for
    a panel whose glass is natively portrait. The layout itself is landscape only."""
    text_scale: Annotated[float, Meta(ge=0.8, le=1.5)] = 1.0
    """Every text of the kiosk this many times larger (1.25: a quarter larger), for readers who
    need it; the layouts make room up to 1.5."""
    theme: Literal["default", "high-contrast"] = "default"
    """``high-contrast``: black on white, darker colours, for a bright room or weaker eyes."""
    credential: Annotated[tuple[Literal["card", "code"], ...], Meta(min_length=1)] = ("card", "code")
    """What a visitor gets to open the door: a spare badge bound at the kiosk, a 6-digit code."""
    volunteer_groups: tuple[str, ...] = ("volunteers",)
    """Members of these groups unlock the full names of the fire roll-call with their badge."""
    helloasso: HelloAssoConfig = HelloAssoConfig()


MQTT_ROLE = r"^(hub|admin|kiosk|node-[a-z0-9][a-z0-9-]{0,39})$"


class MqttConfig(_Section, frozen=True, kw_only=True):
    """How Seuil's programs reach the broker, and who they say they are: each signs in as its role
    (``hub``, ``admin``, ``kiosk``, ``node-<id>``); the ACL lets a role write only its own topics."""

    url: Annotated[str, Check(_mqtt_port), Meta(pattern=r"^mqtts?://[^/:]+(:\d+)?/?$",
                             description="mqtt://host:port or mqtts://host:port")] = "mqtt://127.0.0.1:1883"
    """``mqtts://host:8883`` when the broker has TLS (its certificate must be trusted by the system)."""
    password_dir: str = ""
    """One password file per role, named after it (``hub``, ``kiosk``, ``node-entrance``), written
    by ``seuil mqtt setup``. Empty, with no ``username`` either: no sign-in (a laptop, the tests)."""
    username: str = ""
    """A single identity for every program using this file, e.g. ``node-printer`` on the
    printer's own Pi (with ``password_file``). Empty: each program uses its role."""
    password_file: str = ""
    ca_file: str = ""
    """The site CA (``tls/ca.pem``, made by ``seuil mqtt setup --tls``) that signed the broker's
    certificate, for an ``mqtts://`` url. Empty: the system's trusted CAs."""
    protocol: Literal[5, 4] = 5
    """5: MQTT v5, so a node hears when the broker refuses a publish; 4: MQTT 3.1.1, for a broker
    that speaks nothing newer (the demo's embedded amqtt)."""


class OutputPin(_Section, frozen=True, kw_only=True):
    """A relay, LED or buzzer. ``active_high = false`` for the common low-triggered relay boards."""

    pin: PinField
    active_high: bool = True


class LatchingRelayPins(_Section, frozen=True, kw_only=True):
    """A latching (bistable) relay: it stays on or off with no pin driven, even with the Pi off."""

    set_pin: PinField
    """A pulse here turns the relay on."""
    reset_pin: PinField
    """A pulse here turns it off."""
    pulse_seconds: Annotated[float, Meta(ge=0.005, le=1.0)] = 0.05
    """How long each pulse lasts (the relay's datasheet: its minimum set/reset pulse)."""
    active_high: bool = True


class InputPin(_Section, frozen=True, kw_only=True):
    """A button, door contact or sense input, wired between the pin and ground by default."""

    pin: PinField
    pull_up: bool = True
    """True: the input is active when the switch pulls the pin to ground (internal pull-up)."""


class Mfrc522Config(_Section, frozen=True, kw_only=True):
    spi_bus: Annotated[int, Meta(ge=0)] = 0
    spi_device: Annotated[int, Meta(ge=0)] = 0
    reset_pin: Annotated[int, Parse(_pin), Meta(ge=0, le=27)] = 25
    """The RC522's RST line, as a BCM number (the mfrc522 package's own default is wrong)."""
    spi_speed_hz: Annotated[int, Meta(ge=100_000, le=10_000_000)] = 4_000_000
    """The SPI clock. The RC522 takes up to 10 MHz; lower it (1000000) for long or shared wires."""
    poll_interval_s: Annotated[float, Meta(ge=0.02, le=2.0)] = 0.02
    """How often to ask for a card. 50 times a second (0.02) puts the relay on within 25 ms of a
    card laid on the reader; an empty poll is 8 SPI transfers and 1.7 ms of waiting on the
    chip's timer, so an idle node stays well under 1 % of a core (bench/bench_node.py)."""


class HidConfig(_Section, frozen=True, kw_only=True):
    device: str = ""
    """The reader's input device, e.g. /dev/input/by-id/usb-...-event-kbd (stable across reboots)."""
    format: Literal["hex", "decimal-msb", "decimal-lsb"] = "hex"
    """What the reader types: the UID in hex, or its 4 bytes as a decimal number (byte order)."""


class NodeConfig(_Section, frozen=True, kw_only=True):
    """One reader and what it drives: a door strike or a machine's power."""

    description: str = ""
    reader: Literal["fake", "mfrc522", "hid"] = "fake"
    """``fake`` accepts taps from ``seuil tap``; ``mfrc522`` is an RC522 on SPI; ``hid`` a USB reader."""
    relay: OutputPin | None = None
    """The door strike (pulsed) or the machine's power (held for the session)."""
    relay_keeper: bool = False
    """True: the relay's line is held by ``seuil keeper --node <id>`` (systemd seuil-keeper@<id>),
    so a restart or crash of the node never cuts a running machine (docs/wiring.md)."""
    latching_relay: LatchingRelayPins | None = None
    """A machine's power on a latching relay (instead of ``relay``): holds through a power cut."""
    unlock_seconds: Annotated[float, Meta(gt=0, le=60)] = 5.0
    """How long the door strike stays open after an allowed tap or the exit button."""
    led: OutputPin | None = None
    buzzer: OutputPin | None = None
    button: InputPin | None = None
    """Door: the exit button. Machine: a long press marks it out of service."""
    long_press_seconds: Annotated[float, Meta(ge=0.5, le=30)] = 3.0
    door_contact: InputPin | None = None
    """Active when the door is closed; reported in the door's state."""
    running_sense: InputPin | None = None
    """Active while the machine really runs (a current sensor): counts a session's active seconds."""
    debounce_seconds: Annotated[float, Meta(ge=0, le=10)] = 1.5
    """A card held on the reader counts once; it must leave this long before it counts again."""
    training_window_seconds: Annotated[float, Meta(gt=0, le=300)] = 30.0
    """After a trainer's tap, the next untrained card within this time is trained on the machine."""
    mfrc522: Mfrc522Config = Mfrc522Config()
    hid: HidConfig = HidConfig()

    def __post_init__(self) -> None:
        problems: list[tuple[str, str]] = []
        if self.latching_relay is not None and self.relay is not None:
            problems.append(("latching_relay", "a node drives one relay: relay or latching_relay, not both"))
        if self.relay_keeper and self.relay is None:
            problems.append(("relay_keeper",
                             "relay_keeper = true needs a relay (a latching relay holds itself)"))
        seen: dict[int | None, str] = {}
        for key, pin in self.pins():
            first = seen.setdefault(bcm_number(pin), key)
            if first != key:
                problems.append((key, f"GPIO{bcm_number(pin)} is already {first}: one pin, one use"))
        if problems:
            raise Invalid(*problems)

    def pins(self) -> list[tuple[str, Pin]]:
        """Each GPIO the node uses, with the key that names it (the RC522's SPI lines too)."""
        used: list[tuple[str, Pin]] = []
        if self.reader == "mfrc522":
            rc522 = self.mfrc522
            lines = [*SPI_PINS.get(rc522.spi_bus, ())]
            selects = SPI_CHIP_SELECTS.get(rc522.spi_bus, ())
            if rc522.spi_device < len(selects):
                lines.append((selects[rc522.spi_device], f"CE{rc522.spi_device}"))
            used += [(f"the RC522's SPI{rc522.spi_bus} {line}", gpio) for gpio, line in lines]
            used.append(("mfrc522.reset_pin", rc522.reset_pin))  # after: a key of the file
        if self.latching_relay is not None:
            used += [("latching_relay.set_pin", self.latching_relay.set_pin),
                     ("latching_relay.reset_pin", self.latching_relay.reset_pin)]
        for name in ("relay", "led", "buzzer", "button", "door_contact", "running_sense"):
            wired: OutputPin | InputPin | None = getattr(self, name)
            if wired is not None:
                used.append((f"{name}.pin", wired.pin))
        return used


NOT_IN_FILE = frozenset({"base_dir", "source"})


class Config(_Section, frozen=True, kw_only=True):
    site: SiteConfig = SiteConfig()
    paths: PathsConfig = PathsConfig()
    database: DatabaseConfig = DatabaseConfig()
    mqtt: MqttConfig = MqttConfig()
    backup: BackupConfig = BackupConfig()
    retention: RetentionConfig = RetentionConfig()
    kiosk: KioskConfig = KioskConfig()
    mail: MailConfig = MailConfig()
    accounts: AccountsConfig = AccountsConfig()
    nodes: dict[Slug, NodeConfig] = msgspec.field(default_factory=dict)
    base_dir: Path = Path(".")
    """The folder the config was read from (not a key of the file)."""
    source: str = "<defaults>"

    def path(self, relative: str) -> Path:
        return (self.base_dir / relative).resolve()

    @property
    def rules_path(self) -> Path:
        return self.path(self.paths.rules)

    @property
    def secret_path(self) -> Path:
        return self.path(self.paths.secret)

    @property
    def data_dir(self) -> Path:
        return self.path(self.paths.data_dir)

    @property
    def database_url(self) -> str:
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.path(url[len(prefix):]))
        return url

    @property
    def clock(self) -> SiteClock:
        return SiteClock(self.site.timezone, parse_time_of_day(self.site.day_cutoff))

    def node(self, node_id: str) -> NodeConfig:
        """The ``[nodes.<id>]`` section, or ``NotFound`` naming the close ones."""
        if node_id not in self.nodes:
            known = ", ".join(sorted(self.nodes)) or "none"
            guess = did_you_mean(node_id, self.nodes)
            raise NotFound(f'no node "{node_id}" in {self.source}{guess}; it defines: {known}')
        return self.nodes[node_id]

    def mqtt_credentials(self, role: str) -> tuple[str, str]:
        """(username, password) for a program of ``role`` (``hub``, ``admin`` for the CLI,
        ``kiosk``, ``node-<id>``)."""
        if not re.match(MQTT_ROLE, role):
            raise ValueError(f"not an MQTT role: {role!r}")
        if self.mqtt.username:
            return self.mqtt.username, self.read_password(self.mqtt.password_file, "the MQTT password file")
        given = _service_credential(MQTT_CREDENTIAL)
        if self.mqtt.password_dir and given is not None:
            return role, given
        if self.mqtt.password_dir:
            return role, self.read_password(f"{self.mqtt.password_dir}/{role}",
                                            f"the MQTT password of {role} (seuil mqtt setup writes it)")
        return "", ""

    def read_password(self, relative: str, what: str) -> str:
        """The first line of a secret file named in the config ("" when none is named)."""
        if not relative:
            return ""
        path = self.path(relative)
        try:
            return path.read_text(encoding="utf-8").strip()
        except PermissionError as error:
            raise NotInitialised(f"cannot read {what} {path}: {error.strerror}",
                                 hint="on a Pi the passwords are root's: run it with sudo") from None
        except OSError as error:
            raise NotInitialised(f"cannot read {what} {path}: {error.strerror}") from None

    def read_secret(self) -> bytes:
        try:
            secret = self.secret_path.read_text().strip()
        except FileNotFoundError:
            raise NotInitialised(
                f"no site secret at {self.secret_path}",
                hint="seuil init writes one; restore it from a backup if it was lost",
            ) from None
        if len(secret) < 32:
            raise NotInitialised(f"the site secret in {self.secret_path} is too short")
        return secret.encode()


def find_config(explicit: str | os.PathLike[str] | None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return DEFAULT_CONFIG_PATH


def parse_config(
    text: str, filename: str, base_dir: Path, env: Mapping[str, str] | None = None
) -> Config:
    """Validate a seuil.toml text. Every problem is reported at once, with its line."""
    data, lines = parse_toml(text, filename)
    env = os.environ if env is None else env
    overrides: dict[str, Any] = dict(data)
    from_env: dict[Loc, str] = {}  # where a variable, not the file, gave the value
    for variable, section in (("SEUIL_DATABASE_URL", "database"), ("SEUIL_MQTT_URL", "mqtt")):
        if env.get(variable):
            current = overrides.get(section)
            merged = dict(current) if isinstance(current, dict) else {}
            merged["url"] = env[variable]
            overrides[section] = merged
            from_env[(section, "url")] = variable
    if env.get(READER_ENV) and isinstance(overrides.get("nodes"), dict):
        # every node reads `seuil tap` instead of its reader: the system tests of an installed
        # Pi set it in a drop-in of their own, so the installed file keeps its real readers
        overrides["nodes"] = {node_id: {**node, "reader": env[READER_ENV]} if isinstance(node, dict) else node
                              for node_id, node in overrides["nodes"].items()}
        from_env.update({("nodes", node_id, "reader"): READER_ENV for node_id in overrides["nodes"]})
    try:
        config = convert(Config, overrides, skip=NOT_IN_FILE)
    except SchemaInvalid as error:
        problems: list[Problem] = []
        for loc, message in error.problems:
            problem = (Problem(from_env[loc], message) if loc in from_env
                       else Problem(filename, f"{where(loc)}: {message}", lines.line_of(loc)))
            if problem not in problems:  # SEUIL_READER's one mistake, not one per node
                problems.append(problem)
        raise FileInvalid(problems) from None
    return msgspec.structs.replace(config, base_dir=base_dir, source=filename)


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    path = find_config(explicit)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Windows' Notepad starts it with a BOM
    except FileNotFoundError:
        raise NotInitialised(
            f"no config at {path}",
            hint="create one with `seuil init DIR`, then pass --config DIR/seuil.toml "
            f"or set {CONFIG_ENV}",
        ) from None
    except IsADirectoryError:
        raise NotInitialised(f"{path} is a folder, not a config file",
                             hint=f"pass the file in it: --config {path / 'seuil.toml'}") from None
    except UnicodeDecodeError as error:
        raise FileInvalid([Problem(str(path), f"not a UTF-8 text file (byte {error.start}): save it "
                                   "as UTF-8, the encoding of every text editor on a Pi")]) from None
    except OSError as error:
        raise NotInitialised(f"cannot read the config {path}: {error.strerror}") from None
    return parse_config(text, str(path), path.parent.resolve())


MQTT_CREDENTIAL = "mqtt-password"
"""The name of a program's own broker password when systemd hands it over (``LoadCredential=``)."""


def _service_credential(name: str) -> str | None:
    """A secret systemd passed to this service alone (``LoadCredential=NAME:FILE``, read by
    systemd as root: the program needs no access to the other programs' password files)."""
    folder = os.environ.get("CREDENTIALS_DIRECTORY")
    if not folder:
        return None
    try:
        return (Path(folder) / name).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
