"""``seuil``: the admin's command, used over SSH on the hub.

Exit codes: 0 ok; 1 denied, invalid input or a problem in a file; 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from access import __version__
from access.cli.context import CommandContext
from access.cli.terminal import escaped_output
from access.errors import FileInvalid, SeuilError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

EPILOG = """examples:
  seuil init /etc/seuil
  seuil member add "Ada Lovelace" --email ada@example.org --group members --plan monthly
  seuil card enroll ada --uid 04A1B2C3
  seuil training grant ada 3d-printing --by grace
  seuil rules explain --uid 04A1B2C3 3d-printer --at 2026-12-24T21:30
  seuil node --node entrance          (the daemon at a reader; systemd runs it)

The config is read from --config, then $SEUIL_CONFIG, then /etc/seuil/seuil.toml."""


# Daemons whose parser registers only their own module: `seuil node` on a node's Pi imports no
# database layer (near 40 MB instead of 70: SQLAlchemy, Alembic, Babel stay unloaded), and
# `seuil kiosk` reaches its home screen sooner (no admin commands, no Alembic).
LEAN_COMMANDS = {"node": "nodes", "tap": "nodes", "keeper": "nodes", "kiosk": "kiosk"}


def _command_of(argv: Sequence[str]) -> str | None:
    peek = argparse.ArgumentParser(add_help=False)
    peek.add_argument("--config")
    peek.add_argument("command", nargs="?")
    known, _ = peek.parse_known_args(argv)
    return str(known.command) if known.command else None


def build_parser(*, only: str | None = None) -> argparse.ArgumentParser:
    """Every command, or ``only`` the commands of one module of ``access.cli`` (see LEAN_COMMANDS)."""
    parser = argparse.ArgumentParser(
        prog="seuil", description="Seuil: badges, doors, machines and contributions.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", metavar="PATH", help="seuil.toml to use")
    parser.add_argument("--version", action="version", version=f"seuil {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    if only is not None:
        importlib.import_module(f"access.cli.{only}").register(commands)
        return parser
    from access.cli import (
        access_log,
        admin,
        cards,
        cash,
        completion,
        demo,
        hub,
        kiosk,
        ledger,
        members,
        mqtt,
        nodes,
        payments,
        reports,
        resources,
        rules,
        settings,
        snapshots,
        trainings,
        volunteering,
    )

    for module in (admin, settings, members, cards, trainings, ledger, payments, cash, reports, rules,
                   resources, nodes, snapshots, access_log, mqtt, hub, kiosk, demo, completion, volunteering):
        module.register(commands)
    return parser


def _report(error: SeuilError) -> None:
    if isinstance(error, FileInvalid):
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(f"seuil: {count} problem{'s' if count != 1 else ''}, nothing changed",
              file=sys.stderr)
        return
    print(f"seuil: {error.message}", file=sys.stderr)
    if error.hint:
        print(f"  hint: {error.hint}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    with escaped_output():
        return _main(argv)


def _main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=LEAN_COMMANDS.get(_command_of(argv) or ""))
    args = parser.parse_args(argv)  # exits 2 with usage on a typo
    ctx = CommandContext(args)
    try:
        return int(args.handler(ctx))
    except SeuilError as error:
        _report(error)
        return error.exit_code
    except BrokenPipeError:  # `seuil member list | head`: the reader left, that is fine
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps interpreter exit quiet
        return EXIT_OK
    except KeyboardInterrupt:
        print("seuil: interrupted, nothing more was changed", file=sys.stderr)
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
