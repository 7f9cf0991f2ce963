"""The cash box balances: counted by a volunteer, compared with what was declared, banked."""

import json
from datetime import timedelta

import pytest

from tests.integration.cli_helpers import db_dump, run

pytestmark = pytest.mark.both_backends


def ok(*argv: str) -> str:
    result = run(*argv)
    assert result.code == 0, result.err
    return result.out


def sell_cash_pass(cents: int, name: str = "") -> None:
    """A visitor pays a day pass into the box at the kiosk (the kiosk's own use case)."""
    from access.bootstrap import open_site
    from access.services import day_passes
    from access.services.ledger import PaymentMethod

    site = open_site()
    try:
        day_passes.sell(site, cents=cents, method=PaymentMethod.CASH, name=name)
    finally:
        site.store.close()


def ledger_entries() -> list[dict]:
    return json.loads(ok("ledger", "list", "--json"))


def test_a_count_compares_the_box_with_the_cash_declared_and_records_the_difference(site_dir, cli_clock):
    # Saturday: the float, then a day's takings in cash, and a transfer that never sees the box
    ok("cash", "count", "40", "--opening", "--by", "Marie Curie")
    cli_clock.now += timedelta(hours=1)
    ok("member", "add", "Ada Lovelace", "--plan", "monthly", "--paid", "--method", "cash")  # 100.00
    ok("member", "add", "Bob Marley", "--plan", "monthly", "--paid", "--method", "transfer")
    ok("ledger", "add", "ada", "payment", "20")  # machine credit, cash by default
    sell_cash_pass(500, "Zoé")
    ok("ledger", "add", "bob", "payment", "15", "--method", "online", "--reference", "HA-1")
    cli_clock.now += timedelta(hours=8)

    counted = json.loads(ok("cash", "count", "168,50", "--by", "Marie Curie", "--json"))
    assert (counted["opening_cents"], counted["declared_cents"], counted["deposited_cents"],
            counted["expected_cents"], counted["counted_cents"], counted["difference_cents"]) == (
        4000, 12500, 0, 16500, 16850, 350)
    assert counted["counted_by"] == "Marie Curie"

    surplus = [e for e in ledger_entries() if e["kind"] == "surplus"]
    assert [(e["member_id"], e["cents"], e["account"], e["reference"]) for e in surplus] == [
        (None, 350, "cash", "cashcount:2")]
    # nobody's balance moved because of the box
    assert json.loads(ok("ledger", "balance", "ada", "--json"))["cents"] == 2000

    # Monday: 100.00 to the bank, a top-up in cash, then the box is short
    cli_clock.now += timedelta(days=2)
    ok("cash", "deposit", "100", "--reference", "BORD-001", "--by", "Trésorière")
    ok("ledger", "add", "ada", "payment", "10")
    assert "the box should hold €78.50" in ok("cash", "status")
    cli_clock.now += timedelta(hours=2)
    short = run("cash", "count", "73.00")
    assert short.code == 0, short.err
    assert "shortfall: €5.50" in short.out and "expected €78.50" in short.out
    assert [e["cents"] for e in ledger_entries() if e["kind"] == "shortfall"] == [-550]

    book = json.loads(ok("report", "cash", "--from", "2026-11-01", "--to", "2026-11-30", "--json"))
    assert [(c["opening_cents"], c["declared_cents"], c["deposited_cents"], c["expected_cents"],
             c["counted_cents"], c["difference_cents"], c["opening"]) for c in book["counts"]] == [
        (4000, 0, 0, 4000, 4000, 0, True),
        (4000, 12500, 0, 16500, 16850, 350, False),
        (16850, 1000, 10000, 7850, 7300, -550, False)]
    assert [(d["cents"], d["reference"]) for d in book["deposits"]] == [(10000, "BORD-001")]
    text = ok("report", "cash", "--from", "2026-11-01", "--to", "2026-11-30")
    assert "declared €135.00, taken to the bank €100.00, differences -€2.00" in text

    # every euro: the ledger's sum is the members' balances plus the box's differences
    entries = ledger_entries()
    members = [e for e in entries if e["member_id"] is not None]
    assert sum(e["cents"] for e in entries) == sum(e["cents"] for e in members) + 350 - 550


