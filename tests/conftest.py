"""Shared fixtures. Qt runs offscreen and GPIO on gpiozero's mock pins in every test."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")


import pytest

from tests.support.broker import Broker


@pytest.fixture
def broker(tmp_path):
    """A real mosquitto on a free loopback port, stopped at the end of the test."""
    directory = tmp_path / "mosquitto"
    directory.mkdir()
    server = Broker(directory)
    server.start()
    yield server
    server.stop()
