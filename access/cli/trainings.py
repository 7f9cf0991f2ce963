"""``seuil training ...``"""

from __future__ import annotations

import argparse

from access.cli.context import CommandContext
from access.cli.members import MEMBER_HELP
from access.cli.output import local_day, local_time, print_rows
from access.cli.parsing import parse_day
from access.services import trainings


def grant(ctx: CommandContext) -> int:
    a = ctx.args
    site = ctx.site()
    info = trainings.grant_training(site, a.member, a.skill, trainer_ref=a.by,
                                    expires=parse_day(a.expires, "--expires"))
    until = f" until {local_day(info.expires_at, site.clock)}" if info.expires_at else ""
    print(f"{info.member} is trained on {info.skill}{until}")
    return 0


def revoke(ctx: CommandContext) -> int:
    trainings.revoke_training(ctx.site(), ctx.args.member, ctx.args.skill)
    print(f"training {ctx.args.skill} revoked")
    return 0


def list_(ctx: CommandContext) -> int:
    rows = trainings.list_trainings(ctx.site(), member_ref=ctx.args.member, skill=ctx.args.skill)
    clock = ctx.site().clock
    print_rows(rows, as_json=ctx.args.json,
               headers=["member", "skill", "by", "granted", "expires", "valid"],
               cells=lambda t: [t.member, t.skill, t.granted_by, local_time(t.granted_at, clock),
                                local_day(t.expires_at, clock), t.valid], empty="no trainings")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("training", help="who is trained on which machine",
                                 description="Trainings (inductions) on the skills resources need.")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = sub.add_parser("grant", help="record a training (granting again renews it)")
    p.add_argument("member", help=MEMBER_HELP)
    p.add_argument("skill", help="a skill named by a resource in rules.toml, e.g. 3d-printing")
    p.add_argument("--by", metavar="TRAINER", help="who trained them")
    p.add_argument("--expires", metavar="DATE", help="last valid day (default: never)")
    p.set_defaults(handler=grant)

    p = sub.add_parser("revoke", help="remove a training")
    p.add_argument("member", help=MEMBER_HELP)
    p.add_argument("skill")
    p.set_defaults(handler=revoke)

    p = sub.add_parser("list", help="list trainings")
    p.add_argument("--member", help=MEMBER_HELP)
    p.add_argument("--skill")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)
