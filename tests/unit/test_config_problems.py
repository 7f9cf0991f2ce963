"""A volunteer's mistakes in seuil.toml: every one reported at once, at its line, in words."""

from pathlib import Path

import msgspec
import pytest

from access.config import BackupConfig, parse_config
from access.errors import FileInvalid, InvalidInput
from access.offsite.restore import with_target
from access.toml_schema import SchemaInvalid, convert

CARELESS = '''[site]
capacity = 0
currency = "eur"
credit_floor = "abc"
day_cutoff = "25:00"
contact = "{long}"
[kiosk]
payment = ["cash", "bitcoin"]
credential = []
rotation = 45
text_scale = "big"
[mqtt]
url = "http://hub"
[nodes.Porte]
reader = "fake"
[nodes.door]
unlock_seconds = 0
hid = {{ device = "/dev/x", format = "octal" }}
[nodes.printer]
relay = {{ pin = "17" }}
latching_relay = {{ set_pin = 5, reset_pin = 6 }}
[nodes.sewing]
relay = {{ pin = true }}
button = 3
[nodes.drill]
relay_keeper = true
'''.format(long="x" * 121)


def problems(text: str) -> list[str]:
    with pytest.raises(FileInvalid) as caught:
        parse_config(text, "seuil.toml", Path("/srv/seuil"), env={})
    return [str(problem) for problem in caught.value.problems]


def test_every_mistake_of_a_file_is_reported_at_once_at_its_line_in_words():
    assert problems(CARELESS) == [
        "seuil.toml:2: site.capacity: must be at least 1 (it is 0)",
        "seuil.toml:3: site.currency: must be 3 capital letters, like EUR",
        'seuil.toml:4: site.credit_floor: "abc" is not an amount (write it like 12.50 or 12,50)',
        'seuil.toml:5: site.day_cutoff: "25:00" is not a time of day (00:00 to 23:59)',
        "seuil.toml:6: site.contact: must have at most 120 characters",
        'seuil.toml:8: kiosk.payment[1]: "bitcoin" is not one of "cash", "online"',
        "seuil.toml:9: kiosk.credential: must have at least 1 value",
        "seuil.toml:10: kiosk.rotation: 45 is not one of 0, 90, 180, 270",
        'seuil.toml:11: kiosk.text_scale: must be a number (it is "big")',
        "seuil.toml:13: mqtt.url: must be mqtt://host:port or mqtts://host:port",
        "seuil.toml:14: nodes.Porte: the name must be lower-case letters, digits and dashes (at most 40)",
        "seuil.toml:17: nodes.door.unlock_seconds: must be greater than 0 (it is 0)",
        'seuil.toml:18: nodes.door.hid.format: "octal" is not one of "hex", "decimal-msb", "decimal-lsb"',
        "seuil.toml:21: nodes.printer.latching_relay: a node drives one relay: relay or latching_relay,"
        " not both",
        "seuil.toml:23: nodes.sewing.relay.pin: must be a whole number or text in quotes (it is true)",
        "seuil.toml:24: nodes.sewing.button: must be a table (it is 3)",
        "seuil.toml:26: nodes.drill.relay_keeper: relay_keeper = true needs a relay (a latching relay"
        " holds itself)",
    ]


MORE_CARELESS = '''[site]
name = ""
volunteer_hour = -2
[Kiosk]
x = 1
[kiosk]
payment = ["cash", 3, "cheque"]
idle_seconds = 30.5
[mqtt]
URL = "mqtt://h:1883"
[database]
url = "garbage"
[accounts]
volunteer_hour_value = 99999999999
[nodes.Door]
reader = "nfc"
[nodes.a]
relay = { pin = "banana" }
led = { pin = -1 }
button = { pin = "BOARD41" }
[nodes.c]
reader = "mfrc522"
relay = { pin = 25 }
led = { pin = "GPIO6" }
buzzer = { pin = 6 }
[nodes.e]
description = 2024-01-01
'''


