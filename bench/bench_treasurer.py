"""The treasurer's month on five years of history (30 members): the figures, the exports, the PDF.

    .venv/bin/python bench/bench_treasurer.py [--years 5]

Prints each figure beside its target. Not a test: it only measures (noisy on a shared machine).
The history is tests/support/history.py's (run from a checkout).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from access.bootstrap import open_site
from access.pdf.month_report import render
from access.services import books, month_report
from access.services.site_init import init_site
from tests.support.history import fill

TARGETS_S = {"month's figures": 2.0, "Paheko export": 1.0, "FEC export": 1.0, "PDF (3 pages)": 3.0}
"""On this 2-core machine; a Pi 4 is about 4 times slower, and a month is closed once."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        init_site(Path(folder) / "site", site_name="Bench")
        site = open_site(Path(folder) / "site" / "seuil.toml")
        site.now = lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        started = time.perf_counter()
        history = fill(site, last_month=date(2026, 11, 1), years=args.years)
        print(f"history: {history.entries} ledger entries over {args.years} years, "
              f"{time.perf_counter() - started:.1f} s to write")
        figures: dict[str, float] = {}
        started = time.perf_counter()
        report = month_report.month(site, "2026-11")
        figures["month's figures"] = time.perf_counter() - started
        for name, make in (("Paheko export", books.paheko), ("FEC export", books.fec_file)):
            started = time.perf_counter()
            make(site, "2026-11")
            figures[name] = time.perf_counter() - started
        started = time.perf_counter()
        render(report, Path(folder) / "month.pdf", "fr")
        figures["PDF (3 pages)"] = time.perf_counter() - started
        for name, seconds in figures.items():
            verdict = "ok" if seconds <= TARGETS_S[name] else "SLOW"
            print(f"{name:16} {seconds:6.2f} s   target <= {TARGETS_S[name]:.1f} s   {verdict}")
        site.store.close()


if __name__ == "__main__":
    main()
