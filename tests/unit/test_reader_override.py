"""SEUIL_READER: the system tests' drop-in turns an installed Pi's readers into fake ones without
touching its seuil.toml."""

from pathlib import Path

import pytest

from access.config import parse_config
from access.errors import FileInvalid

PI_FILE = """
[nodes.entrance]
reader = "mfrc522"
relay = { pin = 5, active_high = false }

[nodes.printer]
reader = "hid"
"""


def test_the_variable_turns_every_node_reader_fake_and_nothing_else():
    config = parse_config(PI_FILE, "seuil.toml", Path("/etc/seuil"), env={"SEUIL_READER": "fake"})
    assert {n.reader for n in config.nodes.values()} == {"fake"}
    assert config.node("entrance").relay == parse_config(PI_FILE, "seuil.toml", Path("/"), env={}) \
        .node("entrance").relay


def test_without_it_the_file_says_which_reader_and_a_wrong_value_is_refused():
    assert parse_config(PI_FILE, "seuil.toml", Path("/"), env={}).node("entrance").reader == "mfrc522"
    with pytest.raises(FileInvalid, match=r'SEUIL_READER: "nfc" is not one of'):
        parse_config(PI_FILE, "seuil.toml", Path("/"), env={"SEUIL_READER": "nfc"})
