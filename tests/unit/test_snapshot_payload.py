"""The snapshot on the wire decodes to the same decisions, and refuses what is not one."""

from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from access.bus.schemas import PayloadError
from access.bus.snapshot_payload import decode_snapshot, encode_snapshot, snapshot_payload
from access.domain.decide import decide
from access.domain.schedule import SiteClock
from access.domain.snapshot import CardView, MembershipWindow, MemberView

RULES = resources.files("access.samples").joinpath("rules.toml").read_text()
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CARD = "ab" * 32


def payload(**changes):
    member = MemberView(1, "Ada Lovelace", frozenset({"members"}),
                        (MembershipWindow("monthly", NOW - timedelta(days=3), None),),
                        {"3d-printing": None}, 500)
    fields = dict(version=7, generated_at=NOW, clock=SiteClock(), rules_file="rules.toml",
                  rules_source=RULES, members=[member], cards={CARD: CardView(1)})
    return snapshot_payload(**{**fields, **changes})


def test_a_snapshot_survives_the_wire_and_decides_the_same():
    raw = encode_snapshot(payload())
    wire, snapshot = decode_snapshot(raw)
    assert wire.version == snapshot.version == 7
    assert decide(CARD, "3d-printer", NOW, snapshot).allowed
    assert decide(CARD, "front-door", NOW, snapshot).rule == "members-door"
    assert snapshot.maintainer_groups == {"admins"}
    assert snapshot.trainer_groups == {"trainers"}


@pytest.mark.parametrize(("raw", "why"), [
    (b"{", "not a valid SnapshotPayload"),
    (encode_snapshot(payload(rules_source="[[rule]]\nname = 3")), "rules do not parse"),
    (encode_snapshot(payload()).replace(b'"Europe/Paris"', b'"Mars/Olympus"'), "clock"),
    (encode_snapshot(payload()).replace(CARD.encode(), b"04A1B2C3"), "cards"),
])
def test_a_broken_snapshot_is_a_payload_error(raw, why):
    with pytest.raises(PayloadError, match=why):
        decode_snapshot(raw)
