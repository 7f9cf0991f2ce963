"""docs/operations.md's "Closing the month" runs as written, on five years of history."""

import csv
import shlex
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.integration.cli_helpers import run
from tests.integration.test_docs_run import shell_blocks

pytestmark = pytest.mark.both_backends
OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
TITLE = "## Closing the month (the treasurer)"


def section(path: Path, title: str, into: Path) -> Path:
    """The section of a Markdown file under ``title``, up to the next one, as a file of its own."""
    text = path.read_text(encoding="utf-8")
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    into.write_text(text[start:end if end != -1 else None], encoding="utf-8")
    return into


def test_closing_the_month_runs_as_written(site_dir, cli_clock, tmp_path, monkeypatch):
    from access.bootstrap import open_site
    from tests.support.history import fill

    cli_clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    site = open_site()
    try:
        fill(site, last_month=date(2026, 11, 1))
    finally:
        site.store.close()
    monkeypatch.chdir(tmp_path)
    lines = [line for block in shell_blocks(section(OPERATIONS, TITLE, tmp_path / "closing.md"))
             for line in block]
    assert len(lines) >= 10
    for line in lines:
        words = shlex.split(line)
        assert words[0] == "seuil", line
        result = run(*words[1:])
        assert result.code == 0, f"{line}\n{result.err}"
        assert all("written to" in e or "left out" in e for e in result.err.splitlines()), result.err
    assert "the box should hold €32.50" in run("cash", "status").out  # 182.50 counted, 150 banked
    with open("paheko-2026-11.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    assert rows and all(r["Date"].endswith("/11/2026") for r in rows)
    assert Path("FEC-2026-11.txt").read_text(encoding="utf-8").startswith("JournalCode\tJournalLib")
    assert Path("rapport-2026-11.pdf").read_bytes().startswith(b"%PDF-")
