"""``seuil payments pending|orphans|twice``: online checkouts the treasurer keeps an eye on."""

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


def twice(ctx: CommandContext) -> int:
    """Second payments for one pass or top-up (cash, then the QR code): on the payer's ledger."""
    rows = checkouts.paid_twice(ctx.site())
    clock = ctx.site().clock
    print_rows(rows, as_json=ctx.args.json,
               headers=["id", "paid", "for", "paid before", "second payment", "order", "problem"],
               cells=lambda c: [c.id, local_time(c.started_at, clock), c.purpose, c.paid_before,
                                admin_money(c.second_cents, c.currency), c.order_reference, c.problem],
               empty="nobody paid twice")
    return 0


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
    p = sub.add_parser("twice", help="second payments for one pass or top-up (cash, then the QR "
                       "code): kept on the payer's ledger; refund them or keep them as a gift")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=twice)
