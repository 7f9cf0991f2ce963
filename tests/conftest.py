"""Shared fixtures. Qt runs offscreen and GPIO on gpiozero's mock pins (the root conftest.py)."""

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
