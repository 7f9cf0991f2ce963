"""``seuil card ...``"""

from __future__ import annotations

import argparse
import sys

from access.bus import oneshot
from access.bus.client import mqtt_login
from access.bus.topics import Topics
from access.cli.context import CommandContext, Handler
from access.cli.members import MEMBER_HELP
from access.cli.output import local_time, print_json, print_rows
from access.domain.cards import CardStatus
from access.services import cards


def enroll(ctx: CommandContext) -> int:
    if ctx.args.tap:
        card = cards.enroll_card(ctx.site(), ctx.args.member, card_hash=_tapped_card(ctx),
                                 label=ctx.args.label)
    else:
        card = cards.enroll_card(ctx.site(), ctx.args.member, uid=ctx.args.uid,
                                 label=ctx.args.label)
    if ctx.args.json:
        print_json(card)
    else:
        print(f"enrolled card #{card.id} ({card.fingerprint}) to {card.member}")
    return 0


def _tapped_card(ctx: CommandContext) -> str:
    """Wait for the next card at a node's reader; only its hash ever reaches us."""
    site = ctx.site()
    config = site.config
    node = ctx.args.tap
    config.node(node)  # a clear error for a node that does not exist
    cards.find_member_name(site, ctx.args.member)  # a typo fails before anyone taps
    tap = oneshot.wait_for_tap(
        config.mqtt.url, Topics(config.site.id).node_tap(node), timeout_s=ctx.args.timeout,
        login=mqtt_login(config, "admin"),
        ready=lambda: print(f"Tap the card on the reader of node {node} "
                            f"(within {ctx.args.timeout:g} s)...", file=sys.stderr, flush=True))
    return tap.card


def list_(ctx: CommandContext) -> int:
    rows = cards.list_cards(ctx.site(), member_ref=ctx.args.member, status=ctx.args.status)
    clock = ctx.site().clock
    print_rows(rows, as_json=ctx.args.json,
               headers=["id", "member", "status", "fingerprint", "label", "enrolled"],
               cells=lambda c: [f"#{c.id}", c.member, c.status, c.fingerprint, c.label,
                                local_time(c.enrolled_at, clock)], empty="no cards")
    return 0


def _status_handler(status: CardStatus, verb: str) -> Handler:
    def handler(ctx: CommandContext) -> int:
        card = cards.set_card_status(ctx.site(), ctx.args.card, status)
        print(f"card #{card.id} of {card.member} {verb}")
        return 0

    return handler


CARD_HELP = "the card's UID (04A1B2C3) or its id (#12)"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("card", help="enroll, list, revoke badges",
                                 description="Badges. Only a keyed hash of each UID is stored.")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = sub.add_parser("enroll", help="give a member a card",
                       description="Give a member a card: seuil card enroll ADA --uid 04A1B2C3, "
                       "or seuil card enroll ADA --tap entrance and tap it on that reader")
    p.add_argument("member", help=MEMBER_HELP)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--uid", help="the UID printed by the reader, e.g. 04A1B2C3")
    how.add_argument("--tap", metavar="NODE",
                     help="wait for the card to be tapped on this node's reader (the node runs)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="how long --tap waits for a card (default 60)")
    p.add_argument("--label", default="", help='what the card looks like, e.g. "blue fob"')
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=enroll)

    p = sub.add_parser("list", help="list cards")
    p.add_argument("--member", help=MEMBER_HELP)
    p.add_argument("--status", choices=[s.value for s in CardStatus])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)

    for name, status, verb, text in (
        ("revoke", CardStatus.REVOKED, "revoked", "refuse this card for good"),
        ("lost", CardStatus.LOST, "marked lost", "refuse this card until it is found"),
        ("found", CardStatus.ACTIVE, "is active again", "a lost card was found: accept it again"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("card", help=CARD_HELP)
        p.set_defaults(handler=_status_handler(status, verb))
