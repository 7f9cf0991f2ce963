"""``seuil member ...``"""

from __future__ import annotations

import argparse

from access.cli.context import CommandContext
from access.cli.output import local_day, local_time, print_json, print_rows
from access.cli.parsing import parse_cents, parse_day
from access.domain.membership import MembershipStatus
from access.errors import InvalidInput
from access.services import members
from access.services.context import Site
from access.services.ledger import PaymentMethod
from access.services.members import Dues, MemberSummary
from access.texts import money

METHODS = [m.value for m in PaymentMethod]

STATUSES = (*(status.value for status in MembershipStatus), "all")


def _print_summary(ctx: CommandContext, verb: str, member: MemberSummary) -> None:
    clock = ctx.site().clock
    plan = f", {member.plan} until {local_day(member.valid_until, clock)}" if member.plan else ""
    status = "no membership" if member.status is MembershipStatus.NONE else member.status.value
    print(f"{verb} {member.name} (#{member.id}): {status}{plan}")


def _plan_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--plan", required=required, help="a plan from rules.toml (monthly, day-pass...)")
    parser.add_argument("--from", dest="first_day", metavar="DATE",
                        help="first day of the plan (default: today)")
    parser.add_argument("--until", metavar="DATE",
                        help="last day included (default: one plan period)")
    parser.add_argument("--price", metavar="AMOUNT",
                        help="the dues charged, e.g. 60 for a reduced rate (default: the plan's "
                             "price; 0: a free membership)")
    paid = parser.add_mutually_exclusive_group()
    paid.add_argument("--paid", metavar="AMOUNT", nargs="?", const="",
                      help="paid now: the whole dues, or AMOUNT of them (needs --method)")
    paid.add_argument("--unpaid", action="store_true",
                      help="left owed (the default): settled later by "
                           "seuil ledger add MEMBER payment --dues")
    parser.add_argument("--method", choices=METHODS, help="how the dues were paid")


def _dues(site: Site, args: argparse.Namespace) -> Dues:
    paid = parse_cents(args.paid, "--paid", site.currency) if args.paid else None
    if paid == 0:
        raise InvalidInput("--paid 0 pays nothing: leave the dues owed (--unpaid), or --price 0 "
                           "for a free membership")
    return Dues(parse_cents(args.price, "--price", site.currency), paid,
                PaymentMethod(args.method) if args.method else None, paid_all=args.paid == "")


SAME_NAME_HELP = "another member already has this name (in any case): add this one too"


def add(ctx: CommandContext) -> int:
    a = ctx.args
    site = ctx.site()
    member = members.add_member(
        site, a.name, email=a.email, groups=a.group, plan=a.plan,
        first_day=parse_day(a.first_day, "--from"), until_day=parse_day(a.until, "--until"),
        price=_dues(site, a), show_on_dashboard=a.show_on_dashboard, note=a.note,
        same_name_ok=a.same_name_ok)
    if a.json:
        print_json(member)
    else:
        _print_summary(ctx, "added", member)
        _print_dues(site, member)
    return 0


def _print_dues(site: Site, member: MemberSummary) -> None:
    owed = members.show_member(site, str(member.id)).dues_owed_cents
    if owed:
        print(f"dues owed: {money(owed, site.currency, 'en')} "
              f"(when paid: seuil ledger add #{member.id} payment --dues --method METHOD)")


def list_(ctx: CommandContext) -> int:
    rows = members.list_members(ctx.site(), group=ctx.args.group, status=ctx.args.status)
    clock = ctx.site().clock
    print_rows(rows, as_json=ctx.args.json,
               headers=["id", "name", "email", "groups", "status", "plan", "until"],
               cells=lambda m: [m.id, m.name, m.email, m.groups, m.status, m.plan,
                                local_day(m.valid_until, clock)], empty="no members")
    return 0


def show(ctx: CommandContext) -> int:
    site = ctx.site()
    member = members.show_member(site, ctx.args.member)
    if ctx.args.json:
        print_json(member)
        return 0
    clock = site.clock
    print(f"{member.name} (#{member.id})")
    print(f"  email:      {member.email or '-'}")
    print(f"  groups:     {', '.join(member.groups) or '-'}")
    print(f"  status:     {member.status}")
    print(f"  credit:     {money(member.balance_cents, member.currency, 'en')} (machines)")
    print(f"  dues owed:  {money(member.dues_owed_cents, member.currency, 'en')}")
    print(f"  dashboard:  {'name shown' if member.show_on_dashboard else 'counted, not named'}")
    if member.note:
        print(f"  note:       {member.note}")
    if member.ask_me_about:
        print(f"  ask me about: {member.ask_me_about}")
    print("  memberships:")
    for m in member.memberships or []:
        owed = f", owes {money(m.owed_cents, member.currency, 'en')}" if m.owed_cents else ""
        print(f"    {m.plan:<10} {local_time(m.valid_from, clock)} -> "
              f"{local_time(m.valid_until, clock)}  dues "
              f"{money(m.price_cents, member.currency, 'en')}, paid "
              f"{money(m.paid_cents, member.currency, 'en')}{owed}")
    if not member.memberships:
        print("    none")
    print("  cards:")
    for card in member.cards:
        label = f" {card['label']}" if card["label"] else ""
        print(f"    #{card['id']} {card['status']:<8} {card['fingerprint']}{label}")
    if not member.cards:
        print("    none")
    print("  trainings:")
    for t in member.trainings:
        until = f" until {t['expires_at'][:10]}" if t["expires_at"] else ""
        state = "" if t["valid"] else " (expired)"
        by = f" by {t['granted_by']}" if t["granted_by"] else ""
        print(f"    {t['skill']}{by}{until}{state}")
    if not member.trainings:
        print("    none")
    return 0


