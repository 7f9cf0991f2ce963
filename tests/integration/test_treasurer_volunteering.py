"""Volunteer time is counted, in hours, and reaches the books in kind (86/87), never as pay."""

import csv
import io
import json
from pathlib import Path

import pytest

from tests.integration.cli_helpers import db_dump, run

pytestmark = pytest.mark.both_backends
DOCS = Path(__file__).resolve().parents[2] / "docs"


def ok(*argv: str) -> str:
    result = run(*argv)
    assert result.code == 0, (argv, result.err)
    return result.out


@pytest.fixture
def volunteers(site_dir, cli_clock):
    ok("member", "add", "Ada Lovelace", "--plan", "monthly", "--price", "0")
    ok("member", "add", "Bob Marley", "--plan", "monthly", "--price", "0")
    return site_dir


def paheko_rows(month: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(ok("export", "ledger", "--format", "paheko", "--month", month)),
                               delimiter=";"))


def test_hours_are_recorded_as_time_and_exported_in_kind_without_any_credit(volunteers):
    out = ok("volunteer", "add", "ada", "3", "--for", "workshop set-up", "--date", "2026-11-14")
    assert "Ada Lovelace: 3 h on 2026-11-14 for workshop set-up" in out and "credited" not in out
    ok("volunteer", "add", "bob", "1,5", "--for", "front desk")
    listed = json.loads(ok("volunteer", "list", "--month", "2026-11", "--json"))
    assert [(h["member"], h["worked_on"], h["hours"], h["what_for"], h["credit_entry_id"])
            for h in listed] == [("Ada Lovelace", "2026-11-14", 3.0, "workshop set-up", None),
                                 ("Bob Marley", "2026-11-20", 1.5, "front desk", None)]
    assert "total: 4.50 h" in ok("volunteer", "list")

    # nothing reaches the ledger: no credit, no balance
    assert json.loads(ok("ledger", "list", "--json")) == []
    assert json.loads(ok("ledger", "balance", "ada", "--json"))["cents"] == 0

    # the books value it in kind: 864 (used) against 875 (contributed), at 11.88 an hour
    rows = paheko_rows("2026-11")
    assert [(r["Compte de débit"], r["Compte de crédit"], r["Montant"], r["Date"], r["Membres associés"])
            for r in rows] == [("864", "875", "35,64", "14/11/2026", "Ada Lovelace"),
                               ("864", "875", "17,82", "20/11/2026", "Bob Marley")]
    assert rows[0]["Libellé"] == "Bénévolat 3 h: workshop set-up (Ada Lovelace)"
    fec = ok("export", "ledger", "--format", "fec", "--month", "2026-11").splitlines()[1:]
    assert {line.split("\t")[0] for line in fec} == {"CV"}


def test_turning_hours_into_credit_is_refused_by_default_and_says_why(volunteers, db):
    before = db_dump(db)
    for argv in (("volunteer", "add", "ada", "2", "--for", "bar", "--credit"),
                 ("ledger", "add", "ada", "credit", "--hours", "2")):
        result = run(*argv)
        assert result.code == 1 and "no value is set for an hour of volunteering" in result.err
        assert "docs/operations.md" in result.err
    for argv, words in ((("volunteer", "add", "ada", "0", "--for", "x"), "more than 0"),
                        (("volunteer", "add", "ada", "25", "--for", "x"), "at most 24"),
                        (("volunteer", "add", "ada", "2", "--for", "  "), "what the time was for"),
                        (("volunteer", "add", "ada", "2", "--for", "x", "--date", "2026-11-21"), "future"),
                        (("volunteer", "add", "zed", "2", "--for", "x"), 'no member matches "zed"')):
        result = run(*argv)
        assert result.code == 1 and words in result.err, (argv, result.err)
    assert run("volunteer", "add", "ada", "2").code == 2  # --for is required
    assert db_dump(db) == before
    operations = (DOCS / "operations.md").read_text(encoding="utf-8")
    assert "volunteer_hour = 0" in operations and "requalif" in operations


def test_a_site_that_chooses_credit_gets_both_the_hours_and_the_credit(volunteers):
    config = volunteers / "seuil.toml"
    config.write_text(config.read_text().replace("volunteer_hour = 0 ", "volunteer_hour = 10 "))
    out = ok("volunteer", "add", "ada", "1.5", "--for", "repairs", "--credit")
    assert "credited €15.00" in out
    assert json.loads(ok("ledger", "balance", "ada", "--json"))["cents"] == 1500
    [hours] = json.loads(ok("volunteer", "list", "--json"))
    [entry] = json.loads(ok("ledger", "list", "--json"))
    assert (hours["credit_entry_id"], entry["reference"], entry["description"]) == (
        entry["id"], f"volunteer:{hours['id']}", "1.5 h volunteering: repairs")
    rows = paheko_rows("2026-11")
    assert sorted((r["Compte de débit"], r["Compte de crédit"], r["Montant"]) for r in rows) == [
        ("6588", "4110", "15,00"), ("864", "875", "17,82")]
