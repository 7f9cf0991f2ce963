"""The other Pi's seuil.toml: the hub's, with [mqtt] pointed at the TLS listener and the site CA."""

from __future__ import annotations

import doctest
from pathlib import Path

from access import join
from access.config import parse_config


def test_the_doc_example_holds():
    assert doctest.testmod(join).failed == 0


def test_url_and_ca_file_are_set_once_and_the_rest_is_kept_comments_and_all():
    hub = ('[site]\nname = "La Ruche"  # the name\n\n[mqtt]\nurl = "mqtt://127.0.0.1:1883"   # here\n'
           'ca_file = "old.pem"\npassword_dir = "mqtt"  # one per program\n\n[nodes.entrance]\n'
           'reader = "fake"\n')
    text = join.node_config_text(hub, "mqtts://seuil-hub.local:8883")
    assert text.count("url =") == 1 and text.count("ca_file =") == 1
    assert 'url = "mqtts://seuil-hub.local:8883"\nca_file = "tls/ca.pem"\n' in text
    assert 'name = "La Ruche"  # the name' in text and 'password_dir = "mqtt"  # one per program' in text
    config = parse_config(text, "seuil.toml", Path("/etc/seuil"), env={})
    assert (config.mqtt.url, config.mqtt.ca_file, config.mqtt.password_dir) == (
        "mqtts://seuil-hub.local:8883", "tls/ca.pem", "mqtt")
    assert list(config.nodes) == ["entrance"]


def test_a_config_without_an_mqtt_section_gets_one():
    text = join.node_config_text('[site]\nname = "X"\n', "mqtts://hub.local:8883")
    config = parse_config(text, "seuil.toml", Path("/etc/seuil"), env={})
    assert (config.mqtt.url, config.mqtt.ca_file) == ("mqtts://hub.local:8883", "tls/ca.pem")
