"""Off-site copy figures: how long a change takes to reach the target, and how long
``seuil restore --from`` takes on a blank site for five years of history.

    .venv/bin/python bench/bench_restore.py [--years 5] [--changes 20]

The target is a folder (the same disk here, so it measures Seuil and Litestream, not a USB
stick's or a network's speed). Prints each figure beside its target (issue 20). Not a test.
The whole restore on a new card (install.sh included) is timed by the booted-container test
of the install issue; this is the part that is Seuil's.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_hub import build_history  # noqa: E402

from access.bootstrap import open_site  # noqa: E402
from access.cli.main import main as seuil  # noqa: E402
from access.config import load_config  # noqa: E402
from access.offsite import litestream, site_files  # noqa: E402
from access.offsite.status import check  # noqa: E402
from tests.support.sites import bench_site  # noqa: E402

MEMBERS = 40


def quiet(*argv: str) -> int:
    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        try:
            return seuil(list(argv))
        finally:
            sys.stdout = stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    print("(a shared 2-core machine: figures are noisy)")
    with bench_site("restore", MEMBERS) as (workdir, _broker):
        site_dir = workdir / "site"
        target = workdir / "usb" / "seuil"
        config_path = site_dir / "seuil.toml"
        text = config_path.read_text()
        config_path.write_text(re.sub(r'(?m)^(time = "04:30".*\n)',
                                      lambda m: m.group(1) + f'target = "{target}"\nallow_same_disk = true\n',
                                      text, count=1))
        site = open_site()
        start = time.perf_counter()
        counts = build_history(site, args.years)
        site.store.close()
        database = site_dir / "seuil.db"
        print(f"history of {args.years} years written in {time.perf_counter() - start:.0f} s "
              f"({database.stat().st_size / 2**20:.0f} MiB): "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        assert quiet("backup", "recovery-key") == 0
        key = (site_dir / "backup.key").read_text()
        with tempfile.TemporaryFile() as log:
            replicator = subprocess.Popen([sys.executable, "-m", "access.cli.main", "backup", "replicate"],
                                          stdout=log, stderr=subprocess.STDOUT)
            try:
                start = time.perf_counter()
                while check(load_config(config_path), settle_s=0.2).state != "ok":
                    time.sleep(0.5)
                print(f"first full copy on the target: {time.perf_counter() - start:.1f} s")
                config = load_config(config_path)
                files = litestream.Replicated(database, site_files.site_files_path(config))
                settings = litestream.write_config(workdir / "ls.yml", litestream.config_text(config, files))
                lags = []
                for i in range(args.changes):
                    before = litestream.replica_position(settings, database).txid
                    assert quiet("ledger", "add", f"#{i % MEMBERS + 1}", "payment", "1.00",
                                 "--method", "cash") == 0
                    written = time.perf_counter()
                    while litestream.replica_position(settings, database).txid <= before:
                        time.sleep(0.05)
                    lags.append(time.perf_counter() - written)
                print(f"a ledger row reaches the target in median {statistics.median(lags):.1f} s, "
                      f"max {max(lags):.1f} s over {len(lags)} rows   (target: at most 5 min of rows lost; "
                      f"Litestream sync interval 1 s)")
            finally:
                replicator.terminate()
                replicator.wait(timeout=30)
        new = workdir / "new-card"
        assert quiet("init", str(new)) == 0
        os.environ["SEUIL_CONFIG"] = str(new / "seuil.toml")
        (workdir / "key.txt").write_text(key)
        start = time.perf_counter()
        assert quiet("restore", "--from", str(target), "--recovery-key-file", str(workdir / "key.txt")) == 0
        took = time.perf_counter() - start
        restored = open_site()
        from sqlalchemy import func, select

        from access.store.models import AccessEvent

        with restored.store.read() as session:
            taps = session.scalar(select(func.count()).select_from(AccessEvent))
        restored.store.close()
        print(f"seuil restore --from (folder) of {args.years} years: {took:.1f} s, {taps:,} taps back "
              f"  (target: the whole new card, install.sh included, under 15 min)")


if __name__ == "__main__":
    main()
