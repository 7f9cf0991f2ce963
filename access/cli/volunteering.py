"""``seuil volunteer add|list``: volunteer time, counted as hours (in kind in the books)."""

from __future__ import annotations

import argparse

from access.cli.context import CommandContext
from access.cli.members import MEMBER_HELP
from access.cli.output import print_json, print_rows
from access.cli.parsing import parse_day
from access.services import accounts, volunteering
from access.texts import money


def add(ctx: CommandContext) -> int:
    a = ctx.args
    site = ctx.site()
    given = volunteering.record(site, a.member, accounts.parse_hours(a.hours), a.for_,
                                on=parse_day(a.date, "--date"), credit=a.credit)
    if a.json:
        print_json(given)
        return 0
    print(f"{given.member}: {given.hours:g} h on {given.worked_on} for {given.what_for} (#{given.id})")
    if given.credit_cents is not None:
        print(f"  credited {money(given.credit_cents, site.currency, 'en')} (entry #{given.credit_entry_id})")
    return 0


def list_(ctx: CommandContext) -> int:
    site = ctx.site()
    rows = volunteering.list_hours(site, member_ref=ctx.args.member, month=ctx.args.month)
    print_rows(rows, as_json=ctx.args.json, headers=["id", "day", "member", "hours", "for", "credited"],
               cells=lambda h: [h.id, h.worked_on, h.member, f"{h.hours:.2f}", h.what_for,
                                f"#{h.credit_entry_id}" if h.credit_entry_id else "no"],
               empty="no volunteer hours")
    if rows and not ctx.args.json:
        print(f"total: {sum(h.seconds for h in rows) / 3600:.2f} h")
    return 0


EPILOG = """examples:
  seuil volunteer add ada 3 --for "workshop set-up"
  seuil volunteer add bob 1.5 --for "front desk" --date 2026-11-14
  seuil volunteer list --month 2026-11

Hours are exported as an in-kind contribution (accounts 864/875), never as pay; see
docs/operations.md for why turning them into machine credit is off by default."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("volunteer", help="volunteer time: who, when, how long, what for",
                                 description="Volunteer time, counted in hours.", epilog=EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="record time a member gave")
    p.add_argument("member", help=MEMBER_HELP)
    p.add_argument("hours", help="e.g. 3 or 1.5")
    p.add_argument("--for", dest="for_", required=True, metavar="WHAT", help="what the time was for")
    p.add_argument("--date", metavar="DATE", help="the day (default: today)")
    p.add_argument("--credit", action="store_true",
                   help="also credit it at [site] volunteer_hour (off by default, see docs/operations.md)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)
    p = sub.add_parser("list", help="hours recorded, by day")
    p.add_argument("member", nargs="?", help=MEMBER_HELP)
    p.add_argument("--month", metavar="YYYY-MM")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)
