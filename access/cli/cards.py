"""``seuil card ...``"""

from __future__ import annotations

import argparse

from access.cli.context import CommandContext, Handler
from access.cli.members import MEMBER_HELP
from access.cli.output import local_time, print_json, print_rows
from access.domain.cards import CardStatus
from access.services import cards


def enroll(ctx: CommandContext) -> int:
    card = cards.enroll_card(ctx.site(), ctx.args.member, uid=ctx.args.uid, label=ctx.args.label)
    if ctx.args.json:
        print_json(card)
    else:
        print(f"enrolled card #{card.id} ({card.fingerprint}) to {card.member}")
    return 0


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
                       description="Give a member a card: seuil card enroll ADA --uid 04A1B2C3")
    p.add_argument("member", help=MEMBER_HELP)
    p.add_argument("--uid", required=True, help="the UID printed by the reader, e.g. 04A1B2C3")
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
