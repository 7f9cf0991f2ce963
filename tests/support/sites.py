"""A site made the way an admin would (``seuil init``, members, cards): for the benches."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from access.cli.main import main as seuil
from tests.support.broker import Broker


def members_site(workdir: Path, mqtt_url: str, members: int) -> Path:
    """``workdir/site`` with ``members`` monthly members (ids 1..n, card UIDs A0000000 + i).

    Points ``$SEUIL_CONFIG`` and ``$SEUIL_MQTT_URL`` at it; returns the site directory.
    """
    site = workdir / "site"
    os.environ["SEUIL_MQTT_URL"] = mqtt_url
    os.environ.pop("SEUIL_DATABASE_URL", None)
    with open(os.devnull, "w") as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:
            assert seuil(["init", str(site)]) == 0
            os.environ["SEUIL_CONFIG"] = str(site / "seuil.toml")
            for i in range(members):
                assert seuil(["member", "add", f"Member {i:03d}", "--group", "members", "--plan", "monthly",
                              "--from", "2020-01-01"]) == 0
                assert seuil(["card", "enroll", f"#{i + 1}", "--uid", f"{0xA0000000 + i:08X}"]) == 0
        finally:
            sys.stdout = stdout
    return site


@contextmanager
def bench_site(name: str, members: int) -> Iterator[tuple[Path, Broker]]:
    """A throwaway directory with a running mosquitto and a ``members_site`` in it."""
    with tempfile.TemporaryDirectory(prefix=f"seuil-bench-{name}-") as tmp:
        workdir = Path(tmp)
        (workdir / "mosquitto").mkdir()
        broker = Broker(workdir / "mosquitto")
        broker.start()
        try:
            members_site(workdir, broker.url, members)
            yield workdir, broker
        finally:
            broker.stop()