def test_more_mistakes_each_item_of_a_list_inside_a_bad_name_and_pins_used_twice():
    assert problems(MORE_CARELESS) == [
        "seuil.toml:2: site.name: must have at least 1 character",
        "seuil.toml:3: site.volunteer_hour: must be at least 0 (it is -2)",
        'seuil.toml:4: Kiosk: unknown section (did you mean "kiosk"? keys are lower-case)',
        "seuil.toml:7: kiosk.payment[1]: must be text in quotes (it is 3)",
        'seuil.toml:7: kiosk.payment[2]: "cheque" is not one of "cash", "online"',
        "seuil.toml:8: kiosk.idle_seconds: must be a whole number (it is 30.5)",
        'seuil.toml:10: mqtt.URL: unknown key (did you mean "url"? keys are lower-case)',
        'seuil.toml:12: database.url: "garbage" is not a database Seuil can use: write sqlite:///seuil.db'
        " (a file beside this one) or postgresql+psycopg://user@host/seuil",
        "seuil.toml:14: accounts.volunteer_hour_value: 99999999999 is not an amount: at most 2 decimals"
        " and 9 digits before the point, like 12.50",
        "seuil.toml:15: nodes.Door: the name must be lower-case letters, digits and dashes (at most 40)",
        'seuil.toml:16: nodes.Door.reader: "nfc" is not one of "fake", "mfrc522", "hid"',
        'seuil.toml:18: nodes.a.relay.pin: "banana" is not a pin: write its BCM number (17), GPIO17,'
        " or its place on the header: BOARD11",
        "seuil.toml:19: nodes.a.led.pin: -1 is not a GPIO of the Pi's header (BCM 0 to 27): write its"
        " BCM number (17), GPIO17, or its place on the header: BOARD11",
        'seuil.toml:20: nodes.a.button.pin: "BOARD41" is not on the Pi\'s header: write its BCM number'
        " (17), GPIO17, or its place on the header: BOARD11",
        "seuil.toml:23: nodes.c.relay.pin: GPIO25 is already mfrc522.reset_pin: one pin, one use",
        "seuil.toml:25: nodes.c.buzzer.pin: GPIO6 is already led.pin: one pin, one use",
        'seuil.toml:27: nodes.e.description: must be text in quotes ("2024-01-01")',
    ]
    assert problems("[nodes.c]\nled = { pin = \"GPIO6\" }\nbuzzer = { pin = 6 }\n") == [
        "seuil.toml:3: nodes.c.buzzer.pin: GPIO6 is already led.pin: one pin, one use"]


def test_a_mistake_from_the_environment_names_the_variable_once_not_a_line_of_the_file():
    text = '[mqtt]\nurl = "mqtt://127.0.0.1:1883"\n[nodes.a]\nreader = "fake"\n[nodes.b]\n'
    with pytest.raises(FileInvalid) as caught:
        parse_config(text, "seuil.toml", Path("/srv/seuil"),
                     env={"SEUIL_READER": "nonsense", "SEUIL_MQTT_URL": "mqtt://hub:99999"})
    assert [str(problem) for problem in caught.value.problems] == [
        "SEUIL_MQTT_URL: port 99999 is not a port (1 to 65535)",
        'SEUIL_READER: "nonsense" is not one of "fake", "mfrc522", "hid"',
    ]


def test_a_config_saved_by_notepad_a_folder_or_latin_1_gets_one_line(tmp_path: Path):
    from access.config import load_config
    from access.errors import NotInitialised

    bom = tmp_path / "bom.toml"
    bom.write_bytes("\ufeff[site]\nname = \"Café\"\n".encode())
    assert load_config(bom).site.name == "Café"
    with pytest.raises(NotInitialised, match=r"is a folder, not a config file"):
        load_config(tmp_path)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[site]\nname = "Caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(FileInvalid, match=r"latin.toml: not a UTF-8 text file \(byte 18\)"):
        load_config(latin)


def test_an_unknown_key_names_the_close_one_or_the_sample():
    assert problems("[site]\ncapacty = 3\n") == [
        'seuil.toml:2: site.capacty: unknown key (did you mean "capacity"?)']
    assert problems("[kiosk]\nfoo = 1\n") == [
        "seuil.toml:2: kiosk.foo: unknown key (see the commented sample from `seuil init`)"]
    assert problems("base_dir = \"/\"\n") == [
        "seuil.toml:1: base_dir: unknown key (see the commented sample from `seuil init`)"]


def test_a_table_without_its_required_key_says_which(tmp_path: Path):
    assert problems("[nodes.door]\nrelay = { active_high = false }\n") == [
        "seuil.toml:2: nodes.door.relay.pin: missing: this table needs it"]


