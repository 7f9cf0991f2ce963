"""The treasurer's paths: ledger entries, balances, the CSV export, reports, backups."""

import csv
import io
import json
import random
import stat
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from access.bus.topics import Topics
from access.hub.intake import Incoming, Ingestor
from access.services import housekeeping, occupancy
from access.services.visits import forgotten_checkout
from access.store.models import AccessEvent, DayPass, OccupancySample, Visit
from tests.integration.cli_helpers import db_dump, run
from tests.integration.hub_helpers import FakeNode, enroll_fake_cards

pytestmark = pytest.mark.both_backends

MORNING = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)


@pytest.fixture
def members(site_dir):
    for name in ("Ada Lovelace", "Bob Marley"):
        result = run("member", "add", name, "--email", f"{name.split()[0].lower()}@example.org",
                     "--group", "members", "--plan", "monthly", "--from", "2026-01-01",
                     "--price", "0")  # no dues: these tests are about machine credit
        assert result.code == 0, result.err
    return site_dir


@pytest.fixture
def site(members):
    from access.bootstrap import open_site

    opened = open_site()
    enroll_fake_cards(opened, [1, 2])  # the cards FakeNode taps for them
    yield opened
    opened.store.close()


def balance_json(who: str) -> dict:
    result = run("ledger", "balance", who, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_a_payment_raises_the_balance_and_a_reference_is_never_entered_twice(members, db):
    result = run("ledger", "add", "ada", "payment", "25,50", "--method", "transfer",
                 "--reference", "VIR-1103")
    assert result.code == 0, result.err
    assert "payment €25.50 for Ada Lovelace" in result.out
    assert balance_json("ada")["cents"] == 2550
    before = db_dump(db)
    again = run("ledger", "add", "ada", "payment", "25.50", "--reference", "VIR-1103")
    assert again.code == 1
    assert 'reference "VIR-1103" is already in the ledger' in again.err
    assert db_dump(db) == before


def test_bad_input_changes_nothing(members, db):
    before = db_dump(db)
    assert run("ledger", "add", "ada", "paymnt", "10").code == 2  # a typo: usage
    for argv, message in (
        (("ledger", "add", "ada", "payment", "ten"), "is not an amount"),
        (("ledger", "add", "ada", "payment"), "give the amount"),
        (("ledger", "add", "ada", "charge", "5", "--method", "cash"), "--method is for payments only"),
        (("ledger", "add", "zed", "payment", "5"), 'no member matches "zed"'),
        (("ledger", "add", "ada", "credit", "--hours", "3"), "no value is set for an hour"),
        (("ledger", "hours", "ada", "2", "--resource", "sewing-machine"), "is free"),
        (("ledger", "hours", "ada", "-1", "--resource", "3d-printer"), "must be more than 0"),
        (("export", "ledger", "--month", "2026-13"), "is not a month"),
        (("ledger", "waive", "999"), "no ledger entry #999"),
    ):
        result = run(*argv)
        assert result.code == 1, (argv, result.err)
        assert message in result.err, (argv, result.err)
    assert db_dump(db) == before


def test_volunteer_hours_are_credited_at_the_sites_value(members):
    config = members / "seuil.toml"
    config.write_text(config.read_text().replace("volunteer_hour = 0", "volunteer_hour = 12.50"))
    result = run("ledger", "add", "bob", "credit", "--hours", "1.5", "--note", "workshop set-up")
    assert result.code == 0, result.err
    entry = json.loads(run("ledger", "list", "bob", "--json").out)[0]
    assert (entry["kind"], entry["cents"]) == ("credit", 1875)
    assert entry["description"] == "1.5 h volunteering: workshop set-up"


def test_a_charge_can_be_waived_once(members):
    assert run("ledger", "add", "ada", "charge", "8", "--note", "laser material").code == 0
    entry = json.loads(run("ledger", "list", "ada", "--json").out)[0]
    result = run("ledger", "waive", str(entry["id"]), "--note", "club sign")
    assert result.code == 0, result.err
    assert balance_json("ada")["cents"] == 0
    again = run("ledger", "waive", str(entry["id"]))
    assert again.code == 1 and "already in the ledger" in again.err
    payment = run("ledger", "add", "ada", "payment", "3", "--json")
    assert "only a charge can be waived" in run("ledger", "waive", str(json.loads(payment.out)["id"])).err


def test_prepaid_hours_bought_show_in_the_balance(members):
    result = run("ledger", "hours", "ada", "10", "--resource", "3d-printer", "--price", "15")
    assert result.code == 0, result.err
    assert "10.00 h prepaid on 3d-printer, balance -€15.00" in result.out
    assert balance_json("ada")["prepaid_hours"] == {"3d-printer": 10.0}


def test_the_ledger_always_sums_to_the_balances(members):
    rng = random.Random(5)
    for _ in range(30):
        who = rng.choice(["ada", "bob"])
        kind = rng.choice(["payment", "charge", "credit"])
        amount = f"{rng.randrange(1, 5000) / 100:.2f}"
        assert run("ledger", "add", who, kind, amount).code == 0
    entries = json.loads(run("ledger", "list", "--json").out)
    balances = {b["member"]: b["cents"] for b in json.loads(run("ledger", "balance", "--all", "--json").out)}
    for member in ("Ada Lovelace", "Bob Marley"):
        assert balances[member] == sum(e["cents"] for e in entries if e["member"] == member)


def test_the_month_export_is_a_csv_the_treasurer_can_import(members, tmp_path):
    assert run("ledger", "add", "ada", "payment", "100", "--reference", "HA-7",
               "--date", "2026-10-31").code == 0
    assert run("ledger", "add", "ada", "payment", "20", "--date", "2026-11-02").code == 0
    assert run("ledger", "add", "bob", "charge", "4.5", "--note", "day pass",
               "--date", "2026-11-20").code == 0
    out = tmp_path / "ledger.csv"
    result = run("export", "ledger", "--format", "csv", "--month", "2026-11", "--output", str(out))
    assert result.code == 0, result.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # members' money: never world-readable
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["member"], r["email"], r["kind"], r["amount"], r["currency"]) for r in rows] == [
        ("Ada Lovelace", "ada@example.org", "payment", "20.00", "EUR"),
        ("Bob Marley", "bob@example.org", "charge", "-4.50", "EUR")]
    assert rows[0]["date"].startswith("2026-11-02") and rows[0]["method"] == "cash"


