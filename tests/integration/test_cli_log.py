"""`seuil log`: why was Ada refused at 21:40? One command, over what the hub stored."""

from __future__ import annotations

import json
import logging

from sqlalchemy import func, select

from access.store.models import AccessEvent
from tests.integration.cli_helpers import run
from tests.integration.node_helpers import UIDS, wait_until


def _stored(hub) -> int:
    with hub.site.store.read() as session:
        return int(session.scalar(select(func.count()).select_from(AccessEvent)) or 0)


def test_why_ada_was_refused_at_21_40_is_one_command(hub, nodes, caplog):
    caplog.set_level(logging.INFO)
    door = nodes("entrance")  # a Wednesday, 10:00
    door.tap("ada")
    door.advance(hours=11, minutes=40)
    door.tap("ada")  # members' door hours end at 20:00
    door.tap("stranger")
    assert wait_until(lambda: _stored(hub) == 3)
    evening = hub.site.clock.local(door.clock.now()).strftime("%Y-%m-%dT%H:%M")

    result = run("log", "--member", "ada", "--at", evening)
    assert result.code == 0, result.err
    lines = [line for line in result.out.splitlines() if "front-door" in line]
    assert len(lines) == 1 and "21:40" in lines[0]
    assert "Ada Lovelace" in lines[0] and "refused: outside hours" in lines[0]

    everything = json.loads(run("log", "--json").out)
    assert [t["reason"] for t in everything] == ["allowed", "outside_hours", "unknown_card"]
    assert json.loads(run("log", "--card", UIDS["ada"], "--json").out) == everything[:2]
    assert len(json.loads(run("log", "--denied", "--resource", "front-door", "--json").out)) == 2
    # The node's log line names the card by the fingerprint that `seuil log` finds it by.
    fingerprint = everything[2]["card"]
    assert f"card {fingerprint}" in caplog.text
    assert json.loads(run("log", "--fingerprint", fingerprint, "--json").out) == everything[2:]
    for uid in UIDS.values():
        assert uid not in result.out and uid not in caplog.text
    assert run("log", "--fingerprint", "not-hex").code == 1
