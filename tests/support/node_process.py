"""``python -m tests.support.node_process NODE PIN_LOG [CHIP]``: a real node process.

Used by the crash tests: the node runs as in production (its own process, real clock, fake
reader on its socket) and every pin change is appended to PIN_LOG, so a test can see what
the relays did across a SIGKILL and a restart. With CHIP (a ``SimChip``'s socket), its outputs
are lines of that chip, released when the process exits, as on a real Pi.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from gpiozero.pins.mock import MockFactory, MockPin

from access.config import load_config
from access.node.runner import NodeRunner
from tests.support.sim_gpio import chip_factory


def main() -> None:
    node_id, pin_log = sys.argv[1], sys.argv[2]

    class LoggedPin(MockPin):
        def _change_state(self, value: bool) -> bool:
            changed = bool(super()._change_state(value))
            if changed:
                with open(pin_log, "a") as log:
                    log.write(f"{self.info.name} {int(value)}\n")
            return changed

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    factory = chip_factory(Path(sys.argv[3])) if len(sys.argv) > 3 \
        else MockFactory(pin_class=LoggedPin)
    NodeRunner(load_config(), node_id, pin_factory=factory).run_forever()


if __name__ == "__main__":
    main()
