"""``seuil snapshot publish``: push what the nodes need to decide, now."""

from __future__ import annotations

import argparse

from access.bus import oneshot
from access.bus.snapshot_payload import encode_snapshot
from access.bus.topics import Topics
from access.cli.context import CommandContext
from access.services.node_snapshots import node_snapshot_payload


def publish_snapshot(ctx: CommandContext) -> int:
    site = ctx.site()
    config = site.config
    nodes = [ctx.args.node] if ctx.args.node else sorted(config.nodes)
    for node_id in nodes:
        config.node(node_id)
    with site.store.read() as session:
        payload = node_snapshot_payload(session, site)
    raw = encode_snapshot(payload)
    topics = Topics(config.site.id)
    oneshot.publish(config.mqtt.url, [(topics.node_snapshot(n), raw) for n in nodes], retain=True,
                    username=config.mqtt.username, password=config.mqtt_password())
    print(f"snapshot {payload.version} ({len(payload.cards)} cards, {len(raw) / 1024:.0f} KiB) "
          f"published for {', '.join(nodes) or 'no node'}")
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
