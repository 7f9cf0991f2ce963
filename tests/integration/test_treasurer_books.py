"""The month's books, as the association's accounting imports them: Paheko's CSV and the FEC.

The files are read back with the rules Paheko's import applies (src/include/lib/Paheko/
Accounting/Import.php and Export.php: the Simplifié columns, the required ones, its transaction
types, accounts that must exist in its chart) and the FEC's (18 tab-separated columns).
"""

import csv
import io
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest

from tests.integration.cli_helpers import run

pytestmark = pytest.mark.both_backends

PAHEKO_HEADER = ["Numéro d'écriture", "Type", "Statut", "Libellé", "Date", "Remarques",
                 "Numéro pièce comptable", "Référence paiement", "Compte de débit", "Compte de crédit",
                 "Montant", "Projet analytique", "Membres associés"]
PAHEKO_REQUIRED = ["Libellé", "Date", "Compte de débit", "Compte de crédit", "Montant"]
PAHEKO_TYPES = {"Avancé", "Recette", "Dépense", "Virement", "Dette", "Créance"}
# Accounts of Paheko's "Plan comptable associatif 2018" (src/include/data/charts/fr_pca_2018.csv)
# that a site on the defaults uses: an account missing from the chart fails the import.
PCA_2018 = {"4110": "tiers", "530": "caisse", "512": "banque", "5112": "banque", "706": "produit",
            "7088": "produit", "756": "produit", "709": "produit", "6588": "charge", "7588": "produit",
            "864": "charge", "875": "produit"}
FEC_HEADER = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
              "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
              "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"]


def ok(*argv: str) -> str:
    result = run(*argv)
    assert result.code == 0, (argv, result.err)
    return result.out


def cents_of(amount: str) -> int:
    """Paheko's Utils::moneyToInteger, strictly: digits, a decimal comma, two decimals."""
    assert re.fullmatch(r"\d+,\d{2}", amount), f"not a Paheko amount: {amount!r}"
    units, decimals = amount.split(",")
    return int(units) * 100 + int(decimals)


def read_paheko(text: str, month: tuple[int, int]) -> list[dict]:
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == PAHEKO_HEADER
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        assert len(row) == len(PAHEKO_HEADER), f"line {number}: {len(row)} columns"
        line = dict(zip(PAHEKO_HEADER, row, strict=True))
        for column in PAHEKO_REQUIRED:
            assert line[column].strip(), f"line {number}: {column} is empty"
        assert line["Numéro d'écriture"] == ""  # a number there is one of Paheko's own to update
        assert line["Type"] in PAHEKO_TYPES
        day = datetime.strptime(line["Date"], "%d/%m/%Y").date()
        assert (day.year, day.month) == month
        accounts = (line["Compte de débit"], line["Compte de crédit"])
        assert all(a in PCA_2018 for a in accounts), accounts
        # Paheko's Transaction::save(): no expense account in a revenue, no revenue in an expense
        if line["Type"] == "Recette":
            assert "charge" not in {PCA_2018[a] for a in accounts}
        if line["Type"] == "Dépense":
            assert "produit" not in {PCA_2018[a] for a in accounts}
        line["cents"] = cents_of(line["Montant"])
        assert line["cents"] > 0
        lines.append(line)
    return lines


def read_fec(text: str) -> list[dict]:
    rows = [r.split("\t") for r in text.split("\r\n") if r]
    assert rows[0] == FEC_HEADER
    lines = []
    for row in rows[1:]:
        assert len(row) == 18
        line = dict(zip(FEC_HEADER, row, strict=True))
        datetime.strptime(line["EcritureDate"], "%Y%m%d")
        assert line["ValidDate"] == line["EcritureDate"]
        line["debit"], line["credit"] = cents_of(line["Debit"]), cents_of(line["Credit"])
        assert (line["debit"] == 0) != (line["credit"] == 0)
        lines.append(line)
    return lines


def net_by_account_paheko(lines: list[dict]) -> dict[str, int]:
    net: dict[str, int] = defaultdict(int)
    for line in lines:
        net[line["Compte de débit"]] += line["cents"]
        net[line["Compte de crédit"]] -= line["cents"]
    return dict(net)


