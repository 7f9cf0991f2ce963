"""``seuil resource list``, ``seuil resource service NAME on|off``, ``seuil resource stop NAME``."""

from __future__ import annotations

import argparse

from access.bus import oneshot
from access.bus.client import mqtt_login
from access.bus.schemas import ServiceCommand, StopSessionCommand, encode
from access.bus.topics import Topics
from access.cli.context import CommandContext
from access.cli.output import local_time, print_rows
from access.errors import InvalidInput, unknown
from access.services.resources import audit_command, list_resources
from access.services.rules import current as current_rules


def list_(ctx: CommandContext) -> int:
    site = ctx.site()
    print_rows(list_resources(site), as_json=ctx.args.json,
               headers=["name", "kind", "node", "skill", "out of service", "in use by", "since"],
               cells=lambda r: [r.name, r.kind, r.node, r.skill, r.out_of_service, r.in_use_by,
                                local_time(r.since, site.clock) if r.since else None],
               empty="no resources: write them in rules.toml and run `seuil rules apply`")
    return 0


def _node_of(ctx: CommandContext, name: str, *, machine: bool) -> str:
    site = ctx.site()
    rules = current_rules(site).rules
    names = [r.name for r in rules.resources if not machine or r.kind == "machine"]
    resource = rules.resource(name)
    if resource is None or name not in names:
        raise InvalidInput(unknown("machine" if machine else "resource", name, names))
    return resource.node


def _send(ctx: CommandContext, node: str, action: str, payload: bytes) -> None:
    config = ctx.site().config
    oneshot.publish(config.mqtt.url, [(Topics(config.site.id).command(node, action), payload)],
                    login=mqtt_login(config, "admin"))


def service(ctx: CommandContext) -> int:
    name = ctx.args.resource
    node = _node_of(ctx, name, machine=True)
    out = ctx.args.state == "off"
    site = ctx.site()
    _send(ctx, node, "service", encode(ServiceCommand(actor=site.actor, issued_at=site.now(),
                                                      out_of_service=out)))
    audit_command(site, "resource.service", name, node, out_of_service=out)
    state = "out of service" if out else "back in service"
    print(f"{name}: asked node {node} to mark it {state}; the node confirms it to the hub "
          "(seuil resource list), at once if it is online, else when it reconnects")
    return 0


def stop(ctx: CommandContext) -> int:
    name = ctx.args.resource
    node = _node_of(ctx, name, machine=True)
    site = ctx.site()
    _send(ctx, node, "stop-session", encode(StopSessionCommand(actor=site.actor, issued_at=site.now())))
    audit_command(site, "resource.stop", name, node)
    print(f"{name}: asked node {node} to end the running session (power off, session billed)")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("resource", help="doors and machines: state, service, sessions",
                                 description="Doors and machines, as rules.toml declares them.")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("list", help="each resource, its node, whether it is in use or out of service")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)
    p = sub.add_parser("service", help="mark a machine out of service (off) or back in service (on)",
                       description="Sends the command to the machine's node, which switches it and "
                                   "reports back. Members are refused while it is off.")
    p.add_argument("resource", help="a machine of rules.toml, e.g. 3d-printer")
    p.add_argument("state", choices=["on", "off"], help="on: in service; off: out of service")
    p.set_defaults(handler=service)
    p = sub.add_parser("stop", help="end the session running on a machine (someone forgot to tap out)")
    p.add_argument("resource", help="a machine of rules.toml, e.g. 3d-printer")
    p.set_defaults(handler=stop)