def test_a_cash_payment_entered_after_a_count_waits_for_the_next_one(site_dir, cli_clock):
    ok("cash", "count", "0", "--opening")
    cli_clock.now += timedelta(minutes=5)
    ok("member", "add", "Ada Lovelace", "--price", "0", "--plan", "monthly")
    ok("ledger", "add", "ada", "payment", "7.50", "--date", "2026-11-19")  # typed late, dated before
    cli_clock.now += timedelta(minutes=5)
    counted = json.loads(ok("cash", "count", "7.50", "--json"))
    assert (counted["declared_cents"], counted["difference_cents"]) == (750, 0)
    cli_clock.now += timedelta(minutes=5)
    again = json.loads(ok("cash", "count", "7.50", "--json"))
    assert (again["declared_cents"], again["difference_cents"]) == (0, 0)  # never counted twice


def test_a_mistyped_count_or_deposit_changes_nothing(site_dir, cli_clock, db):
    ok("cash", "count", "40", "--opening")
    ok("cash", "deposit", "10", "--reference", "BORD-1")
    before = db_dump(db)
    for argv, words in ((("cash", "count", "-3"), "negative"),
                        (("cash", "count", "douze"), "not an amount"),
                        (("cash", "count", "1500000"), "decimal point"),
                        (("cash", "count", "12", "--opening"), "first count only"),
                        (("cash", "deposit", "0"), "more than 0"),
                        (("cash", "deposit", "10", "--reference", "BORD-1"), "already recorded")):
        result = run(*argv)
        assert result.code == 1 and words in result.err, (argv, result.err)
        assert len(result.err.strip().splitlines()) <= 2
    assert db_dump(db) == before


def test_the_kiosk_can_count_the_box_for_a_volunteer_it_identified(site_dir, cli_clock):
    """The kiosk's screen (after a volunteer's badge) calls the same use case with their name."""
    from access.bootstrap import open_site
    from access.services import cash_box

    site = open_site()
    try:
        site.actor = "kiosk"
        line = cash_box.count(site, 1234, counted_by="Grace Hopper (badge 3f2a1c09)")
    finally:
        site.store.close()
    assert (line.counted_by, line.expected_cents, line.difference_cents) == (
        "Grace Hopper (badge 3f2a1c09)", 0, 1234)
    [entry] = [e for e in ledger_entries() if e["kind"] == "surplus"]
    assert entry["created_by"] == "Grace Hopper (badge 3f2a1c09)"


def test_a_kiosk_top_up_in_cash_is_expected_in_the_box_and_an_online_one_is_not(site_dir, cli_clock):
    """The top-up use cases the kiosk's screen calls (after a badge tap): cash box or online."""
    from access.bootstrap import open_site
    from access.errors import InvalidInput
    from access.payments.fake import FakeProvider
    from access.services import checkouts, top_ups

    ok("member", "add", "Ada Lovelace", "--plan", "monthly", "--price", "0")
    ok("cash", "count", "10", "--opening")
    site = open_site()
    provider = FakeProvider(paid_after=None)
    try:
        cash = top_ups.top_up_cash(site, 1, 1500)
        assert (cash.member, cash.balance_cents) == ("Ada Lovelace", 1500)
        online = top_ups.start_online(site, provider, 1, 2000)
        assert online.url and checkouts.pending(site)[0].id == online.id
        provider.pay(online.checkout_id)
        for _ in range(2):  # the screen's poll and the hub's: paid once
            checkouts.confirm(site, provider, online.id)
        with pytest.raises(InvalidInput, match="more than 0"):
            top_ups.top_up_cash(site, 1, 0)
    finally:
        site.store.close()
    assert json.loads(ok("ledger", "balance", "ada", "--json"))["cents"] == 3500
    assert [(e["method"], e["cents"]) for e in ledger_entries()] == [("cash", 1500), ("online", 2000)]
    counted = json.loads(ok("cash", "count", "25", "--json"))
    assert (counted["declared_cents"], counted["difference_cents"]) == (1500, 0)
