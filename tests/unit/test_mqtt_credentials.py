"""Each program on the hub's Pi reads only its own broker password.

Under systemd, a unit hands its program its own password (``LoadCredential=mqtt-password:...``,
read by systemd as root); the password folder can then stay root's alone, 0600, and the hub
cannot read the kiosk's password nor a node's.
"""

import os

import pytest

from access.config import parse_config
from access.errors import NotInitialised


def _config(tmp_path):
    (tmp_path / "mqtt").mkdir(mode=0o700)
    path = tmp_path / "seuil.toml"
    path.write_text('[site]\nid = "la-ruche"\nname = "La Ruche"\n[mqtt]\npassword_dir = "mqtt"\n')
    return parse_config(path.read_text(), str(path), tmp_path, env={})


def test_a_service_uses_the_password_systemd_gave_it_and_reads_no_other_file(tmp_path, monkeypatch):
    config = _config(tmp_path)
    given = tmp_path / "credentials"
    given.mkdir()
    (given / "mqtt-password").write_text("hub-secret\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(given))
    assert config.mqtt_credentials("hub") == ("hub", "hub-secret")
    assert not any((tmp_path / "mqtt").iterdir())  # nothing read from the shared folder


def test_without_systemd_a_program_reads_its_file_and_an_unreadable_one_is_one_line(tmp_path,
                                                                                    monkeypatch):
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    config = _config(tmp_path)
    (tmp_path / "mqtt" / "kiosk").write_text("kiosk-secret\n")
    assert config.mqtt_credentials("kiosk") == ("kiosk", "kiosk-secret")
    with pytest.raises(NotInitialised, match="cannot read the MQTT password of hub"):
        config.mqtt_credentials("hub")
    assert os.environ.get("CREDENTIALS_DIRECTORY") is None
