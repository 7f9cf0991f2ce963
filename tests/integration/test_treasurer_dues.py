"""The treasurer's month, dues first: a membership is a charge, paid with a method or owed."""

import csv
import io
import json

import pytest

from tests.integration.cli_helpers import db_dump, run

pytestmark = pytest.mark.both_backends


def show(who: str) -> dict:
    result = run("member", "show", who, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def balance(who: str) -> dict:
    result = run("ledger", "balance", who, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def export(month: str, tmp_path) -> list[dict]:
    out = tmp_path / f"ledger-{month}.csv"
    result = run("export", "ledger", "--month", month, "--output", str(out))
    assert result.code == 0, result.err
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))


def test_dues_are_charged_paid_with_a_method_or_owed_apart_from_machine_credit(site_dir, cli_clock, tmp_path):
    paid = run("member", "add", "Ada Lovelace", "--group", "members", "--plan", "monthly",
               "--paid", "--method", "transfer")
    assert paid.code == 0, paid.err and "dues owed" not in paid.out
    owed = run("member", "add", "Bob Marley", "--group", "members", "--plan", "monthly", "--unpaid")
    assert owed.code == 0 and "dues owed: €100.00" in owed.out
    part = run("member", "add", "Cleo Day", "--plan", "monthly", "--paid", "40", "--method", "cheque")
    assert part.code == 0 and "dues owed: €60.00" in part.out

    # machine credit and dues are two accounts: owing dues does not block a machine
    assert (balance("ada")["cents"], balance("ada")["dues_owed_cents"]) == (0, 0)
    assert (balance("bob")["cents"], balance("bob")["dues_owed_cents"]) == (0, 10000)
    assert run("ledger", "add", "bob", "payment", "20").code == 0
    assert (balance("bob")["cents"], balance("bob")["dues_owed_cents"]) == (2000, 10000)
    bob = show("bob")
    assert (bob["balance_cents"], bob["dues_owed_cents"]) == (2000, 10000)
    assert [(m["price_cents"], m["paid_cents"], m["owed_cents"]) for m in bob["memberships"]] == [
        (10000, 0, 10000)]
    assert "dues owed:  €100.00" in run("member", "show", "bob").out

    settled = run("ledger", "add", "bob", "payment", "--dues", "--method", "cash", "--reference", "REC-12")
    assert settled.code == 0 and "Bob Marley paid €100.00 of dues (cash)" in settled.out
    assert (balance("bob")["cents"], balance("bob")["dues_owed_cents"]) == (2000, 0)
    assert show("cleo")["memberships"][0]["owed_cents"] == 6000

    rows = export("2026-11", tmp_path)
    assert [(r["member"], r["kind"], r["amount"], r["method"], r["account"]) for r in rows] == [
        ("Ada Lovelace", "charge", "-100.00", "", "dues"),
        ("Ada Lovelace", "payment", "100.00", "transfer", "dues"),
        ("Bob Marley", "charge", "-100.00", "", "dues"),
        ("Cleo Day", "charge", "-100.00", "", "dues"),
        ("Cleo Day", "payment", "40.00", "cheque", "dues"),
        ("Bob Marley", "payment", "20.00", "cash", "credit"),
        ("Bob Marley", "payment", "100.00", "cash", "dues")]
    assert all(r["date"].startswith("2026-11-20") for r in rows)


def test_dues_said_paid_need_a_method_and_nothing_is_written_otherwise(site_dir, cli_clock, db):
    before = db_dump(db)
    no_method = run("member", "add", "Ada Lovelace", "--plan", "monthly", "--paid")
    assert no_method.code == 1 and "--method" in no_method.err
    too_much = run("member", "add", "Ada Lovelace", "--plan", "monthly", "--paid", "150",
                   "--method", "cash")
    assert too_much.code == 1 and "more than the dues" in too_much.err
    assert db_dump(db) == before
    assert run("member", "add", "Ada Lovelace", "--plan", "monthly", "--price", "0").code == 0
    nothing = run("ledger", "add", "ada", "payment", "--dues", "--method", "cash")
    assert nothing.code == 1 and "owes no dues" in nothing.err


def test_renewing_early_extends_from_the_day_after_the_period_and_prints_the_new_one(site_dir, cli_clock):
    assert run("member", "add", "Ada Lovelace", "--plan", "monthly", "--from", "2026-11-10",
               "--paid", "--method", "cash").code == 0  # 2026-11-10 to 2026-12-09
    renewed = run("member", "renew", "ada", "--plan", "monthly", "--paid", "--method", "transfer")
    assert renewed.code == 0, renewed.err
    assert "renewed Ada Lovelace (#1): monthly from 2026-12-10 to 2027-01-09" in renewed.out
    periods = show("ada")["memberships"]
    assert [(m["valid_from"][:16], m["valid_until"][:16]) for m in periods] == [
        ("2026-11-10T03:00", "2026-12-10T03:00"), ("2026-12-10T03:00", "2027-01-10T03:00")]
    again = run("member", "renew", "ada", "--plan", "monthly", "--unpaid")
    assert "monthly from 2027-01-10 to 2027-02-09" in again.out
    lapsed = run("member", "add", "Bob Marley", "--plan", "monthly", "--from", "2026-09-01", "--price", "0")
    assert lapsed.code == 0
    assert "monthly from 2026-11-20 to 2026-12-19" in run("member", "renew", "bob", "--plan", "monthly",
                                                          "--price", "0").out


def test_a_name_typed_as_a_formula_at_the_kiosk_reaches_the_spreadsheet_as_text(site_dir, cli_clock,
                                                                                   tmp_path):
    from access.bootstrap import open_site
    from access.services import day_passes
    from access.services.ledger import PaymentMethod

    site = open_site()
    try:
        day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name='=HYPERLINK("http://x.invalid","€")')
    finally:
        site.store.close()
    assert run("ledger", "add", "#1", "payment", "2", "--note", "+cmd|' /C calc'!A0").code == 0
    rows = export("2026-11", tmp_path)
    assert {r["member"] for r in rows} == {'\'=HYPERLINK("http://x.invalid","€")'}
    assert rows[-1]["description"] == "'+cmd|' /C calc'!A0"
    assert [r["amount"] for r in rows] == ["-5.00", "5.00", "2.00"]  # amounts stay numbers
