"""``seuil snapshot publish``: push what the nodes need to decide, now."""

from __future__ import annotations

import argparse

from access.bus import oneshot
from access.bus.client import mqtt_login
from access.bus.topics import Topics
from access.cli.context import CommandContext
from access.services.node_snapshots import node_snapshots
from access.texts import plural


def publish_snapshot(ctx: CommandContext) -> int:
    site = ctx.site()
    config = site.config
    nodes = [ctx.args.node] if ctx.args.node else sorted(config.nodes)
    for node_id in nodes:
        config.node(node_id)
    with site.store.read() as session:
        snapshots = node_snapshots(session, site, nodes)
    topics = Topics(config.site.id)
    oneshot.publish(config.mqtt.url, [(topics.node_snapshot(s.node), s.raw) for s in snapshots],
                    retain=True, login=mqtt_login(config, "admin"))
    for snapshot in snapshots:
        print(f"snapshot {snapshot.payload.version} for {snapshot.node}: "
              f"{plural(len(snapshot.payload.members), 'member')}, "
              f"{plural(len(snapshot.payload.cards), 'card')}, "
              f"{len(snapshot.raw) / 1024:.0f} KiB")
    if not snapshots:
        print("no node in seuil.toml: nothing published")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("snapshot", help="send the nodes what they need to decide",
                            description="Snapshots: members, cards and rules, for the nodes.")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = sub.add_parser("publish", help="publish a fresh snapshot now (retained)",
                       description="Build the snapshot from the database and publish it, retained, "
                                   "to every node (or one). The hub does this by itself; use this "
                                   "to push a change at once.")
    q.add_argument("--node", metavar="ID", help="only this node")
    q.set_defaults(handler=publish_snapshot)
