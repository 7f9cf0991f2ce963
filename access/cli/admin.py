"""``seuil init``, ``seuil db ...``, ``seuil audit``."""

from __future__ import annotations

import argparse
from pathlib import Path

from access.cli.context import CommandContext
from access.cli.output import local_time, print_rows
from access.cli.parsing import parse_day
from access.config import load_config
from access.errors import InvalidInput
from access.services import audit
from access.services.site_init import init_site
from access.store.engine import make_engine
from access.store.migrate import current_revision, head_revision, upgrade


def init(ctx: CommandContext) -> int:
    if ctx.args.node and not ctx.args.pi:
        raise InvalidInput("--node goes with --pi (the laptop sample has its own fake nodes)")
    result = init_site(Path(ctx.args.dir), site_name=ctx.args.site_name, site_id=ctx.args.site_id,
                       mqtt_passwords=ctx.args.mqtt_passwords,
                       data_dir=Path(ctx.args.data_dir) if ctx.args.data_dir else None,
                       pi_reader=ctx.args.pi, pi_nodes_here=ctx.args.node)
    print(f"wrote {result.config_path}")
    print(f"wrote {result.rules_path} (applied as version {result.rules.version})")
    print(f"wrote {result.secret_path} (mode 0600: keep it, it keys every card)")
    print(f"created {result.database_url}")
    print("next:")
    print(f"  export SEUIL_CONFIG={result.config_path.resolve()}")  # still true after a cd
    print('  seuil member add "Ada Lovelace" --email ada@example.org --group members '
          "--plan monthly")
    print("  seuil card enroll ada --uid 04A1B2C3")
    return 0


def db_upgrade(ctx: CommandContext) -> int:
    config = load_config(ctx.args.config)
    engine = make_engine(config.database_url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    print(f"database at revision {after}" + ("" if before == after else f" (was {before})"))
    return 0


def db_status(ctx: CommandContext) -> int:
    config = load_config(ctx.args.config)
    engine = make_engine(config.database_url)
    try:
        current, head = current_revision(engine), head_revision()
    finally:
        engine.dispose()
    state = "up to date" if current == head else "needs `seuil db upgrade`"
    print(f"{engine.url.render_as_string(hide_password=True)}: revision {current}, "
          f"code {head}: {state}")
    return 0 if current == head else 1


def audit_(ctx: CommandContext) -> int:
    site = ctx.site()
    since_day = parse_day(ctx.args.since, "--since")
    since = site.clock.day_start(since_day) if since_day else None
    rows = audit.list_audit(site, since=since, limit=ctx.args.limit)
    print_rows(rows, as_json=ctx.args.json, headers=["when", "who", "action", "target", "details"],
               cells=lambda r: [local_time(r.ts, site.clock), r.actor, r.action, r.target,
                                _details(r.details)], empty="no audit entries")
    return 0


def _details(details: dict[str, object]) -> str:
    parts = []
    for key, value in details.items():
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(map(str, value)) if len(value) <= 3 else f"{len(value)} items"
        parts.append(f"{key}={value}")
    return "; ".join(parts)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("init", help="create a working sample site in a folder",
                            description="Write DIR/seuil.toml and DIR/rules.toml (commented "
                            "examples), a fresh site secret and a migrated SQLite database. "
                            "Refuses to overwrite anything.")
    p.add_argument("dir")
    p.add_argument("--site-name", default="Seuil", help="shown on the kiosk")
    p.add_argument("--site-id", help="MQTT topic root (default: from the name)")
    p.add_argument("--mqtt-passwords", action="store_true",
                   help='programs sign in to the broker ([mqtt] password_dir = "mqtt"; then run '
                        "`seuil mqtt setup`); install.sh uses it on a Pi")
    p.add_argument("--data-dir", metavar="DIR",
                   help="put the database, node files and backups in DIR (default: beside the config; "
                        "install.sh uses /var/lib/seuil)")
    p.add_argument("--pi", choices=["mfrc522", "hid"], nargs="?", const="mfrc522", metavar="READER",
                   help="a Raspberry Pi's file: every node reads an RC522 (mfrc522, the default) or "
                        "a USB reader (hid) and drives the pins of firmware_config/README.md, "
                        "instead of the laptop's fake readers; install.sh uses it")
    p.add_argument("--node", action="append", default=[], metavar="ID",
                   help="with --pi: a node wired on this Pi (twice for a second reader)")
    p.set_defaults(handler=init)

    db = commands.add_parser("db", help="database migrations",
                             description="Schema migrations (Alembic).")
    sub = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("upgrade", help="migrate to the code's schema").set_defaults(handler=db_upgrade)
    sub.add_parser("status", help="is the schema current").set_defaults(handler=db_status)

    p = commands.add_parser("audit", help="who changed what, from which Unix user")
    p.add_argument("--since", metavar="DATE", help="from this day on (2026-11-01)")
    p.add_argument("--limit", type=int, metavar="N", help="the N most recent entries")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=audit_)
