"""``seuil hub`` (the daemon), ``seuil dead-letters``, ``seuil backup`` and ``seuil restore``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from access import backup
from access.cli.context import CommandContext
from access.cli.output import local_time, print_rows
from access.errors import InvalidInput
from access.services import dead_letters as dead_letter_service


def hub(ctx: CommandContext) -> int:
    from access.hub.runner import HubRunner

    logging.getLogger().setLevel(logging.DEBUG if ctx.args.verbose else logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every (re)scheduled job
    site = ctx.site()
    HubRunner(site).run_forever()
    return 0


def dead_letters(ctx: CommandContext) -> int:
    site = ctx.site()
    print_rows(dead_letter_service.newest(site, ctx.args.limit), as_json=ctx.args.json,
               headers=["id", "received", "node", "reason"],
               cells=lambda d: [d.id, local_time(d.received_at, site.clock), d.node, d.reason],
               empty="no dead letters: every message the hub received was usable")
    return 0


def backup_(ctx: CommandContext) -> int:
    site = ctx.site()
    if ctx.args.list:
        files = backup.list_backups(site)
        print_rows(files, as_json=False, headers=["file", "size", "written"],
                   cells=lambda f: [str(f[0]), f"{f[1] // 1024} KiB", f[2].strftime("%Y-%m-%d %H:%M")],
                   empty=f"no backups in {backup.backup_dir(site)}")
        return 0
    made = backup.make_backup(site, directory=Path(ctx.args.dir) if ctx.args.dir else None)
    print(f"backup written to {made.path} ({made.size // 1024} KiB)")
    return 0


def restore(ctx: CommandContext) -> int:
    if not ctx.args.yes:
        raise InvalidInput("restoring replaces everything in the database with the backup's content",
                           hint="stop the hub and the kiosk (systemctl stop seuil-hub seuil-kiosk), "
                                "then run again with --yes")
    safety = backup.restore_backup(ctx.site(), Path(ctx.args.file))
    print(f"restored {ctx.args.file}; the database as it was is saved in {safety.path}")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "hub", help="the daemon that owns the database (systemd runs it)",
        description="Takes the nodes' events into the database (each once), prices machine sessions, "
                    "publishes each node's snapshot when something changes, and runs the scheduled "
                    "jobs: end of day, occupancy samples, nightly backup, retention.")
    p.add_argument("-v", "--verbose", action="store_true", help="log every batch")
    p.set_defaults(handler=hub)

    p = commands.add_parser("dead-letters", help="messages the hub set aside, with the reason",
                            description="Messages the hub could not use (bad schema, unknown node, "
                                        "resource or member, an event id reused with another body). "
                                        "They never reach the ledger.")
    p.add_argument("--limit", type=int, default=50, help="the newest N (default 50)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=dead_letters)

    p = commands.add_parser("backup", help="a consistent copy of the database, now",
                            description="Write a backup while everything runs. The hub also makes "
                                        "one every night ([backup] in seuil.toml) and keeps the newest.")
    p.add_argument("--dir", help="write it here instead of [backup] dir")
    p.add_argument("--list", action="store_true", help="list the backups instead")
    p.set_defaults(handler=backup_)

    p = commands.add_parser("restore", help="replace the database with a backup",
                            description="Checks the file, saves the current database, then copies "
                                        "the backup in and upgrades it to this version.")
    p.add_argument("file", help="a file written by seuil backup")
    p.add_argument("--yes", action="store_true", help="really replace the database")
    p.set_defaults(handler=restore)
