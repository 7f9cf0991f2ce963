"""``seuil report usage|visits|occupancy|cash``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from access.cli.context import CommandContext
from access.cli.output import local_time, print_json, print_table
from access.cli.parsing import parse_day
from access.services import cash_box, reports
from access.services.reports import Period
from access.texts import admin_money, plural


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
    print(f"Machine use, {period.first} to {period.last}: {plural(len(rows), 'session')}")
    for by in ("resource", "member"):
        print()
        print_table([by, "sessions", "time", "charged"],
                    [[t.key, t.count, _duration(t.seconds), admin_money(t.cents, money)]
                     for t in reports.usage_totals(rows, by)], empty="  nothing")
    return 0


def visits(ctx: CommandContext) -> int:
    site = ctx.site()
    period = _period(ctx)
    rows = reports.visits(site, period)
    if ctx.args.json:
        print_json(rows)
        return 0
    print(f"Visits, {period.first} to {period.last}: {plural(len(rows), 'visit')}, "
          f"{plural(len({r.member_id for r in rows}), 'member')}")
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


def cash(ctx: CommandContext) -> int:
    """The livre de caisse: one line per count of the period, then what is not counted yet."""
    site = ctx.site()
    period = _period(ctx)
    start, end = period.bounds(site)
    lines = cash_box.book(site, start, end)
    waiting = cash_box.open_period(site) if end > site.now() else None
    if ctx.args.json:
        print_json({"counts": [line.to_json() for line in lines],
                    "deposits": [d.to_json() for d in cash_box.deposits(site, start, end)],
                    "not_counted": waiting.to_json() if waiting else None})
        return 0
    m = site.currency

    def cents(value: int | None) -> str:
        return "-" if value is None else admin_money(value, m)

    print(f"Cash box (livre de caisse), {period.first} to {period.last}: {len(lines)} counts")
    print()
    rows = [[f"#{c.id}", local_time(c.counted_at, site.clock), c.counted_by, cents(c.opening_cents),
             cents(c.declared_cents), cents(c.deposited_cents), cents(c.expected_cents),
             cents(c.counted_cents), "opening" if c.opening else cents(c.difference_cents)] for c in lines]
    if waiting is not None and (waiting.declared_cents or waiting.deposited_cents):
        rows.append(["not counted", "-", "-", cents(waiting.opening_cents), cents(waiting.declared_cents),
                     cents(waiting.deposited_cents), cents(waiting.expected_cents), "-", "-"])
    print_table(["count", "when", "by", "previous", "declared", "to bank", "expected", "counted",
                 "difference"], rows, empty="no counts in this period")
    if lines:
        print()
        print(f"declared {cents(sum(c.declared_cents for c in lines))}, taken to the bank "
              f"{cents(sum(c.deposited_cents for c in lines))}, differences "
              f"{cents(sum(c.difference_cents for c in lines))}")
    return 0


def month(ctx: CommandContext) -> int:
    """The month for the board: a PDF (``--pdf FILE``), or its figures as text or JSON."""
    from access.services import month_report

    a = ctx.args
    site = ctx.site()
    report = month_report.month(site, a.month)
    language = a.lang or site.config.site.locale
    if a.pdf:
        from access.pdf.month_report import render

        pages = render(report, Path(a.pdf), language)
        print(f"{pages} pages written to {a.pdf}", file=sys.stderr)
        return 0
    m = report.currency
    if a.json:
        print_json({"month": report.month, "income_cents": report.income_cents,
                    "income": [{"kind": i.kind.value, "entries": i.entries, "cents": i.cents,
                                "waived_cents": i.waived_cents} for i in report.income],
                    "received": report.received, "day_passes": report.day_passes,
                    "cash": [c.to_json() for c in report.cash], "deposited_cents": report.deposited_cents,
                    "machines": [{"resource": x.resource, "sessions": x.sessions, "seconds": x.seconds,
                                  "cents": x.cents} for x in report.machines],
                    "visits": sum(d.visits for d in report.days), "joined": report.joined,
                    "left": report.left, "members_active": report.members_active,
                    "volunteer_seconds": report.volunteer_seconds,
                    "paid_twice": len(report.paid_twice), "paid_twice_cents": sum(report.paid_twice)})
        return 0
    print(f"{report.site_name}, {report.month}: net income {admin_money(report.income_cents, m)}")
    print_table(["kind", "entries", "charged", "waived"],
                [[i.kind.value, i.entries, admin_money(i.cents, m), admin_money(i.waived_cents, m)]
                 for i in report.income], empty="no charges")
    print(f"{len(report.day_passes)} day passes, {sum(d.visits for d in report.days)} visits, "
          f"{report.members_active} active members ({len(report.joined)} joined, {len(report.left)} left)")
    if report.paid_twice:
        print(f"{len(report.paid_twice)} paid twice: {admin_money(sum(report.paid_twice), m)} held on "
              "their ledgers, to refund or keep as a gift (seuil payments twice)")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("report", help="machine use, visits, occupancy, the cash box over a period",
                                 description="Reports over service days (cut-off to cut-off). "
                                             "Default period: this month up to today.")
    sub = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    for name, handler, text in (
        ("usage", usage, "who used which machine: sessions, hours, money per resource and member"),
        ("visits", visits, "check-ins and check-outs"),
        ("occupancy", occupancy, "per day: peak and average people in, visits, members"),
        ("cash", cash, "the cash box book: declared, counted, taken to the bank, difference, by count"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--from", dest="from_", metavar="DATE", help="first day (default: the 1st)")
        p.add_argument("--to", metavar="DATE", help="last day, included (default: today)")
        p.add_argument("--json", action="store_true", help="one object per row, for scripts")
        p.set_defaults(handler=handler)
    text = "the month for the board: income, day passes, cash box, occupancy, machines, members"
    p = sub.add_parser("month", help=text, description=text)
    p.add_argument("month", metavar="YYYY-MM")
    p.add_argument("--pdf", metavar="FILE", help="draw it as a PDF of three pages")
    p.add_argument("--lang", choices=["fr", "en"], help="default: [site] locale")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=month)
