"""``seuil payments pending|orphans``: online checkouts the treasurer keeps an eye on."""

from __future__ import annotations

import argparse

from access.cli.context import CommandContext
from access.cli.output import local_time, print_rows
from access.services import checkouts
from access.texts import admin_money


def _listing(ctx: CommandContext, rows: list[checkouts.CheckoutView], empty: str) -> int:
    clock = ctx.site().clock
    print_rows(rows, as_json=ctx.args.json,
               headers=["id", "started", "provider", "checkout", "for", "amount", "state", "order",
                        "problem"],
               cells=lambda c: [c.id, local_time(c.started_at, clock), c.provider, c.checkout_id,
                                c.purpose, admin_money(c.cents, c.currency), c.state,
                                c.order_reference, c.problem], empty=empty)
    return 0


def pending(ctx: CommandContext) -> int:
    return _listing(ctx, checkouts.pending(ctx.site()), "no checkout is waiting for its payer")


def orphans(ctx: CommandContext) -> int:
    return _listing(ctx, checkouts.orphans(ctx.site()), "every paid checkout made a pass or a top-up")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "payments", help="online checkouts: still pending, or paid with nothing to show",
        description="Online checkouts (HelloAsso) are kept until final; the hub confirms the "
                    "pending ones with the provider.")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("pending", help="checkouts someone may still pay")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=pending)
    p = sub.add_parser("orphans", help="paid checkouts that made no pass or top-up: refund or "
                       "enter them by hand")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=orphans)
