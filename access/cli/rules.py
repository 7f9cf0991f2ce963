"""``seuil rules ...``"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from access.cli.context import CommandContext
from access.cli.members import MEMBER_HELP
from access.cli.output import local_time, print_json
from access.cli.parsing import parse_moment
from access.config import load_config
from access.services import rules
from access.texts import LANGUAGES, plural
from access.texts import explain as explain_text


def _file(ctx: CommandContext) -> Path | None:
    return Path(ctx.args.file) if ctx.args.file else None


def check(ctx: CommandContext) -> int:
    config = load_config(ctx.args.config)
    path = _file(ctx) or config.rules_path
    ruleset = rules.check_rules(config, path)
    counts = [plural(len(ruleset.groups), "group"), plural(len(ruleset.plans), "plan"),
              plural(len(ruleset.resources), "resource"), plural(len(ruleset.schedules), "schedule"),
              plural(len(ruleset.rules), "rule")]
    print(f"{path}: ok ({', '.join(counts)})")
    return 0


def apply(ctx: CommandContext) -> int:
    result = rules.apply_rules(ctx.site(), _file(ctx), dry_run=ctx.args.dry_run)
    for change in result.changes:
        print(f"  {change}")
    if result.dry_run:
        print(f"dry run: {plural(len(result.changes), 'change')}, nothing applied")
    elif result.version is None:
        print(f"no changes: version {result.previous} stays in force")
    else:
        print(f"applied as version {result.version} ({plural(len(result.changes), 'change')})")
    return 0


def explain(ctx: CommandContext) -> int:
    a = ctx.args
    site = ctx.site()
    at = parse_moment(a.at, "--at", site.clock) or site.now()
    result = rules.explain(site, a.resource, at, uid=a.uid, member_ref=a.member)
    if result.unknown_resource is not None and not a.json:
        raise result.unknown_resource
    decision = result.decision
    messages = {lang: explain_text(decision, lang, clock=site.clock, currency=site.currency)
                for lang in LANGUAGES}
    if a.json:
        print_json({
            "allowed": decision.allowed, "reason": decision.reason.value, "rule": decision.rule,
            "member_id": decision.member_id, "member": decision.member_name,
            "resource": decision.resource, "at": at.isoformat(),
            "until": site.clock.local(decision.until).isoformat() if decision.until else None,
            "skill": decision.skill,
            "closed_on": decision.closed_on.isoformat() if decision.closed_on else None,
            "rules_version": result.version, "message": messages})
        if result.unknown_resource is not None:  # the same shape on stdout, the typo on stderr
            print(f"seuil: {result.unknown_resource.message}", file=sys.stderr)
    else:
        verdict = "ALLOWED" if decision.allowed else "DENIED"
        rule = f" (rule {decision.rule})" if decision.rule else ""
        print(f"{verdict}: {decision.reason.value}{rule}")
        who = f"{decision.member_name} (#{decision.member_id})" if decision.member_id else "unknown"
        print(f"  member:   {who}")
        print(f"  resource: {decision.resource} at {local_time(at, site.clock)} "
              f"{site.config.site.timezone}, rules version {result.version}")
        for lang in LANGUAGES:
            print(f"  {lang}: {messages[lang]}")
    return 0 if decision.allowed else 1


def show(ctx: CommandContext) -> int:
    site = ctx.site()
    current = rules.current(site)
    if ctx.args.source:
        print(current.source, end="")
        return 0
    print(f"version {current.version}, applied {local_time(current.applied_at, site.clock)} "
          f"by {current.applied_by} from {current.filename}")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("rules", help="check, apply and explain rules.toml",
                                 description="The association's rules (rules.toml).")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = sub.add_parser("check", help="list every problem in a rules file; change nothing")
    p.add_argument("file", nargs="?", help="default: paths.rules from seuil.toml")
    p.set_defaults(handler=check)

    p = sub.add_parser("apply", help="show the changes and apply them all at once")
    p.add_argument("file", nargs="?", help="default: paths.rules from seuil.toml")
    p.add_argument("--dry-run", action="store_true", help="show the changes, apply nothing")
    p.set_defaults(handler=apply)

    p = sub.add_parser("explain", help="would this card open this resource, and why",
                       description="Explain a decision: seuil rules explain --uid 04A1B2C3 "
                       "front-door --at 2026-12-24T21:30. Exits 1 when denied.")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--uid", help="a card UID")
    who.add_argument("--member", help=MEMBER_HELP + " (as if with an active card)")
    p.add_argument("resource", help="a door or machine from rules.toml")
    p.add_argument("--at", metavar="TIME", help="local time, e.g. 2026-12-24T21:30 (default: now)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=explain)

    p = sub.add_parser("show", help="which rules version is in force")
    p.add_argument("--source", action="store_true", help="print the applied file itself")
    p.set_defaults(handler=show)
