"""``seuil node`` and ``seuil tap``: what runs on a node's Pi.

Nothing here imports the database layer: a node has no database, and `seuil node` stays
small in memory (see ``access.cli.main.LEAN_COMMANDS``).
"""

from __future__ import annotations

import argparse
import logging
import warnings

from access.cli.context import CommandContext
from access.domain.cards import UidError, normalize_uid
from access.errors import InvalidInput, Unavailable
from access.hardware.reader import ReaderError, send_fake_tap
from access.node.devices import keeper_socket_path, tap_socket_path


def _gpio_or_say_so() -> None:
    """A laptop has no GPIO: one line saying what to run instead, not gpiozero's traceback."""
    from gpiozero import Device
    from gpiozero.exc import BadPinFactory, GPIOZeroError

    with warnings.catch_warnings(record=True) as fallbacks:  # one per library it tried
        warnings.simplefilter("always")
        try:
            Device.ensure_pin_factory()
        except (BadPinFactory, GPIOZeroError, ImportError) as error:
            why = ("gpiozero found no pin library" if isinstance(error, BadPinFactory)
                   else f"gpiozero: {error}")
            raise Unavailable(f"no GPIO on this machine: {why}",
                              hint="on a Pi, install.sh --role node sets it up; on a laptop, try "
                              "`seuil demo`, or GPIOZERO_PIN_FACTORY=mock for a node on mock pins") from None
    for fallback in fallbacks:
        logging.getLogger(__name__).warning("%s", fallback.message)


def node(ctx: CommandContext) -> int:
    if ctx.args.session:
        return session(ctx)
    from access.node.runner import NodeRunner

    logging.getLogger().setLevel(logging.DEBUG if ctx.args.verbose else logging.INFO)
    config = ctx.config()
    if config.node(ctx.args.node).pins():  # a USB or fake reader alone needs no GPIO
        _gpio_or_say_so()
    NodeRunner(config, ctx.args.node).run_forever()
    return 0


def session(ctx: CommandContext) -> int:
    """Say whether a machine session runs on the node (exit 0) or not (exit 1): install.sh asks."""
    from access.node.local_state import running_session

    config = ctx.config()
    config.node(ctx.args.node)
    running = running_session(config.data_dir / f"node-{ctx.args.node}.outbox.db")
    if running is None:
        print(f"no session runs on {ctx.args.node}")
        return 1
    print(f"a session runs on {ctx.args.node}: {running}")
    return 0


def keeper(ctx: CommandContext) -> int:
    from access.keeper import RelayKeeper
    from access.lifecycle import notify

    logging.getLogger().setLevel(logging.INFO)
    config = ctx.config()
    settings = config.node(ctx.args.node)
    if not settings.relay_keeper or settings.relay is None:
        print(f"node {ctx.args.node} has no relay_keeper = true in seuil.toml: nothing to hold")
        notify("READY=1")  # started and done: systemd counts a clean exit as success
        return 0
    _gpio_or_say_so()
    RelayKeeper(keeper_socket_path(config, ctx.args.node), settings.relay.pin,
                active_high=settings.relay.active_high).run_forever()
    return 0


def tap(ctx: CommandContext) -> int:
    config = ctx.config()
    settings = config.node(ctx.args.node)
    if settings.reader != "fake":
        raise InvalidInput(f'node "{ctx.args.node}" has a real reader ({settings.reader}); '
                           "simulated taps only go to a fake reader",
                           hint="tap a real card on it instead")
    try:
        uid = normalize_uid(ctx.args.uid)
        send_fake_tap(tap_socket_path(config, ctx.args.node), uid)
    except UidError as error:
        raise InvalidInput(str(error)) from None
    except ReaderError as error:
        raise Unavailable(str(error), hint=f"start it: seuil node --node {ctx.args.node}") from None
    print(f"tapped {uid} on {ctx.args.node}")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "node", help="run the daemon of one reader (door or machine)",
        description="Run one node: its reader, relays, sessions and MQTT link, until stopped. "
                    "It decides alone from its last snapshot when the hub or broker is down.")
    p.add_argument("--node", required=True, metavar="ID", help="a [nodes.<id>] of seuil.toml")
    p.add_argument("--verbose", "-v", action="store_true", help="log every event")
    p.add_argument("--session", action="store_true",
                   help="do not run: say whether a machine session runs (exit 0) or not (exit 1)")
    p.set_defaults(handler=node)

    p = commands.add_parser(
        "keeper", help="hold a machine's relay for its node (systemd runs it)",
        description="Own the relay line of a node whose [nodes.<id>] says relay_keeper = true, "
                    "and switch it as the node asks over a Unix socket: a restart or crash of "
                    "the node never cuts a running machine. Exits at once for other nodes.")
    p.add_argument("--node", required=True, metavar="ID", help="a [nodes.<id>] of seuil.toml")
    p.set_defaults(handler=keeper)

    p = commands.add_parser(
        "tap", help="simulate a card on a node with a fake reader (demo, tests)",
        description="Present a card UID to a running node whose reader is \"fake\". "
                    "Refused for a node with a real reader.")
    p.add_argument("--node", required=True, metavar="ID")
    p.add_argument("--uid", required=True, help="the card's UID, e.g. 04A1B2C3")
    p.set_defaults(handler=tap)
