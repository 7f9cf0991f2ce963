"""The CLI writes money one way, counts with their plural, and audits who sent a command."""

import getpass
import io
import json
import re
import uuid
from datetime import timedelta

import pytest

from access.bootstrap import open_site
from access.domain.events import SessionReported
from access.hub import messagebus
from access.services.context import EventContext
from access.services.rules import applied_rules
from tests.integration.cli_helpers import run

AMOUNT = re.compile(r"(?<![\w.,])(-?€?)(\d+[.,]\d{2})(?!\d| h\b)")
"""Anything written like an amount (``12.50``, ``-€4.50``), except hours (``10.00 h``)."""
ONE_PLURAL = re.compile(r"(?<![\d.,#])1 ([a-z]+(?:ies|s))\b")


def _ok(*argv: str) -> str:
    result = run(*argv)
    assert result.code == 0, (argv, result.err)
    return result.out + result.err


@pytest.fixture
def a_month_of_money(site_dir, ada, cli_clock):
    """Ada with one priced print, a top-up, a charge, prepaid hours; Bob with owed dues."""
    _ok("member", "add", "Bob Marley", "--group", "members", "--plan", "monthly")
    _ok("training", "grant", "ada", "3d-printing")
    site = open_site()
    start = cli_clock.now - timedelta(hours=2)
    session_id = str(uuid.uuid4())
    member_id = json.loads(_ok("member", "show", "ada", "--json"))["id"]
    with site.store.write() as session:
        context = EventContext(session, site, applied_rules(session).rules, cli_clock.now)
        messagebus.handle(context, [SessionReported(
            "printer", start + timedelta(minutes=45), session_id, "stop", "3d-printer", member_id,
            start, start + timedelta(minutes=45), 2700, "tap")])
    site.store.close()


def _every_output(site_dir, monkeypatch) -> list[tuple[str, str]]:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # erase's question: no answer
    outputs = []
    for argv in (
        ("ledger", "add", "ada", "payment", "25,50", "--method", "cash", "--reference", "R-1"),
        ("ledger", "add", "ada", "charge", "4.5", "--note", "tea"),
        ("ledger", "hours", "ada", "10", "--resource", "3d-printer", "--price", "15"),
        ("member", "renew", "bob", "--plan", "monthly"),
        ("ledger", "add", "bob", "payment", "10", "--dues", "--method", "cheque"),
        ("member", "show", "ada"), ("member", "show", "bob"),
        ("ledger", "balance"), ("ledger", "balance", "ada"), ("ledger", "balance", "bob"),
        ("ledger", "list"), ("ledger", "list", "--method", "cash"),
        ("report", "usage", "--from", "2026-11-01"), ("report", "visits"),
        ("payments", "pending"), ("rules", "check"),
        ("export", "ledger", "--month", "2026-11", "--output", str(site_dir / "nov.csv")),
    ):
        outputs.append((" ".join(argv), _ok(*argv)))
    for argv in (("ledger", "add", "ada", "payment", "3", "--reference", "R-1"),
                 ("ledger", "add", "bob", "payment", "1000", "--dues", "--method", "cash"),
                 ("member", "erase", "ada")):
        result = run(*argv)
        outputs.append((" ".join(argv), result.out + result.err))
    return outputs


def test_every_amount_the_cli_prints_is_written_like_euro_12_50(a_month_of_money, site_dir, monkeypatch):
    outputs = _every_output(site_dir, monkeypatch)
    amounts = [(command, m.group(0)) for command, text in outputs for m in AMOUNT.finditer(text)]
    assert len(amounts) > 30  # the walk saw money in most of those outputs
    wrong = [(command, a) for command, a in amounts if not re.fullmatch(r"-?€\d+\.\d{2}", a)]
    assert wrong == []
    assert [c for c, text in outputs if "EUR" in text] == []
    assert "-€1.50" in dict(outputs)["ledger list"]  # the print: 45 min at 2.00/h, per 15 min


def test_a_count_of_one_is_singular_in_every_output(a_month_of_money, site_dir, monkeypatch):
    outputs = _every_output(site_dir, monkeypatch)
    singular = [(c, m.group(0)) for c, text in outputs for m in ONE_PLURAL.finditer(text)]
    assert singular == []
    texts = dict(outputs)
    assert "Machine use, 2026-11-01 to 2026-11-20: 1 session" in texts["report usage --from 2026-11-01"]


def test_ledger_list_filters_by_method(a_month_of_money):
    _ok("ledger", "add", "ada", "payment", "25", "--method", "cash")
    _ok("ledger", "add", "ada", "payment", "40", "--method", "transfer")
    cash = json.loads(_ok("ledger", "list", "--method", "cash", "--json"))
    assert [(e["kind"], e["cents"], e["method"]) for e in cash] == [("payment", 2500, "cash")]
    assert json.loads(_ok("ledger", "list", "ada", "--method", "card", "--json")) == []
    typo = run("ledger", "list", "--method", "cahs")
    assert typo.code == 2 and "invalid choice: 'cahs'" in typo.err


def test_resource_service_is_audited_as_the_admin_who_sent_it(maker_space, monkeypatch):
    monkeypatch.setenv("SUDO_USER", "alice")
    assert run("resource", "service", "3d-printer", "off").code == 0
    assert run("resource", "stop", "3d-printer").code == 0
    audit = json.loads(_ok("audit", "--json"))[-2:]
    me = "alice (via sudo)" if getpass.getuser() != "alice" else "alice"
    assert [(a["actor"], a["action"], a["target"], a["details"]) for a in audit] == [
        (me, "resource.service", "3d-printer", {"node": "printer", "sent": "cmd", "out_of_service": True}),
        (me, "resource.stop", "3d-printer", {"node": "printer", "sent": "cmd"})]


def test_a_command_the_broker_never_took_is_not_audited(site_dir, monkeypatch):
    monkeypatch.setenv("SEUIL_MQTT_URL", "mqtt://127.0.0.1:9")  # nothing listens there
    before = _ok("audit", "--json")
    result = run("resource", "service", "3d-printer", "off")
    assert result.code == 1
    assert _ok("audit", "--json") == before


def test_the_kiosk_can_say_one_in_french_too():
    from access.texts import plural

    assert [plural(n, "personne", language="fr") for n in (0, 1, 2)] == [
        "0 personne", "1 personne", "2 personnes"]
    assert [plural(n, "person", "people") for n in (0, 1, 2)] == ["0 people", "1 person", "2 people"]


def test_a_group_the_member_is_not_in_is_named_in_the_singular(ada):
    result = run("member", "edit", "ada", "--remove-group", "trainers")
    assert result.err.splitlines() == ["seuil: Ada Lovelace is not in group trainers"]
    result = run("member", "edit", "ada", "--remove-group", "trainers", "--remove-group", "admins")
    assert result.err.splitlines() == ["seuil: Ada Lovelace is not in groups admins, trainers"]