def test_reports_carry_member_email_and_resource(site):
    topics = Topics(site.config.site.id)
    printer, door = FakeNode(topics, "printer", "3d-printer"), FakeNode(topics, "entrance", "front-door")
    site.now = lambda: MORNING + timedelta(hours=2)
    ingestor = Ingestor(site)
    ingestor.ingest(door.tap(1, MORNING) + printer.session(1, MORNING + timedelta(hours=1), 3600))
    occupancy.take_sample(site)
    site.now = lambda: MORNING + timedelta(hours=6)  # the hub takes the check-out in after it
    ingestor.ingest(door.tap(1, MORNING + timedelta(hours=5)))
    usage = json.loads(run("report", "usage", "--from", "2026-11-01", "--to", "2026-11-30", "--json").out)
    assert [(u["member"], u["email"], u["resource"], u["seconds"], u["cost_cents"]) for u in usage] == [
        ("Ada Lovelace", "ada@example.org", "3d-printer", 3600, 200)]
    assert {"started", "ended"} <= usage[0].keys()
    visits = json.loads(run("report", "visits", "--from", "2026-11-18", "--to", "2026-11-18", "--json").out)
    assert [(v["member"], v["email"], v["checked_in"], v["checked_out"]) for v in visits] == [
        ("Ada Lovelace", "ada@example.org", MORNING.isoformat(), (MORNING + timedelta(hours=5)).isoformat())]
    rows = json.loads(run("report", "occupancy", "--from", "2026-11-18", "--to", "2026-11-18", "--json").out)
    assert rows == [{"day": "2026-11-18", "peak": 1, "average": 1.0, "visits": 1, "members": 1,
                     "capacity": 20}]
    text = run("report", "usage", "--from", "2026-11-01", "--to", "2026-11-30")
    assert "3d-printer" in text.out and "€2.00" in text.out
    assert run("report", "usage", "--from", "2026-11-30", "--to", "2026-11-01").code == 1


