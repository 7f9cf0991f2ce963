"""What a node changed on its own since the hub's snapshot: inductions, its service flag, and
what its own sessions cost.

They sit on top of the hub's snapshot until the hub has recorded them: a member trained at
the machine may use it at once, even offline. An induction is dropped from here as soon as a
snapshot shows it. The service flag stays with the node, which is the only one that changes
it (button, maintainer's tap, or an admin's ``cmd/<node>/service``). What a session ended
here costs comes off the member's balance until a snapshot made after it (the hub's clock, in
its version) carries the hub's own price: offline, a member at the floor cannot start session
after session. The node's estimate knows no prepaid hours nor plan discounts: it errs on the
side of the floor.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from access.domain.snapshot import Snapshot

# The keys of the node's state, kept in its outbox file beside the events that changed it.
SESSION_KEY = "session"  # the running machine session (MachineSession JSON), or none
OVERRIDES_KEY = "overrides"  # LocalOverrides JSON


@dataclass(frozen=True, slots=True)
class LocalOverrides:
    trainings: frozenset[tuple[int, str]] = frozenset()  # (member id, skill)
    out_of_service: bool | None = None  # None: as the snapshot says
    charges: tuple[tuple[int, int, int], ...] = ()  # (member id, cents, ended at: epoch ms)

    def charged(self, member_id: int, cents: int, ended_ms: int) -> LocalOverrides:
        return replace(self, charges=(*self.charges, (member_id, cents, ended_ms)))

    def trained(self, member_id: int, skill: str) -> LocalOverrides:
        return replace(self, trainings=self.trainings | {(member_id, skill)})

    def serviced(self, out_of_service: bool) -> LocalOverrides:
        return replace(self, out_of_service=out_of_service)

    def without_known(self, snapshot: Snapshot) -> LocalOverrides:
        """Forget the inductions the hub's snapshot already has."""
        pending = frozenset(
            (member_id, skill) for member_id, skill in self.trainings
            if (member := snapshot.members.get(member_id)) is not None
            and skill not in member.trainings)
        unpriced = tuple(c for c in self.charges if c[2] >= snapshot.version)
        return replace(self, trainings=pending, charges=unpriced)

    def apply(self, snapshot: Snapshot, resource: str | None) -> Snapshot:
        for member_id, skill in sorted(self.trainings):
            member = snapshot.members.get(member_id)
            if member is not None:
                snapshot = snapshot.with_member(
                    replace(member, trainings={**member.trainings, skill: None}))
        if resource is not None and self.out_of_service is not None:
            snapshot = snapshot.with_service(resource, self.out_of_service)
        for member_id in sorted({c[0] for c in self.charges}):
            member = snapshot.members.get(member_id)
            if member is not None:
                spent = sum(cents for who, cents, _ in self.charges if who == member_id)
                snapshot = snapshot.with_member(
                    replace(member, balance_cents=member.balance_cents - spent))
        return snapshot

    def to_json(self) -> str:
        return json.dumps({"trainings": sorted(self.trainings),
                           "out_of_service": self.out_of_service, "charges": self.charges})

    @classmethod
    def from_json(cls, text: str) -> LocalOverrides:
        data = json.loads(text)
        return cls(frozenset((int(m), str(s)) for m, s in data.get("trainings", [])),
                   data.get("out_of_service"),
                   tuple((int(m), int(c), int(t)) for m, c, t in data.get("charges", [])))


def running_session(outbox_path: Path) -> str | None:
    """The session a node's outbox file says runs (its JSON), read-only; None if none."""
    return read_state(outbox_path, SESSION_KEY)


def read_state(outbox_path: Path, key: str, *, immutable: bool = False) -> str | None:
    """A state key of a node's outbox file, without writing to it (another process may own it).

    ``immutable``: the file's disk is read-only, so no one writes it (SQLite then needs no lock).
    """
    if not outbox_path.exists():
        return None
    mode = "immutable=1" if immutable else "mode=ro"
    with contextlib.closing(sqlite3.connect(f"file:{outbox_path}?{mode}", uri=True)) as db:
        try:
            row = db.execute("SELECT value FROM node_state WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:  # a file with no state yet, or not readable
            return None
    return None if row is None else str(row[0])
