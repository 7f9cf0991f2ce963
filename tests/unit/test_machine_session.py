"""Machine sessions as the node keeps them, and the node's files."""

import os
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from access.domain.machine_session import MachineSession
from access.node.snapshot_file import SnapshotFile

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_a_session_warns_before_its_maximum_then_ends():
    session = MachineSession.begin(uuid4(), "3d-printer", 7, T0, max_minutes=60, warn_minutes=10)
    assert session.deadline == T0 + timedelta(minutes=60)
    assert session.next_wake() == T0 + timedelta(minutes=50)
    assert not session.in_warning(T0 + timedelta(minutes=49))
    assert session.in_warning(T0 + timedelta(minutes=50))
    warned = MachineSession(**{**_fields(session), "warned": True})
    assert warned.next_wake() == session.deadline


def test_extending_gives_a_full_period_from_the_tap():
    session = MachineSession.begin(uuid4(), "3d-printer", 7, T0, max_minutes=60, warn_minutes=10)
    later = T0 + timedelta(minutes=55)
    extended = session.extended(later, 60)
    assert extended.deadline == later + timedelta(minutes=60)
    assert not extended.warned
    assert extended.started_at == T0


def test_without_a_maximum_a_session_never_wakes_the_node():
    session = MachineSession.begin(uuid4(), "sewing-machine", 7, T0, max_minutes=None, warn_minutes=5)
    assert session.next_wake() is None
    assert not session.in_warning(T0 + timedelta(days=3))


def test_active_seconds_count_only_while_the_machine_runs():
    session = MachineSession.begin(uuid4(), "3d-printer", 7, T0, None, 5)
    session = session.sensed(True, T0 + timedelta(seconds=10))
    session = session.sensed(True, T0 + timedelta(seconds=20))  # no change
    session = session.sensed(False, T0 + timedelta(seconds=70))
    session = session.sensed(True, T0 + timedelta(seconds=100))
    end = T0 + timedelta(seconds=130)
    assert session.active_seconds_at(end, sensed=True) == 90
    assert session.active_seconds_at(end, sensed=False) == 130


def test_a_session_survives_its_json_round_trip():
    session = MachineSession.begin(uuid4(), "3d-printer", 7, T0, 480, 10).sensed(True, T0)
    assert MachineSession.from_json(session.to_json()) == session


def _fields(session):
    return {name: getattr(session, name) for name in session.__slots__}


def test_snapshot_file_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    store = SnapshotFile(tmp_path / "node.snapshot.json")
    assert store.load() is None
    store.save(b"first")
    assert store.load() == b"first"

    def power_cut(*_args):
        raise OSError("power cut during rename")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError, match="power cut"):
        store.save(b"second, half written")
    assert store.load() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["node.snapshot.json"]  # no temporary left
