"""``seuil hub`` (the daemon), ``seuil dead-letters``, ``seuil backup`` and ``seuil restore``."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from pathlib import Path

from access import backup
from access.cli.context import CommandContext
from access.cli.output import local_time, print_rows
from access.config import Config, find_config
from access.errors import InvalidInput, NotInitialised
from access.offsite import litestream, site_files
from access.offsite import status as copy_status
from access.offsite.restore import restore_from
from access.offsite.target import parse_target
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
    action = ctx.args.action
    if action == "status":
        return backup_status(ctx)
    if action == "recovery-key":
        return recovery_key(ctx)
    if action == "replicate":
        return replicate(ctx)
    if action == "mode":
        print(copy_mode(ctx.config()))
        return 0
    if action == "files":
        return refresh_files(ctx)
    if action == "folder":  # install.sh: the folder the hub's dumps go to (PostgreSQL)
        target = ctx.config().backup.target
        print(parse_target(target).path if target and parse_target(target).kind == "file" else "")
        return 0
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


def backup_status(ctx: CommandContext) -> int:
    """How fresh the off-site copy is; the exit code says it to a monitor (EXIT_CODES)."""
    config = ctx.config()
    checked = copy_status.check(config)
    if ctx.args.json:
        at = checked.last_copy_at
        print(json.dumps({"state": checked.state, "target": checked.target, "problem": checked.problem,
                          "max_delay_minutes": config.backup.max_delay_minutes,
                          "last_copy_at": at.isoformat() if at else None}))
    else:
        when = (f" (newest copy: {local_time(checked.last_copy_at, config.clock)})"
                if checked.last_copy_at else "")
        print(checked.summary(copy_status.utc_now()) + when)
    if checked.state != "ok":
        logging.getLogger("access.offsite").warning("off-site copy: %s",
                                                    checked.summary(copy_status.utc_now()))
    return checked.exit_code


def copy_mode(config: Config) -> str:
    """How the off-site copy is made: ``litestream`` (SQLite), ``dump`` (PostgreSQL) or ``off``."""
    if not config.backup.target:
        return "off"
    return "litestream" if backup.sqlite_path(config.database_url) is not None else "dump"


def recovery_key(ctx: CommandContext) -> int:
    config = ctx.config()
    key, new = site_files.create_recovery_key(config)
    path = site_files.recovery_key_path(config)
    print(key)
    print(("new recovery key written to " if new else "the recovery key, in ") + str(path)
          + ": write it down and keep it apart from the Pi; `seuil restore --from` asks for it",
          file=sys.stderr)
    return 0


def refresh_files(ctx: CommandContext) -> int:
    """Bring the copy's site files up to date now. install.sh runs it as root: the broker
    passwords (root's) get in, which the hub's and Litestream's own refreshes keep as they are."""
    config = ctx.config()
    changed = site_files.refresh(config, copy_status.utc_now())
    path = site_files.site_files_path(config)
    print(f"{path}: {changed} file(s) changed")
    return 0


def replicate(ctx: CommandContext) -> int:
    """Write Litestream's configuration from [backup], then become Litestream (systemd runs this)."""
    config = ctx.config()
    database = backup.sqlite_path(config.database_url)
    if database is None:
        raise InvalidInput("the database is PostgreSQL: the hub dumps it to the target itself",
                           hint="seuil-litestream.service is for SQLite only; disable it")
    files = litestream.Replicated(database, site_files.site_files_path(config))
    copy_status.refuse_same_disk(config)
    site_files.refresh(config, copy_status.utc_now())
    path = litestream.write_config(config.data_dir / "litestream.yml", litestream.config_text(config, files))
    program = litestream.binary()
    sys.stdout.flush()
    os.execve(program, [program, "replicate", "-config", str(path)], litestream.environment())
    return 0  # not reached


def _recovery_key_given(ctx: CommandContext) -> str:
    if ctx.args.recovery_key_file:
        try:
            return Path(ctx.args.recovery_key_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise InvalidInput(f"cannot read {ctx.args.recovery_key_file}: {error.strerror}") from None
    if os.environ.get("SEUIL_RECOVERY_KEY"):
        return os.environ["SEUIL_RECOVERY_KEY"]
    if sys.stdin.isatty():
        return getpass.getpass("recovery key (written down when the copy was set up): ")
    raise NotInitialised("the recovery key is needed to open the copy's secrets",
                         hint="--recovery-key-file FILE, or SEUIL_RECOVERY_KEY, or run it in a terminal")


def restore_remote(ctx: CommandContext) -> int:
    args = ctx.args
    config_path = find_config(args.config)
    done = restore_from(config_path, args.source, _recovery_key_given(ctx), force=args.force,
                        ssh_key=args.ssh_key or "", ssh_host_key=args.ssh_host_key or "",
                        ssh_known_hosts=args.known_hosts or "", s3_endpoint=args.s3_endpoint or "",
                        s3_access_key_id=args.s3_access_key_id or "",
                        s3_secret_file=args.s3_secret_file or "")
    print(f"restored from {args.source}: {done.members} members, {done.ledger_entries} ledger entries, "
          f"{done.events} node events, into {done.database}")
    for path in done.files:
        print(f"  wrote {path}")
    for path in done.set_aside:
        print(f"  kept the replaced database as {path}")
    print("next: sudo ./install.sh --role ... again (broker passwords, services), then check the door")
    return 0


def restore(ctx: CommandContext) -> int:
    if ctx.args.source:
        if ctx.args.file:
            raise InvalidInput("give a backup FILE or --from TARGET, not both")
        return restore_remote(ctx)
    if not ctx.args.file:
        raise InvalidInput("restore what? a FILE written by seuil backup, or --from TARGET "
                           "(the off-site copy)")
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
    p.add_argument("action", nargs="?", choices=["status", "recovery-key", "replicate", "mode", "folder",
                                                   "files"],
                   help="status: how fresh the off-site copy is (exit 0 fresh, 3 late, 4 unreadable, "
                        "5 no target); recovery-key: show (or make) the key that opens the copy's "
                        "secrets; replicate: run Litestream to the target (seuil-litestream.service); "
                        "mode: litestream, dump (PostgreSQL) or off; folder: a folder target's path; "
                        "files: put the site's files (config, rules, encrypted secrets) in the copy now")
    p.add_argument("--dir", help="write it here instead of [backup] dir")
    p.add_argument("--list", action="store_true", help="list the backups instead")
    p.add_argument("--json", action="store_true", help="status: one JSON object")
    p.set_defaults(handler=backup_)

    p = commands.add_parser("restore", help="replace the database with a backup, or bring a site back",
                            description="FILE: checks it, saves the current database, then copies "
                                        "the backup in and upgrades it to this version. --from TARGET: "
                                        "on a blank card after install.sh, brings back the database, "
                                        "seuil.toml, rules.toml and the secrets from the off-site copy.")
    p.add_argument("file", nargs="?", help="a file written by seuil backup")
    p.add_argument("--yes", action="store_true", help="really replace the database (FILE)")
    p.add_argument("--from", dest="source", metavar="TARGET",
                   help="the off-site copy: /media/usb/seuil, sftp://user@host/path, s3://bucket/path")
    p.add_argument("--recovery-key-file", help="a file holding the recovery key (else SEUIL_RECOVERY_KEY, "
                                               "else it is asked)")
    p.add_argument("--force", action="store_true", help="replace a site that is not blank (kept aside)")
    p.add_argument("--ssh-key", help="SFTP: the private key to sign in with")
    p.add_argument("--ssh-host-key", metavar="KEY",
                   help='SFTP: the server\'s host key ("ecdsa-sha2-nistp256 AAAA...", or its .pub file); '
                        "else it is looked up in --known-hosts, ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts")
    p.add_argument("--known-hosts", metavar="FILE", help="SFTP: a known_hosts file holding the server's key")
    p.add_argument("--s3-endpoint", help="S3-compatible store: its URL (http://nas.local:9000)")
    p.add_argument("--s3-access-key-id")
    p.add_argument("--s3-secret-file", help="a file holding the S3 secret access key")
    p.set_defaults(handler=restore)
