"""``seuil cash count|deposit|status``: the cash box, counted and taken to the bank."""

from __future__ import annotations

import argparse

from access.cli.context import CommandContext
from access.cli.output import print_json
from access.cli.parsing import parse_cents
from access.errors import InvalidInput
from access.services import cash_box
from access.texts import money


def _amount(ctx: CommandContext) -> int:
    site = ctx.site()
    cents = parse_cents(ctx.args.amount, "amount", site.currency)
    if cents is None:
        raise InvalidInput("give the amount, e.g. seuil cash count 123.50")
    return cents


def count(ctx: CommandContext) -> int:
    a = ctx.args
    line = cash_box.count(ctx.site(), _amount(ctx), counted_by=a.by, note=a.note, opening=a.opening)
    if a.json:
        print_json(line)
        return 0
    m = line.currency
    print(f"count #{line.id} by {line.counted_by}: {money(line.counted_cents or 0, m, 'en')}")
    print(f"  previous count {money(line.opening_cents, m, 'en')} + declared "
          f"{money(line.declared_cents, m, 'en')} - taken to the bank "
          f"{money(line.deposited_cents, m, 'en')} = expected {money(line.expected_cents, m, 'en')}")
    if line.opening:
        print("  opening count: the box starts here, no difference recorded")
    elif line.difference_cents:
        word = "surplus" if line.difference_cents > 0 else "shortfall"
        print(f"  {word}: {money(abs(line.difference_cents), m, 'en')} (a ledger entry of its own)")
    else:
        print("  the box balances")
    return 0


def deposit(ctx: CommandContext) -> int:
    a = ctx.args
    made = cash_box.deposit(ctx.site(), _amount(ctx), reference=a.reference, note=a.note,
                            deposited_by=a.by)
    if a.json:
        print_json(made)
    else:
        print(f"deposit #{made.id}: {money(made.cents, made.currency, 'en')} taken to the bank "
              f"by {made.deposited_by}")
    return 0


def status(ctx: CommandContext) -> int:
    line = cash_box.open_period(ctx.site())
    if ctx.args.json:
        print_json(line)
        return 0
    m = line.currency
    print(f"since the last count: declared {money(line.declared_cents, m, 'en')}, taken to the bank "
          f"{money(line.deposited_cents, m, 'en')}; the box should hold "
          f"{money(line.expected_cents, m, 'en')}")
    return 0


CASH_EPILOG = """examples:
  seuil cash count 40 --opening --by "Marie Curie"      (the first count: the float)
  seuil cash count 123.50 --by "Marie Curie"
  seuil cash deposit 100 --reference BORD-2026-11-30
  seuil report cash --from 2026-11-01"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "cash", help="the cash box: count it, take cash to the bank",
        description="A count compares the box with the cash payments declared since the last "
                    "count; the difference is a ledger entry of its own.",
        epilog=CASH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("count", help="what the box holds now, counted by a volunteer")
    p.add_argument("amount", help="in the site currency, e.g. 123.50")
    p.add_argument("--by", metavar="NAME", help="who counted (default: you)")
    p.add_argument("--opening", action="store_true",
                   help="the first count: the box's float, no difference recorded")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=count)
    p = sub.add_parser("deposit", help="cash taken from the box to the bank")
    p.add_argument("amount", help="in the site currency, e.g. 100")
    p.add_argument("--reference", help="the bank's deposit slip number; refused twice")
    p.add_argument("--by", metavar="NAME", help="who took it (default: you)")
    p.add_argument("--note", default="")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=deposit)
    p = sub.add_parser("status", help="declared and taken since the last count")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=status)