def edit(ctx: CommandContext) -> int:
    a = ctx.args
    member = members.edit_member(ctx.site(), a.member, name=a.name, email=a.email,
                                 add_groups=a.add_group, remove_groups=a.remove_group,
                                 show_on_dashboard=a.show_on_dashboard, note=a.note,
                                 ask_me_about=a.ask_me_about, same_name_ok=a.same_name_ok)
    _print_summary(ctx, "updated", member)
    return 0


def renew(ctx: CommandContext) -> int:
    a = ctx.args
    site = ctx.site()
    renewal = members.renew_member(
        site, a.member, a.plan, first_day=parse_day(a.first_day, "--from"),
        until_day=parse_day(a.until, "--until"), price=_dues(site, a))
    member, period = renewal.member, renewal.period
    last = f" to {local_day(period.valid_until, site.clock)}" if period.valid_until else ""
    print(f"renewed {member.name} (#{member.id}): {period.plan} "
          f"from {site.clock.service_day(period.valid_from)}{last}")
    _print_dues(site, member)
    return 0


def suspend(ctx: CommandContext) -> int:
    member = members.set_suspended(ctx.site(), ctx.args.member, True, ctx.args.reason or "")
    _print_summary(ctx, "suspended", member)
    return 0


def resume(ctx: CommandContext) -> int:
    member = members.set_suspended(ctx.site(), ctx.args.member, False)
    _print_summary(ctx, "resumed", member)
    return 0


MEMBER_HELP = "a member: id (12 or #12), email, or the start of the name"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("member", help="add, list, show and edit members",
                                 description="Members of the association.")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = sub.add_parser("add", help="add a member", description='Add a member, e.g. seuil member add '
                       '"Ada Lovelace" --email ada@example.org --group members --plan monthly '
                       "--until 2026-12-31")
    p.add_argument("name", help='full name, quoted: "Ada Lovelace"')
    p.add_argument("--email")
    p.add_argument("--group", action="append", default=[], metavar="GROUP",
                   help="a group from rules.toml; repeat for several")
    _plan_options(p, required=False)
    p.add_argument("--show-on-dashboard", action="store_true",
                   help="show their name on the volunteers' dashboard (opt-in)")
    p.add_argument("--note", default="", help="free text for volunteers")
    p.add_argument("--same-name-ok", action="store_true", help=SAME_NAME_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=add)

    p = sub.add_parser("list", help="list members")
    p.add_argument("--group", help="only members of this group")
    p.add_argument("--status", choices=STATUSES, default="all")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)

    p = sub.add_parser("show", help="everything about one member")
    p.add_argument("member", help=MEMBER_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show)

    p = sub.add_parser("edit", help="change name, email, groups, dashboard opt-in, note, ask me about")
    p.add_argument("member", help=MEMBER_HELP)
    p.add_argument("--name")
    p.add_argument("--same-name-ok", action="store_true", help=SAME_NAME_HELP)
    p.add_argument("--email", help='new email ("" removes it)')
    p.add_argument("--add-group", action="append", metavar="GROUP")
    p.add_argument("--remove-group", action="append", metavar="GROUP")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--show-on-dashboard", dest="show_on_dashboard", action="store_true",
                       default=None)
    shown.add_argument("--hide-from-dashboard", dest="show_on_dashboard", action="store_false")
    p.add_argument("--note")
    p.add_argument("--ask-me-about", metavar="TOPICS",
                   help='what they are happy to help with, e.g. "3D printing, sewing" (shown beside '
                        'their name on the kiosk when they are on the dashboard; "" removes it)')
    p.set_defaults(handler=edit)

    p = sub.add_parser("renew", help="add a membership period (a new plan or a renewal)")
    p.add_argument("member", help=MEMBER_HELP)
    _plan_options(p, required=True)
    p.set_defaults(handler=renew)

    p = sub.add_parser("suspend", help="deny every door and machine until resumed")
    p.add_argument("member", help=MEMBER_HELP)
    p.add_argument("--reason", help="kept in the audit log")
    p.set_defaults(handler=suspend)

    p = sub.add_parser("resume", help="lift a suspension")
    p.add_argument("member", help=MEMBER_HELP)
    p.set_defaults(handler=resume)
