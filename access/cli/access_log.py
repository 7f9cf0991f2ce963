"""``seuil log``: recent taps and decisions, by member, card, resource and time."""

from __future__ import annotations

import argparse
from datetime import timedelta

from access.cli.context import CommandContext
from access.cli.output import local_time, print_rows
from access.cli.parsing import parse_moment
from access.domain.cards import UidError, normalize_uid
from access.errors import InvalidInput
from access.services.access_log import LoggedTap, LogQuery, recent

AROUND = timedelta(minutes=15)
HELP = "recent taps and decisions: who was refused where, when and why"
DESCRIPTION = ("List the taps the hub stored, oldest first, with each decision and the rule behind "
               "it. Filters combine. Example: seuil log --member ada --at 2026-12-02T21:40 (taps "
               "within 15 minutes of then).")
FILTERS = (  # flag, metavar, help
    ("--member", "MEMBER", "id, email or the start of the name"),
    ("--card", "UID", "a card's UID (hashed here, as the nodes do)"),
    ("--fingerprint", "HEX", "the card fingerprint a node's log shows (card 3f2a9c01)"),
    ("--resource", "NAME", "a door or machine of rules.toml"),
    ("--since", "TIME", "local time, e.g. 2026-12-02T21:00"),
    ("--until", "TIME", "local time"),
    ("--at", "TIME", "15 minutes either side of TIME"),
)


def _decision(tap: LoggedTap) -> str:
    return "allowed" if tap.allowed else "refused: " + tap.reason.replace("_", " ")


def log_(ctx: CommandContext) -> int:
    a = ctx.args
    site = ctx.site()
    since = parse_moment(a.since, "--since", site.clock)
    until = parse_moment(a.until, "--until", site.clock)
    at = parse_moment(a.at, "--at", site.clock)
    if at is not None:
        since, until = at - AROUND, at + AROUND
    card_hash = None
    if a.card is not None:
        try:
            card_hash = site.hash_uid(normalize_uid(a.card))
        except UidError as error:
            raise InvalidInput(str(error)) from None
    taps = recent(site, LogQuery(member=a.member, card_hash=card_hash, fingerprint=a.fingerprint,
                                 resource=a.resource, since=since, until=until,
                                 denied_only=a.denied, limit=a.limit))
    print_rows(taps, as_json=a.json,
               headers=["when", "resource", "member", "card", "decision", "rule"],
               cells=lambda t: [local_time(t.ts, site.clock), t.resource,
                                f"{t.member_name} (#{t.member_id})" if t.member_id else "-",
                                t.card or "-", _decision(t), t.rule or "-"],
               empty="no tap matches (the hub stores what the nodes have delivered to it)")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("log", help=HELP, description=DESCRIPTION)
    for flag, metavar, meaning in FILTERS:
        p.add_argument(flag, metavar=metavar, help=meaning)
    p.add_argument("--denied", action="store_true", help="refusals only")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="the newest N (default 50)")
    p.add_argument("--json", action="store_true", help="one JSON list")
    p.set_defaults(handler=log_)
