"""Access core figures: decide() latency and `rules apply` time at 10,000 members / 50,000 cards.

    .venv/bin/python bench/bench_access.py [--members 10000] [--cards-per-member 5]

Prints each figure beside its target (issue "Access core"). Not a test: it only measures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from access.bootstrap import open_site
from access.domain.cards import card_hash
from access.domain.decide import decide
from access.services.rules import applied_rules, apply_rules
from access.services.site_init import init_site
from access.services.snapshot import build_snapshot
from access.store.models import Card, Member, MemberGroup, Membership, Training

GROUPS = ["members", "volunteers", "trainers"]
RESOURCES = ["front-door", "3d-printer", "sewing-machine"]


def populate(site_dir: Path, members: int, cards_per_member: int) -> list[str]:
    site = open_site(site_dir / "seuil.toml")
    now = datetime.now(UTC)
    rng = random.Random(42)
    hashes = []
    with site.store.engine.begin() as connection:
        connection.execute(insert(Member), [
            {"id": i, "name": f"Member {i:05d}", "email": f"m{i}@example.org",
             "show_on_dashboard": False, "note": "", "created_at": now}
            for i in range(1, members + 1)])
        connection.execute(insert(MemberGroup), [
            {"member_id": i, "group_name": rng.choice(GROUPS)} for i in range(1, members + 1)])
        connection.execute(insert(Membership), [
            {"member_id": i, "plan": "monthly", "valid_from": now - timedelta(days=10),
             "valid_until": now + timedelta(days=rng.randint(-20, 40)), "price_cents": 10000,
             "currency": "EUR", "created_at": now} for i in range(1, members + 1)])
        connection.execute(insert(Training), [
            {"member_id": i, "skill": "3d-printing", "granted_at": now, "expires_at": None}
            for i in range(1, members + 1, 3)])
        rows = []
        for i in range(members * cards_per_member):
            hashed = card_hash(f"{i:08X}", site.secret)
            hashes.append(hashed)
            rows.append({"card_hash": hashed, "member_id": i % members + 1,
                         "status": "active" if i % 10 else "lost", "label": "",
                         "enrolled_at": now})
        connection.execute(insert(Card), rows)
    site.store.close()
    return hashes


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--cards-per-member", type=int, default=5)
    parser.add_argument("--decisions", type=int, default=100_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        site_dir = Path(tmp) / "site"
        init_site(site_dir)
        started = time.perf_counter()
        hashes = populate(site_dir, args.members, args.cards_per_member)
        print(f"population: {args.members:,} members, {len(hashes):,} cards "
              f"(written in {time.perf_counter() - started:.1f} s)")

        site = open_site(site_dir / "seuil.toml")
        started = time.perf_counter()
        with site.store.read() as session:
            current = applied_rules(session)
            snapshot = build_snapshot(session, site, current.version, current.rules)
        build_s = time.perf_counter() - started
        print(f"snapshot build from the database: {build_s * 1000:.0f} ms")

        rng = random.Random(7)
        unknown = [f"{rng.getrandbits(256):064x}" for _ in range(1000)]
        pool = hashes + unknown
        # Decide at today's noon, local time, so open hours (the allowed path) are measured too.
        now = site.clock.local(datetime.now(UTC)).replace(hour=12, minute=0)
        samples_us = []
        outcomes: dict[str, int] = {}
        for _ in range(args.decisions):
            card, resource = rng.choice(pool), rng.choice(RESOURCES)
            occupant = rng.choice([None, None, 1])
            t0 = time.perf_counter_ns()
            decision = decide(card, resource, now, snapshot, occupant=occupant)
            samples_us.append((time.perf_counter_ns() - t0) / 1000)
            outcomes[decision.reason.value] = outcomes.get(decision.reason.value, 0) + 1
        p99_ms = percentile(samples_us, 0.99) / 1000
        print(f"decide(): {args.decisions:,} calls, p50 {statistics.median(samples_us):.1f} us, "
              f"p99 {percentile(samples_us, 0.99):.1f} us, max {max(samples_us):.0f} us "
              f"-- target p99 < 1 ms: {'OK' if p99_ms < 1 else 'MISSED'}")
        print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))

        rules_path = site.config.rules_path
        rules_path.write_text(rules_path.read_text().replace("hourly = 2.00", "hourly = 2.50")
                              .replace('name = "volunteers-door"', 'name = "volunteers-entry"'))
        started = time.perf_counter()
        result = apply_rules(site)
        apply_s = time.perf_counter() - started
        started = time.perf_counter()
        with site.store.read() as session:
            current = applied_rules(session)
            build_snapshot(session, site, current.version, current.rules)
        rebuild_s = time.perf_counter() - started
        total = apply_s + rebuild_s
        print(f"rules apply ({len(result.changes)} changes) at this population: "
              f"{apply_s * 1000:.0f} ms, + snapshot rebuild {rebuild_s * 1000:.0f} ms "
              f"= {total * 1000:.0f} ms -- target < 2 s: {'OK' if total < 2 else 'MISSED'}")
        site.store.close()


if __name__ == "__main__":
    main()
