"""``seuil report usage|visits|occupancy``."""

from __future__ import annotations

import argparse

from access import texts
from access.cli.context import CommandContext
from access.cli.output import local_time, print_json, print_table
from access.cli.parsing import parse_day
from access.domain.money import Money
from access.services import reports
from access.services.reports import Period


def _period(ctx: CommandContext) -> Period:
    return Period.of(ctx.site(), parse_day(ctx.args.from_, "--from"), parse_day(ctx.args.to, "--to"))


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}"


def usage(ctx: CommandContext) -> int:
    site = ctx.site()
    period = _period(ctx)
    rows = reports.usage(site, period)
    if ctx.args.json:
        print_json(rows)
        return 0
    money = site.currency
    print(f"Machine use, {period.first} to {period.last}: {texts.counted(len(rows), 'session', 'sessions')}")
    for by in ("resource", "member"):
        print()
        print_table([by, "sessions", "time", "charged"],
                    [[t.key, t.count, _duration(t.seconds), f"{Money(t.cents, money).plain()} {money}"]
                     for t in reports.usage_totals(rows, by)], empty="  nothing")
    return 0


def visits(ctx: CommandContext) -> int:
    site = ctx.site()
    period = _period(ctx)
    rows = reports.visits(site, period)
    if ctx.args.json:
        print_json(rows)
        return 0
    print(f"Visits, {period.first} to {period.last}: {texts.counted(len(rows), 'visit', 'visits')}, "
          f"{texts.counted(len({r.member_id for r in rows}), 'member', 'members')}")
    print()
    print_table(["member", "in", "out", "time", "auto out"],
                [[r.member, local_time(r.checked_in, site.clock), local_time(r.checked_out, site.clock),
                  _duration(r.seconds), r.auto_checked_out] for r in rows], empty="no visits")
    return 0


def occupancy(ctx: CommandContext) -> int:
    site = ctx.site()
    period = _period(ctx)
    rows = reports.occupancy(site, period)
    if ctx.args.json:
        print_json(rows)
        return 0
    print(f"Occupancy, {period.first} to {period.last} (capacity {site.config.site.capacity})")
    print()
    print_table(["day", "peak", "average", "visits", "members"],
                [[r.day, r.peak, f"{r.average:.1f}", r.visits, r.members] for r in rows],
                empty="no visits and no samples in this period")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("report", help="machine use, visits, occupancy over a period",
                                 description="Reports over service days (cut-off to cut-off). "
                                             "Default period: this month up to today.")
    sub = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    for name, handler, text in (
        ("usage", usage, "who used which machine: sessions, hours, money per resource and member"),
        ("visits", visits, "check-ins and check-outs"),
        ("occupancy", occupancy, "per day: peak and average people in, visits, members"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--from", dest="from_", metavar="DATE", help="first day (default: the 1st)")
        p.add_argument("--to", metavar="DATE", help="last day, included (default: today)")
        p.add_argument("--json", action="store_true", help="one object per row, for scripts")
        p.set_defaults(handler=handler)
