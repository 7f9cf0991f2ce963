"""``seuil ledger ...`` (the treasurer's book) and ``seuil export ledger``."""

from __future__ import annotations

import argparse
import csv
import os
import sys
from datetime import date
from typing import TextIO

from access import texts
from access.cli.context import CommandContext
from access.cli.members import MEMBER_HELP
from access.cli.output import local_time, print_json, print_rows
from access.cli.parsing import parse_cents, parse_day
from access.domain.money import Money
from access.domain.schedule import SiteClock
from access.errors import InvalidInput
from access.services import accounts, dues
from access.services.ledger import EntryKind, PaymentMethod
from access.spreadsheet import text_cell

EXPORT_MODE = 0o640
CSV_COLUMNS = ("date", "entry", "member_id", "member", "email", "kind", "amount", "currency", "method",
               "reference", "description", "created_by", "account")


def _money(cents: int, currency: str) -> str:
    return f"{Money(cents, currency).plain()} {currency}"


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:.2f} h"


def balance(ctx: CommandContext) -> int:
    site = ctx.site()
    if ctx.args.member is None:
        rows = accounts.all_balances(site, include_zero=ctx.args.all)
        print_rows(rows, as_json=ctx.args.json, headers=["id", "member", "balance", "dues owed"],
                   cells=lambda b: [b.member_id, b.member, _money(b.cents, b.currency),
                                    _money(b.dues_owed_cents, b.currency)],
                   empty="every balance is at zero")
        return 0
    info = accounts.member_balance(site, ctx.args.member)
    if ctx.args.json:
        print_json(info)
        return 0
    print(f"{info.member}: {_money(info.cents, info.currency)}")
    if info.dues_owed_cents:
        print(f"  dues owed: {_money(info.dues_owed_cents, info.currency)} "
              "(seuil ledger add MEMBER payment --dues)")
    for resource, seconds in sorted(info.prepaid_seconds.items()):
        print(f"  prepaid on {resource}: {_hours(seconds)} left")
    return 0


def list_(ctx: CommandContext) -> int:
    site = ctx.site()
    rows = accounts.list_entries(site, member_ref=ctx.args.member, month=ctx.args.month)
    print_rows(rows, as_json=ctx.args.json,
               headers=["id", "date", "member", "kind", "account", "amount", "method", "reference",
                        "description"],
               cells=lambda e: [e.id, local_time(e.created_at, site.clock), e.member, e.kind, e.account,
                                _money(e.cents, e.currency), e.method, e.reference, e.description],
               empty="no entries")
    return 0


def add(ctx: CommandContext) -> int:
    a = ctx.args
    site = ctx.site()
    kind = EntryKind(a.kind)
    on = parse_day(a.date, "--date")
    if a.hours is not None:
        if kind is not EntryKind.CREDIT or a.amount is not None:
            raise InvalidInput("--hours is for volunteer credits, without an amount: "
                               "seuil ledger add MEMBER credit --hours 3")
        entry = accounts.add_volunteer_credit(site, a.member, accounts.parse_hours(a.hours, "--hours"),
                                            description=a.note, on=on)
    elif a.dues:
        return _pay_dues(ctx, kind, on)
    else:
        if a.amount is None:
            raise InvalidInput(f"give the amount: seuil ledger add MEMBER {kind.value} 12.50")
        cents = parse_cents(a.amount, "amount", site.currency) or 0
        entry = accounts.add_entry(site, a.member, kind, cents,
                                 method=PaymentMethod(a.method) if a.method else None,
                                 reference=a.reference, description=a.note, on=on)
    if a.json:
        print_json(entry)
    else:
        print(f"entry #{entry.id}: {entry.kind} {_money(entry.cents, entry.currency)} for {entry.member}")
        print(f"balance: {_money(accounts.member_balance(site, str(entry.member_id)).cents, entry.currency)}")
    return 0


def _pay_dues(ctx: CommandContext, kind: EntryKind, on: date | None) -> int:
    a = ctx.args
    site = ctx.site()
    if kind is not EntryKind.PAYMENT or a.method is None:
        raise InvalidInput("--dues is for payments, with their method: "
                           "seuil ledger add MEMBER payment --dues --method transfer")
    paid = dues.pay(site, a.member, PaymentMethod(a.method), parse_cents(a.amount, "amount", site.currency),
                    reference=a.reference, on=on)
    if a.json:
        print_json(paid)
        return 0
    left = f", still owes {_money(paid.owed_cents, paid.currency)}" if paid.owed_cents else ""
    print(f"{paid.member} paid {_money(paid.cents, paid.currency)} of dues ({paid.method}){left}")
    return 0


def waive(ctx: CommandContext) -> int:
    site = ctx.site()
    entry = accounts.waive(site, ctx.args.entry, description=ctx.args.note)
    print(f"entry #{entry.id}: waiver {_money(entry.cents, entry.currency)} for {entry.member} "
          f"({entry.description})")
    return 0


