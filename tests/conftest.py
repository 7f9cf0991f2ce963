"""Shared fixtures. Qt runs offscreen and GPIO on gpiozero's mock pins (the root conftest.py)."""

import logging

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


@pytest.fixture(autouse=True)
def _root_log_level():
    """A command run in-process (`seuil hub`, `seuil node`) sets the root logger's level; the next
    test gets it back as it was (else every INFO line after it is kept by pytest's handlers)."""
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)
