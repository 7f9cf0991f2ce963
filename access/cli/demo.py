"""``seuil demo``: the whole of Seuil on this machine, with simulated hardware and sample data."""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from access.cli.context import CommandContext
from access.errors import NotInitialised


def _workdir(ctx: CommandContext) -> tuple[Path, bool]:
    """The folder for the demo's site and broker, and whether to delete it at the end."""
    if ctx.args.dir:
        folder = Path(ctx.args.dir).resolve()
        if folder.exists() and any(folder.iterdir()):
            raise NotInitialised(f"{folder} is not empty", hint="give a new folder, or leave --dir out")
        folder.mkdir(parents=True, exist_ok=True)
        return folder, False
    return Path(tempfile.mkdtemp(prefix="seuil-demo-")), True


def demo(ctx: CommandContext) -> int:
    from access.demo.check import CheckFailed, run_check

    logging.getLogger().setLevel(logging.WARNING)
    workdir, throwaway = _workdir(ctx)
    try:
        if ctx.args.check:
            try:
                run_check(workdir, broker_kind=ctx.args.broker)
            except (CheckFailed, RuntimeError) as error:
                print(f"demo check FAILED: {error}")
                return 1
            return 0
        return _interactive(workdir, ctx.args.broker, throwaway)
    finally:
        if throwaway:
            shutil.rmtree(workdir, ignore_errors=True)


def seuil_command() -> str:
    """How to run ``seuil`` from another terminal: ``seuil`` if that is this one on PATH, else
    the full path of this one (``./install.sh --demo`` does not put its venv on PATH)."""
    here = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if here is None or here.name != "seuil" or not os.access(here, os.X_OK):
        beside = Path(sys.executable).with_name("seuil")  # the venv's script
        if not os.access(beside, os.X_OK):
            return f"{shlex.quote(sys.executable)} -m access.cli.main"
        here = beside
    on_path = shutil.which("seuil")
    if on_path is not None and Path(on_path).resolve() == here.resolve():
        return "seuil"
    return shlex.quote(str(here))


def suggestions(config: Path) -> list[str]:
    """The commands the demo suggests, as they run in another terminal (its site's config)."""
    seuil = f"SEUIL_CONFIG={shlex.quote(str(config))} {seuil_command()}"
    return [f"{seuil} member list", f"{seuil} report occupancy", f"{seuil} log --limit 5"]


def _interactive(workdir: Path, broker_kind: str, throwaway: bool) -> int:
    try:
        from kiosk import demo as windows
    except ImportError as error:
        raise NotInitialised(f"the demo's windows need PySide6 ({error.name} is missing)",
                             hint="./install.sh --demo installs everything; `seuil demo --check` "
                                  "runs without windows") from None
    from access.demo.broker import DemoBroker
    from access.demo.dataset import make_site
    from access.demo.stack import DemoStack

    broker = DemoBroker(workdir / "broker", prefer=broker_kind)
    broker.start()
    stack = None
    try:
        print(f"building the demo association in {workdir / 'site'} (eight weeks of history)...")
        site = make_site(workdir / "site", broker.url, mqtt_protocol=broker.protocol)
        stack = DemoStack(site)
        stack.start()
        config = workdir / "site" / "seuil.toml"
        os.environ["SEUIL_CONFIG"] = str(config)
        print(f"running: broker ({broker.kind}) on {broker.url}, hub, nodes {', '.join(stack.nodes)}, kiosk")
        print("tap the sample badges in the panel window; in another terminal, try:")
        for command in suggestions(config):
            print(f"  {command}")
        print("close the windows (or Ctrl-C) to stop; "
              + ("the demo's files are then deleted" if throwaway else f"the demo's files stay in {workdir}"))
        return windows.run(stack)
    finally:
        if stack is not None:
            stack.stop()
        broker.stop()


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "demo", help="the whole of Seuil on this machine, simulated hardware, sample data",
        description="Starts a broker (mosquitto if installed, else the embedded amqtt), the hub, the "
                    "nodes of a sample association on simulated pins and readers, the kiosk in a "
                    "window and a panel to tap sample badges. Its data lives in a temporary folder.")
    p.add_argument("--check", action="store_true",
                   help="no windows: tap every sample badge at the door and the printer, check the "
                        "relays and the ledger, exit 0 (or 1 saying what went wrong)")
    p.add_argument("--dir", metavar="DIR", help="keep the demo's site in DIR (new or empty) instead of a "
                                                "temporary folder")
    p.add_argument("--broker", choices=("auto", "mosquitto", "amqtt"), default="auto",
                   help="which broker to start (default: mosquitto if installed)")
    p.set_defaults(handler=demo)
