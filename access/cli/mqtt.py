"""``seuil mqtt setup|acl``: the broker's passwords, ACL and configuration, from seuil.toml."""

from __future__ import annotations

import argparse
from pathlib import Path

from access import join as joining
from access import mosquitto
from access import tls as site_tls
from access.cli.context import CommandContext
from access.errors import InvalidInput
from access.services.rules import entrance_node

TLS_DIR = "tls"
"""The site CA's folder, beside seuil.toml (its key never leaves the hub)."""
BROKER_DIR = "/etc/mosquitto/seuil"
"""Where install.sh has ``seuil mqtt setup`` write the broker's files (its certificate too)."""


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
        # Run again (an upgrade) without --tls-host, the certificate keeps the names it had.
        hosts = args.tls_host or (site_tls.certificate_hosts(tls.cert) if tls.cert.is_file()
                                  else site_tls.default_hosts())
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
        print("  (or in one step: sudo seuil mqtt join NODE writes one file with all of it, for "
              "install.sh --join on that Pi)")
    print("next: make mosquitto read it (install.sh does this):")
    print(f"  ln -sf {files.conf} /etc/mosquitto/conf.d/seuil.conf && systemctl restart mosquitto")
    return 0


def _join_host(hosts: list[str], asked: str | None) -> str:
    """The name the joining Pi will reach the hub by: one the broker's certificate holds."""
    if asked:
        if asked not in hosts:
            raise InvalidInput(f"the broker's certificate is not valid for {asked}, only for "
                               f"{', '.join(hosts)}",
                               hint=f"give one of those, or add it: sudo ./install.sh --role hub ... --tls "
                                    f"--tls-host {asked}")
        return asked
    local = [h for h in hosts if h.endswith(".local") and h != "localhost.local"]
    remote = [h for h in hosts if h not in ("localhost", "127.0.0.1", "::1")]
    if not (local or remote):
        raise InvalidInput(f"the broker's certificate names only this machine ({', '.join(hosts)})",
                           hint="sudo ./install.sh --role hub ... --tls --tls-host NAME-OTHER-PIS-USE")
    return (local or remote)[0]


def _secret(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError:
        raise InvalidInput(f"cannot read {what} ({path})",
                           hint="run it as root: sudo seuil mqtt join ...") from None
    except FileNotFoundError:
        raise InvalidInput(f"no {what} at {path}",
                           hint="add the node to seuil.toml, then run install.sh (or seuil mqtt setup) "
                                "again") from None


def join(ctx: CommandContext) -> int:
    """The one file another Pi needs to run ``nodes`` against this hub, over TLS."""
    config = ctx.config()
    nodes = sorted(set(ctx.args.node))
    for node in nodes:
        config.node(node)
    if config.mqtt.password_dir != "mqtt" or config.paths.secret != joining.SECRET:
        raise InvalidInput(f'a join bundle needs [mqtt] password_dir = "mqtt" and [paths] secret = '
                           f'"{joining.SECRET}" (what install.sh writes) in {config.source}')
    cert = Path(ctx.args.broker_dir) / "broker.pem"
    ca = config.path(TLS_DIR) / "ca.pem"
    if not (cert.is_file() and ca.is_file()):
        raise InvalidInput(f"the broker has no TLS listener with the site CA yet (no {cert} or {ca})",
                           hint="sudo ./install.sh --role hub ... --tls")
    host = _join_host(site_tls.certificate_hosts(cert), ctx.args.host)
    url = f"mqtts://{host}:{ctx.args.tls_port}"
    text = Path(config.source).read_text(encoding="utf-8")
    files = {joining.CONFIG: joining.node_config_text(text, url).encode("utf-8"),
             joining.SECRET: _secret(config.secret_path, "the site secret"),
             joining.CA: ca.read_bytes()}
    for node in nodes:
        files[f"mqtt/node-{node}"] = _secret(config.path(f"mqtt/node-{node}"),
                                             f"the broker password of node-{node}")
    out = Path(ctx.args.out or f"seuil-join-{'-'.join(nodes)}.tar")
    joining.write_bundle(joining.Bundle(files), out)
    flags = " ".join(f"--node {node}" for node in nodes)
    print(f"wrote {out} (mode 0600: it holds the site secret and the broker password of "
          f"{', '.join(f'node-{n}' for n in nodes)}); the other Pi will reach the broker at {url}")
    print("next: copy it to the other Pi, install there, then delete both copies:")
    print(f"  scp {out} you@OTHER-PI.local:")
    print(f"  (on the other Pi) sudo ./install.sh --role node {flags} --join ~/{out.name}")
    return 0


def unpack(ctx: CommandContext) -> int:
    bundle = joining.read_bundle(Path(ctx.args.bundle))
    written = joining.unpack(bundle, Path(ctx.args.dir), ctx.args.node or None)
    print(f"wrote {', '.join(str(p) for p in written)}")
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
    j = sub.add_parser("join", help="one file with what another Pi needs to run a node over TLS",
                       description="On the hub (as root, after install.sh --tls): write a private file "
                                   "with seuil.toml pointed at this broker's TLS listener, the site "
                                   "secret, the site CA's certificate and the broker password of each "
                                   "NODE. Carry it to the other Pi and run install.sh --role node "
                                   "--node NODE --join FILE there.")
    j.add_argument("node", nargs="+", metavar="NODE",
                   help="a [nodes.<id>] of seuil.toml that the other Pi runs")
    j.add_argument("--host", metavar="NAME",
                   help="the hub's name as the other Pi reaches it, one the broker's certificate holds "
                        "(default: its NAME.local)")
    j.add_argument("--out", metavar="FILE", help="where to write it (default: seuil-join-NODE.tar here)")
    j.add_argument("--tls-port", type=int, default=8883, help="the broker's TLS port (default 8883)")
    j.add_argument("--broker-dir", default=BROKER_DIR, metavar="DIR",
                   help=f"the broker's files, with its certificate (default {BROKER_DIR})")
    j.set_defaults(handler=join)
    u = sub.add_parser("unpack", help="put a join bundle's files in place (install.sh --join does it)",
                       description="Check FILE (from seuil mqtt join on the hub) and write its files into "
                                   "DIR (/etc/seuil), each private from its first byte.")
    u.add_argument("bundle", metavar="FILE")
    u.add_argument("dir", metavar="DIR")
    u.add_argument("--node", action="append", metavar="ID",
                   help="a node this Pi runs: the bundle must be for exactly these")
    u.set_defaults(handler=unpack)
    a = sub.add_parser("acl", help="print the ACL that setup would write",
                       description="Print mosquitto's ACL for this config, to review it.")
    a.set_defaults(handler=acl)
