"""The system tests boot containers (minutes each): they run only when asked, with ``-m system``."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "system" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="boots a Debian container: run with -m system (.ci/run does)")
    for item in items:
        if item.get_closest_marker("system") is not None:
            item.add_marker(skip)