def test_good_values_are_read_as_the_file_writes_them():
    config = parse_config('[site]\ncredit_floor = -10.5\nvolunteer_hour = "2,50"\n'
                          '[nodes.printer]\nrelay = { pin = "17", active_high = false }\n'
                          'button = { pin = "GPIO23" }\nunlock_seconds = 3\n',
                          "seuil.toml", Path("/srv/seuil"), env={})
    assert (config.site.credit_floor, config.site.volunteer_hour) == (-1050, 250)
    printer = config.node("printer")
    assert (printer.relay, printer.button) == (printer.relay.__class__(pin=17, active_high=False),
                                                printer.button.__class__(pin="GPIO23"))
    assert printer.unlock_seconds == 3.0 and isinstance(printer.unlock_seconds, float)
    assert (config.base_dir, config.source) == (Path("/srv/seuil"), "seuil.toml")
    with pytest.raises(AttributeError):
        config.site.capacity = 3  # type: ignore[misc]


def test_a_changed_backup_section_is_checked_and_a_bad_one_changes_nothing(tmp_path: Path):
    config = parse_config("", "seuil.toml", tmp_path, env={})
    moved = with_target(config, str(tmp_path / "usb"))
    assert moved.backup.target == str(tmp_path / "usb") and config.backup.target == ""
    with pytest.raises(InvalidInput, match=r"ssh_host_key: .*nothing changed"):
        with_target(config, "sftp://backup@nas.local/srv", ssh_host_key="not a key")
    with pytest.raises(SchemaInvalid, match=r"keep: must be at most 1000"):
        convert(BackupConfig, {**msgspec.structs.asdict(config.backup), "keep": 5000})


def test_what_loaded_before_still_loads_a_number_in_quotes_or_a_whole_float():
    config = parse_config('[site]\ncapacity = "20"\n[kiosk]\nidle_seconds = 30.0\n[database]\n'
                          'url = "sqlite+pysqlite:///x.db"\n[nodes.door]\n'
                          'relay = { pin = 17.0, active_high = 0 }\nunlock_seconds = "5"\n',
                          "seuil.toml", Path("/srv/seuil"), env={})
    door = config.node("door")
    assert (config.site.capacity, config.kiosk.idle_seconds) == (20, 30)
    assert (door.relay.pin, door.relay.active_high, door.unlock_seconds) == (17, False, 5.0)
    assert problems("[kiosk]\nidle_seconds = 30.5\n") == [
        "seuil.toml:2: kiosk.idle_seconds: must be a whole number (it is 30.5)"]


def test_a_pin_is_one_pin_however_it_is_written_and_the_rc522_owns_its_spi_lines():
    assert problems('[nodes.door]\nrelay = { pin = "BOARD11" }\nled = { pin = 17 }\n'
                    'button = { pin = "BOARD6" }\nbuzzer = { pin = "J8:11" }\n') == [
        "seuil.toml:4: nodes.door.button.pin: \"BOARD6\" is a ground pin of the header, not a GPIO: write its"
        " BCM number (17), GPIO17, or its place on the header: BOARD11"]
    assert problems('[nodes.door]\nrelay = { pin = "BOARD11" }\nled = { pin = 17 }\n'
                    'buzzer = { pin = "J8:11" }\n') == [
        "seuil.toml:3: nodes.door.led.pin: GPIO17 is already relay.pin: one pin, one use",
        "seuil.toml:4: nodes.door.buzzer.pin: GPIO17 is already relay.pin: one pin, one use"]
    assert problems('[nodes.door]\nreader = "mfrc522"\nrelay = { pin = 8 }\nrelay_keeper = true\n'
                    'latching_relay = { set_pin = 5, reset_pin = 6 }\n') == [
        "seuil.toml:5: nodes.door.latching_relay: a node drives one relay: relay or latching_relay, not both",
        "seuil.toml:3: nodes.door.relay.pin: GPIO8 is already the RC522's SPI0 CE0: one pin, one use"]


def test_a_password_in_a_database_url_is_never_shown():
    from access.config import masked

    assert masked("postgresql+psycopg://seuil:pw/x@db/seuil") == "postgresql+psycopg://seuil:***@db/seuil"
    assert masked("postgresql://u:p@ss@h/db?password=zz&sslmode=require") == \
        "postgresql://u:***@h/db?password=***&sslmode=require"
    assert masked("sqlite:///seuil.db") == "sqlite:///seuil.db"
    (problem,) = problems('[database]\nurl = "mysql://seuil:s3cret/x@db/seuil"\n')
    assert "s3cret" not in problem and "mysql://seuil:***@db/seuil" in problem
