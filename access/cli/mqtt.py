"""``seuil mqtt setup|acl``: the broker's passwords, ACL and configuration, from seuil.toml."""

from __future__ import annotations

import argparse
from pathlib import Path

from access import mosquitto
from access import tls as site_tls
from access.cli.context import CommandContext
from access.errors import InvalidInput
from access.services.rules import entrance_node

TLS_DIR = "tls"
"""The site CA's folder, beside seuil.toml (its key never leaves the hub)."""


def setup(ctx: CommandContext) -> int:
    args = ctx.args
    if bool(args.tls_cert) != bool(args.tls_key):
        raise InvalidInput("--tls-cert and --tls-key go together")
    if args.tls and args.tls_cert:
        raise InvalidInput("--tls makes the certificate: give it, or --tls-cert/--tls-key, not both")
    if args.tls_host and not args.tls:
        raise InvalidInput("--tls-host names the hosts of the certificate --tls makes: add --tls")
    site = ctx.site()
    into = Path(args.dir).resolve()
    tls = (mosquitto.Tls(Path(args.tls_cert).resolve(), Path(args.tls_key).resolve(), args.tls_port)
           if args.tls_cert else None)
    ca = None
    if args.tls:
        ca = site_tls.site_ca(site.config.path(TLS_DIR), site.config.site.name)
        into.mkdir(mode=0o755, parents=True, exist_ok=True)
        tls = mosquitto.Tls(into / "broker.pem", into / "broker.key", args.tls_port)
        hosts = args.tls_host or site_tls.default_hosts()
        site_tls.issue_server_certificate(ca, hosts, tls.cert, tls.key)
    files = mosquitto.setup(site, into, listen=args.listen, port=args.port, tls=tls)
    for role in files.new_passwords:
        print(f"new password for {role} in {files.password_dir / role}")
    print(f"wrote {files.passwd} (hashed), {files.acl}, {files.conf}")
    if ca is not None and tls is not None:
        print(f"TLS on port {tls.port}: the site CA is {ca.cert}; the broker's certificate is valid "
              f"for {', '.join(site_tls.certificate_hosts(tls.cert))}")
        print(f'on every other Pi: copy {ca.cert.name} next to its seuil.toml and set, under [mqtt], '
              f'url = "mqtts://<one of those names>:{tls.port}" and ca_file = "{ca.cert.name}"')
    print("next: make mosquitto read it (install.sh does this):")
    print(f"  ln -sf {files.conf} /etc/mosquitto/conf.d/seuil.conf && systemctl restart mosquitto")
    return 0


def acl(ctx: CommandContext) -> int:
    site = ctx.site()
    print(mosquitto.acl_text(site.config, entrance_node(site)), end="")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("mqtt", help="the broker's passwords and access rules",
                            description="Generate mosquitto's password file, ACL and configuration "
                                        "from seuil.toml: each program (hub, kiosk, node-<id>) signs "
                                        "in with its own password and may write only its own topics.")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = sub.add_parser("setup", help="write seuil.passwd, seuil.acl and seuil.conf into DIR",
                       description="Create a password for every role that has none yet (in [mqtt] "
                                   "password_dir), then write DIR/seuil.passwd (hashed with "
                                   "mosquitto_passwd), DIR/seuil.acl and DIR/seuil.conf, a fragment "
                                   "for /etc/mosquitto/conf.d. Safe to run again: passwords are kept; "
                                   "run it after adding a node.")
    s.add_argument("dir", metavar="DIR", help="where mosquitto's files go, e.g. /etc/mosquitto/seuil")
    s.add_argument("--listen", metavar="ADDRESS",
                   help="address of the plain listener (default: 127.0.0.1 when [mqtt] url is on this "
                        "machine, else every interface)")
    s.add_argument("--port", type=int, default=1883, help="plain MQTT port (default 1883)")
    s.add_argument("--tls", action="store_true",
                   help="add a TLS listener with a certificate signed by the site's own CA (made in "
                        "tls/ beside seuil.toml the first time): for nodes and a kiosk on other Pis")
    s.add_argument("--tls-host", action="append", metavar="NAME",
                   help="a name or address the other Pis use to reach this one (repeat; default: "
                        "this host's name, NAME.local, localhost, 127.0.0.1)")
    s.add_argument("--tls-cert", metavar="FILE", help="your own certificate for the broker instead "
                                                        "(adds a TLS listener)")
    s.add_argument("--tls-key", metavar="FILE", help="its private key")
    s.add_argument("--tls-port", type=int, default=8883, help="TLS port (default 8883)")
    s.set_defaults(handler=setup)
    a = sub.add_parser("acl", help="print the ACL that setup would write",
                       description="Print mosquitto's ACL for this config, to review it.")
    a.set_defaults(handler=acl)