@pytest.fixture
def november(site_dir, cli_clock):
    """A month of a small association: dues, day passes (cash and online), top-ups, a waiver,
    the cash box counted and banked; one entry the month before and one after."""
    from access.bootstrap import open_site
    from access.services import day_passes
    from access.services.ledger import PaymentMethod

    cli_clock.now = datetime(2026, 10, 31, 12, 0, tzinfo=cli_clock.now.tzinfo)
    ok("member", "add", "Zed Before", "--plan", "monthly", "--paid", "--method", "cash")
    cli_clock.now = datetime(2026, 11, 2, 9, 0, tzinfo=cli_clock.now.tzinfo)
    ok("cash", "count", "100", "--opening", "--by", "Marie")  # takes October's 100.00 in
    cli_clock.now += timedelta(hours=1)
    ok("member", "add", "Ada Lovelace", "--plan", "monthly", "--paid", "--method", "cash")
    ok("member", "add", "Bob Marley", "--plan", "monthly", "--paid", "60", "--method", "cheque")
    ok("member", "add", '=HYPERLINK("http://x.invalid")', "--plan", "monthly", "--unpaid")
    ok("ledger", "add", "ada", "payment", "20", "--note", "Café; thé, \"bio\"")
    ok("ledger", "add", "bob", "payment", "15", "--method", "online", "--reference", "HA-77")
    ok("ledger", "hours", "ada", "10", "--resource", "3d-printer", "--price", "15")
    ok("ledger", "add", "bob", "charge", "4.50", "--note", "filament")
    waived = json.loads(ok("ledger", "list", "bob", "--json"))[-1]["id"]
    ok("ledger", "waive", str(waived), "--note", "club project")
    site = open_site()
    try:
        day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Zoé")
        day_passes.sell(site, cents=800, method=PaymentMethod.ONLINE, name="Yann",
                        payment_reference="HA-78")
    finally:
        site.store.close()
    cli_clock.now = datetime(2026, 11, 28, 18, 0, tzinfo=cli_clock.now.tzinfo)
    ok("cash", "count", "222", "--by", "Marie")  # expected 100 + 100 + 20 + 5 = 225: 3.00 short
    ok("cash", "deposit", "200", "--reference", "BORD-12")
    cli_clock.now = datetime(2026, 12, 1, 12, 0, tzinfo=cli_clock.now.tzinfo)
    ok("ledger", "add", "ada", "payment", "5")
    return json.loads(ok("ledger", "list", "--month", "2026-11", "--json"))


def test_the_paheko_file_imports_every_entry_of_the_month_once_and_balances(november, tmp_path):
    out = tmp_path / "paheko-2026-11.csv"
    ok("export", "ledger", "--format", "paheko", "--month", "2026-11", "--output", str(out))
    assert oct(out.stat().st_mode & 0o777) == "0o640"
    lines = read_paheko(out.read_text(encoding="utf-8"), (2026, 11))

    pieces = Counter(line["Numéro pièce comptable"] for line in lines)
    assert set(pieces.values()) == {1}
    assert {p for p in pieces if p.startswith("SEUIL-E")} == {f"SEUIL-E{e['id']}" for e in november}
    assert [p for p in pieces if not p.startswith("SEUIL-E")] == ["SEUIL-D1"]  # cash to the bank

    net = net_by_account_paheko(lines)
    assert sum(net.values()) == 0  # debits equal credits
    members = [e for e in november if e["member_id"] is not None]
    # export totals = ledger totals: what members owe (4110) is minus their entries' sum
    assert net["4110"] == -sum(e["cents"] for e in members)
    cash_in = sum(e["cents"] for e in november if e["kind"] == "payment" and e["method"] == "cash")
    assert net["530"] == cash_in - 300 - 20000  # the shortfall, the deposit
    assert net["512"] == 1500 + 800 + 20000 and net["5112"] == 6000
    assert net["756"] == -30000 and net["706"] == -(1500 + 500 + 800) and net["7088"] == -450
    assert net["709"] == 450 and net["6588"] == 300

    by_piece = {line["Numéro pièce comptable"]: line for line in lines}
    dues = next(e for e in november if e["reference"] == "membership:2")
    assert by_piece[f"SEUIL-E{dues['id']}"]["Type"] == "Créance"
    cash = next(e for e in november if e["description"] == "Café; thé, \"bio\"")
    row = by_piece[f"SEUIL-E{cash['id']}"]
    assert (row["Type"], row["Compte de débit"], row["Compte de crédit"], row["Montant"],
            row["Date"], row["Membres associés"]) == ("Avancé", "530", "4110", "20,00", "02/11/2026",
                                                      "Ada Lovelace")
    assert row["Libellé"] == 'Café; thé, "bio" (Ada Lovelace)'
    assert {line["Type"] for line in lines if line["Compte de crédit"] == "530"} <= {"Virement", "Dépense",
                                                                                  "Avancé"}
    hostile = [line for line in lines if "HYPERLINK" in line["Membres associés"]]
    assert hostile and all(line["Membres associés"].startswith("'=") for line in hostile)


