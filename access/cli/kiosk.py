"""``seuil kiosk``: the entrance touchscreen (needs the ``kiosk`` extra: PySide6, segno)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from access.cli.context import CommandContext
from access.errors import NotInitialised
from access.texts import plural


def kiosk(ctx: CommandContext) -> int:
    if ctx.args.screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from kiosk import app
    except ImportError as error:
        raise NotInitialised(f"the kiosk needs PySide6 ({error.name} is missing)",
                             hint="install the kiosk extra: pip install 'seuil[kiosk]' "
                                  "(./install.sh --role kiosk on a Pi)") from None
    logging.getLogger().setLevel(logging.INFO)
    if ctx.args.screenshots:
        from kiosk import screenshots

        written = screenshots.render_all(ctx.site(), Path(ctx.args.screenshots))
        print(f"{plural(len(written), 'screenshot')} written under {ctx.args.screenshots}")
        return 0
    # the config alone: the kiosk opens the database after its home screen's first frame
    return app.run(ctx.config(), windowed=ctx.args.windowed)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "kiosk", help="the touchscreen by the door (systemd runs it under cage)",
        description="Shows who taps at the entrance, sells day passes, opens the door for a day-pass "
                    "code, and shows the volunteers' dashboard. Full screen, no cursor.")
    p.add_argument("--windowed", action="store_true", help="in a window, with the cursor (a laptop)")
    p.add_argument("--screenshots", metavar="DIR",
                   help="render every screen (both languages, 800x480, 1024x600, 1280x800, turned) "
                        "to PNG files under DIR, then exit")
    p.set_defaults(handler=kiosk)
