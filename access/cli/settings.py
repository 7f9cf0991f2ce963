"""``seuil config check``: read seuil.toml as every program will, before restarting them."""

from __future__ import annotations

import argparse
import sys

from access.cli.context import CommandContext
from access.config import load_config
from access.errors import did_you_mean
from access.texts import plural


def check(ctx: CommandContext) -> int:
    config = load_config(ctx.args.file or ctx.args.config)
    nodes = ", ".join(sorted(config.nodes)) or "none"
    entrance = config.kiosk.entrance
    if entrance and config.nodes and entrance not in config.nodes:  # a Pi's file may list only its own
        print(f"note: kiosk.entrance is \"{entrance}\", which this file has no [nodes.{entrance}] for"
              f"{did_you_mean(entrance, config.nodes)}: the kiosk would show no taps", file=sys.stderr)
    print(f"{config.source}: ok (site {config.site.id}, {plural(len(config.nodes), 'node')}: {nodes}; "
          f"database {config.database.url.split('://')[0]}, broker {config.mqtt.url})")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("config", help="check seuil.toml",
                                 description="The settings of this install (seuil.toml).")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("check", help="list every problem in seuil.toml; change nothing",
                       description="Read seuil.toml as the hub, the nodes and the kiosk will: every "
                       "problem as file:line: key: what is wrong, exit 1; else one line, exit 0. "
                       "Run it before `systemctl restart seuil-hub seuil-kiosk`.")
    p.add_argument("file", nargs="?", help="default: --config, $SEUIL_CONFIG, /etc/seuil/seuil.toml")
    p.set_defaults(handler=check)
