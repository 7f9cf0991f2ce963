"""``python -m tests.support.keeper_process NODE PIN_LOG CHIP``: a real relay keeper process,
its relay a line of the ``SimChip`` at CHIP (PIN_LOG is unused: the chip keeps the history)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from access.config import load_config
from access.keeper import RelayKeeper
from access.node.devices import keeper_socket_path
from tests.support.sim_gpio import chip_factory


def main() -> None:
    node_id, chip = sys.argv[1], Path(sys.argv[3])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    config = load_config()
    relay = config.node(node_id).relay
    assert relay is not None
    RelayKeeper(keeper_socket_path(config, node_id), relay.pin, active_high=relay.active_high,
                pin_factory=chip_factory(chip)).run_forever()


if __name__ == "__main__":
    main()
