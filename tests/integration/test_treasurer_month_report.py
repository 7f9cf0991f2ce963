"""The month's report for the board, as a PDF, over five years of a 30-member association."""

import json
import subprocess
from datetime import UTC, date, datetime

import pytest

from tests.integration.cli_helpers import db_dump, run

pytestmark = pytest.mark.both_backends


@pytest.fixture
def five_years(site_dir, cli_clock):
    from access.bootstrap import open_site
    from tests.support.history import fill

    cli_clock.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    site = open_site()
    try:
        history = fill(site, last_month=date(2026, 11, 1))
    finally:
        site.store.close()
    assert history.first == date(2021, 12, 1)
    return history


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.replace("\u202f", " ").replace("\xa0", " ").split())


def net_income_of_the_month() -> int:
    """From the ledger itself: what was charged in November, less what was forgiven."""
    entries = json.loads(run("ledger", "list", "--month", "2026-11", "--json").out)
    return -sum(e["cents"] for e in entries if e["kind"] == "charge") - sum(
        e["cents"] for e in entries if e["kind"] == "waiver")


def test_the_month_for_the_board_is_three_pages_of_charts_and_tables_in_french(five_years, tmp_path):
    pdf = tmp_path / "rapport-2026-11.pdf"
    result = run("report", "month", "2026-11", "--pdf", str(pdf), "--lang", "fr")
    assert result.code == 0, result.err
    assert "3 pages written" in result.err
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert [p.name for p in pages] == ["page-1.png", "page-2.png", "page-3.png"]
    assert all(p.stat().st_size > 8_000 for p in pages)  # drawn pages, not blank ones

    text = pdf_text(pdf)
    net = net_income_of_the_month()
    euros, cents = divmod(net, 100)
    for words in ("Rapport du mois · novembre 2026", "Recettes par nature", "Cotisations", "Pass journée",
                  "Encaissements par moyen de paiement", "Pass journée : prix libre", "Fréquentation",
                  "Heures machine", "3d-printer", "Livre de caisse", "Adhérents",
                  "Arrivés (1) Margaux Bonnet", "Partis (1) Bob Marley", "Bénévolat",
                  f"{euros:,}".replace(",", " ") + f",{cents:02d} €",
                  "page 3/3"):
        assert words in text, words


def test_the_figures_agree_with_the_ledger_and_the_english_pdf_says_the_same(five_years, tmp_path):
    figures = json.loads(run("report", "month", "2026-11", "--json").out)
    assert figures["income_cents"] == net_income_of_the_month()
    assert (figures["joined"], figures["left"]) == (["Margaux Bonnet"], ["Bob Marley"])
    assert figures["members_active"] == 27  # 30, less the three who left before November
    book = json.loads(run("report", "cash", "--from", "2026-11-01", "--to", "2026-11-30", "--json").out)
    assert figures["cash"] == book["counts"] and len(book["counts"]) == 1
    assert sum(i["cents"] for i in figures["income"] if i["kind"] == "day_pass") == sum(figures["day_passes"])

    pdf = tmp_path / "report-2026-11.pdf"
    assert run("report", "month", "2026-11", "--pdf", str(pdf), "--lang", "en").code == 0
    text = pdf_text(pdf)
    euros, cents = divmod(figures["income_cents"], 100)
    for words in ("Monthly report · November 2026", "Income by kind", "Day passes: pay what you can",
                  "Cash-box book", "Joined (1) Margaux Bonnet", f"€{euros:,}.{cents:02d}", "page 1 of 3"):
        assert words in text, words


def test_a_month_that_is_not_one_writes_nothing(site_dir, cli_clock, tmp_path, db):
    before = db_dump(db)
    pdf = tmp_path / "x.pdf"
    result = run("report", "month", "2026-13", "--pdf", str(pdf))
    assert result.code == 1 and "is not a month" in result.err and not pdf.exists()
    empty = run("report", "month", "2026-11", "--pdf", str(pdf), "--lang", "en")
    assert empty.code == 0 and "No day pass this month." in pdf_text(pdf)
    assert db_dump(db) == before
