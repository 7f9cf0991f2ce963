"""Every example in docs/mqtt.md validates against the schema of its topic."""

import re
from pathlib import Path

import pytest

from access.bus import schemas
from access.bus.snapshot_payload import SnapshotPayload

DOC = (Path(__file__).resolve().parents[2] / "docs" / "mqtt.md").read_text()
EXAMPLES = re.findall(r"### `(seuil/[^`]+)`\n\n.*?Schema: `(\w+)`.*?```json\n(.*?)```", DOC, re.S)
MODELS = {name: getattr(schemas, name, None) for _, name, _ in EXAMPLES} | {
    "SnapshotPayload": SnapshotPayload}


def test_the_page_has_one_example_per_topic():
    kinds = {re.sub(r"seuil/la-ruche/(node|cmd)/[a-z-]+/", r"\1/ID/", topic) for topic, _, _ in EXAMPLES}
    assert kinds >= {"node/ID/status", "node/ID/tap", "node/ID/decision", "node/ID/snapshot",
                     "node/ID/state", "node/ID/session", "node/ID/training", "node/ID/service",
                     "cmd/ID/unlock", "cmd/ID/service", "cmd/ID/stop-session"}


@pytest.mark.parametrize(("topic", "model", "body"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_validates(topic, model, body):
    payload = schemas.decode(MODELS[model], body.encode(), max_bytes=schemas.MAX_SNAPSHOT_BYTES)
    assert payload.v == 1