def test_end_of_day_checks_out_and_flags_and_expires_day_passes(site):
    door = FakeNode(Topics(site.config.site.id), "entrance", "front-door")
    site.now = lambda: MORNING + timedelta(hours=1)
    Ingestor(site).ingest(door.tap(1, MORNING))
    with site.store.write() as session:
        session.add(DayPass(member_id=2, amount_cents=500, method="cash", sold_at=MORNING,
                            valid_until=site.clock.end_of_today(MORNING)))
    site.now = lambda: MORNING + timedelta(days=1)
    done = housekeeping.end_of_day(site)
    assert (done.checked_out, done.passes_expired) == (1, 1)
    assert housekeeping.end_of_day(site) == housekeeping.EndOfDay(0, 0)  # idempotent
    with site.store.read() as session:
        visit = session.execute(select(Visit.checked_out_at, Visit.auto_checked_out)).one()
    assert tuple(visit) == (site.clock.day_end(site.clock.service_day(MORNING)), True)
    assert forgotten_checkout(site, 1) == site.clock.service_day(MORNING)  # told on the next visit
    assert forgotten_checkout(site, 1) is None  # once


def test_old_taps_are_anonymised_and_the_count_stays(site):
    door = FakeNode(Topics(site.config.site.id), "entrance", "front-door")
    Ingestor(site).ingest(door.tap(1, MORNING - timedelta(days=400)) + door.tap(1, MORNING))
    site.now = lambda: MORNING
    assert housekeeping.anonymise_access_events(site) == 1
    with site.store.read() as session:
        rows = session.execute(select(AccessEvent.member_id, AccessEvent.card_hash)
                               .order_by(AccessEvent.ts)).all()
    assert tuple(rows[0]) == (None, None)
    assert rows[1][0] == 1


def test_the_next_snapshot_boundary_is_the_next_membership_end(site):
    assert run("member", "add", "Cleo Day", "--plan", "monthly", "--from", "2026-11-01",
               "--until", "2026-12-15").code == 0
    site.now = lambda: MORNING
    assert housekeeping.next_boundary(site) == site.clock.day_end(datetime(2026, 12, 15).date())


def test_samples_and_dead_letters_are_listed(site):
    site.now = lambda: MORNING
    occupancy.take_sample(site)
    occupancy.take_sample(site)  # twice at the same minute: one sample
    with site.store.read() as session:
        assert len(session.scalars(select(OccupancySample)).all()) == 1
    Ingestor(site).ingest([Incoming("seuil/la-ruche/node/printer/session", b"garbage")])
    result = run("dead-letters")
    assert result.code == 0 and "not a valid SessionEvent" in result.out


def test_backup_then_restore_brings_back_the_ledger(members, tmp_path, backend):
    assert run("ledger", "add", "ada", "payment", "40").code == 0
    made = run("backup", "--dir", str(tmp_path / "backups"))
    assert made.code == 0, made.err
    path = made.out.split("backup written to ")[1].split(" (")[0]
    assert run("ledger", "add", "ada", "payment", "60").code == 0
    refused = run("restore", path)
    assert refused.code == 1 and "--yes" in refused.err
    result = run("restore", path, "--yes")
    assert result.code == 0, result.err
    assert balance_json("ada")["cents"] == 4000
    listed = run("backup", "--list")
    assert "before-restore" in listed.out


def test_a_file_that_is_not_a_backup_is_refused(members, tmp_path, db, backend):
    if backend != "sqlite":
        pytest.skip("the file checks are SQLite's; pg_restore checks its own files")
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not a database at all " * 100)
    before = db_dump(db)
    result = run("restore", str(bogus), "--yes")
    assert result.code == 1 and "not a Seuil backup" in result.err
    assert db_dump(db) == before