def test_the_online_payments_paheko_takes_from_helloasso_are_left_out_on_request(november):
    result = run("export", "ledger", "--format", "paheko", "--month", "2026-11", "--without-online")
    assert result.code == 0 and "3 online entries left out" in result.err
    lines = read_paheko(result.out, (2026, 11))
    assert not {line["Référence paiement"] for line in lines} & {"HA-77", "HA-78"}
    assert not [line for line in lines if "Yann" in line["Membres associés"]]  # the online pass's charge
    net = net_by_account_paheko(lines)
    members = [e for e in november if e["member_id"] is not None]
    assert net["4110"] == -sum(e["cents"] for e in members) + 1500  # the online top-up: Paheko's own
    assert sum(net.values()) == 0


def test_the_fec_has_18_columns_two_balanced_lines_per_entry_and_every_entry_once(november):
    lines = read_fec(ok("export", "ledger", "--format", "fec", "--month", "2026-11"))
    entries: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        entries[line["EcritureNum"]].append(line)
    assert [int(n) for n in entries] == list(range(1, len(november) + 2))  # + the deposit
    for number, pair in entries.items():
        assert len(pair) == 2 and sum(p["debit"] for p in pair) == sum(p["credit"] for p in pair), number
        assert len({p["PieceRef"] for p in pair}) == 1
    assert {p[0]["PieceRef"] for p in entries.values()} == (
        {f"SEUIL-E{e['id']}" for e in november} | {"SEUIL-D1"})
    assert sum(line["debit"] for line in lines) == sum(line["credit"] for line in lines)
    assert {line["JournalCode"] for line in lines} <= {"VT", "CA", "BQ", "OD", "CV"}
    ada = [line for line in lines if line["CompAuxLib"] == "Ada Lovelace"]
    assert ada and {line["CompteNum"] for line in ada} == {"4110"}
    assert all(date(2026, 11, 1) <= datetime.strptime(line["EcritureDate"], "%Y%m%d").date()
               <= date(2026, 11, 30) for line in lines)


def test_account_numbers_come_from_seuil_toml_and_a_bad_one_is_refused(november, site_dir):
    config = site_dir / "seuil.toml"
    text = config.read_text()
    assert 'members = "4110"' in text and 'cash = "530"' in text  # seuil init writes them
    config.write_text(text.replace('members = "4110"', 'members = "411"')
                      .replace('cash = "530"', 'cash = "531"'))
    lines = read_fec(ok("export", "ledger", "--format", "fec", "--month", "2026-11"))
    assert {"411", "531"} <= {line["CompteNum"] for line in lines}
    assert "4110" not in {line["CompteNum"] for line in lines}
    config.write_text(config.read_text().replace('cash = "531"', 'cash = "caisse 1"'))
    result = run("export", "ledger", "--format", "fec", "--month", "2026-11")
    assert result.code == 1 and "accounts.cash" in result.err