def hours(ctx: CommandContext) -> int:
    a = ctx.args
    site = ctx.site()
    seconds = accounts.parse_hours(a.hours)
    price = parse_cents(a.price, "--price", site.currency)
    info = accounts.grant_hours(site, a.member, seconds, a.resource, price_cents=price, description=a.note)
    print(f"{info.member}: {_hours(info.prepaid_seconds.get(a.resource, 0))} prepaid on {a.resource}, "
          f"balance {_money(info.cents, info.currency)}")
    return 0


def export(ctx: CommandContext) -> int:
    a = ctx.args
    site = ctx.site()
    rows = accounts.list_entries(site, month=a.month)
    if a.output:
        # Members' names and money: readable by the service's group at most, like the backups.
        descriptor = os.open(a.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, EXPORT_MODE)
        os.chmod(a.output, EXPORT_MODE)
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as out:
            _write_csv(out, rows, site.clock)
        print(f"{texts.counted(len(rows), 'entry', 'entries')} written to {a.output}", file=sys.stderr)
    else:
        _write_csv(sys.stdout, rows, site.clock)
    return 0


def _write_csv(out: TextIO, rows: list[accounts.EntryInfo], clock: SiteClock) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in rows:
        writer.writerow([clock.local(e.created_at).strftime("%Y-%m-%d %H:%M"), e.id, e.member_id,
                         text_cell(e.member), text_cell(e.email or ""), e.kind,
                         Money(e.cents, e.currency).plain(), e.currency, e.method or "",
                         text_cell(e.reference or ""), text_cell(e.description),
                         text_cell(e.created_by), e.account])


LEDGER_EPILOG = """examples:
  seuil ledger balance ada
  seuil ledger add ada payment 20 --method transfer --reference VIR-2026-11-03
  seuil ledger add bob payment --dues --method cheque --reference CHQ-0042
  seuil ledger add ada credit --hours 3 --note "workshop set-up"
  seuil ledger waive 42 --note "repaired the club's printer"
  seuil ledger hours ada 10 --resource 3d-printer --price 15
  seuil export ledger --format csv --month 2026-11 --output ledger-2026-11.csv"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "ledger", help="balances, payments, credits, waivers, prepaid hours",
        description="The contributions ledger. Amounts are typed positive; the kind gives the sign.",
        epilog=LEDGER_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = sub.add_parser("balance", help="a member's balance and prepaid hours, or every non-zero balance")
    p.add_argument("member", nargs="?", help=MEMBER_HELP)
    p.add_argument("--all", action="store_true", help="without MEMBER: also list balances at zero")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=balance)

    p = sub.add_parser("list", help="entries, in date order")
    p.add_argument("member", nargs="?", help=MEMBER_HELP)
    p.add_argument("--month", metavar="YYYY-MM")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)

    p = sub.add_parser("add", help="a payment, a credit, a charge or a waiver")
    p.add_argument("member", help=MEMBER_HELP)
    p.add_argument("kind", choices=[k.value for k in EntryKind],
                   help="machine credit; dues come from memberships (seuil member add/renew/pay)")
    p.add_argument("amount", nargs="?", help="in the site currency, e.g. 12.50")
    p.add_argument("--hours", help="credit: volunteer hours, valued at [site] volunteer_hour")
    p.add_argument("--method", choices=[m.value for m in PaymentMethod],
                   help="payment: how it was paid (default: cash)")
    p.add_argument("--dues", action="store_true",
                   help="payment: of owed dues (oldest membership first; default amount: all "
                        "owed), not machine credit")
    p.add_argument("--reference", help="a receipt or order number; the same one is refused twice")
    p.add_argument("--note", default="", help="what it is for")
    p.add_argument("--date", metavar="DATE", help="when it happened (default: now)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)

    p = sub.add_parser("waive", help="forgive a charge (a waiver of the same amount)")
    p.add_argument("entry", type=int, help="the charge's entry id (seuil ledger list MEMBER)")
    p.add_argument("--note", default="", help="why")
    p.set_defaults(handler=waive)

    p = sub.add_parser("hours", help="prepaid hours on a machine, used before money")
    p.add_argument("member", help=MEMBER_HELP)
    p.add_argument("hours", help="e.g. 10 or 1.5")
    p.add_argument("--resource", required=True, help="a priced resource, e.g. 3d-printer")
    p.add_argument("--price", help="what the member paid for them: charged to the ledger")
    p.add_argument("--note", default="")
    p.set_defaults(handler=hours)

    parser = commands.add_parser("export", help="files for the treasurer's accounting",
                                 description="Export data for other tools.")
    sub = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = sub.add_parser("ledger", help="ledger entries of a month, as CSV")
    p.add_argument("--format", choices=["csv"], default="csv")
    p.add_argument("--month", metavar="YYYY-MM", required=True)
    p.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(handler=export)
