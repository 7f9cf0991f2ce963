"""How a daemon runs under systemd: start, wait for SIGTERM or SIGINT, stop. Stdlib only."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType


def run_until_signalled(start: Callable[[], None], stop: Callable[[], None]) -> None:
    """``start()``, then block until SIGTERM (systemd stop) or SIGINT (Ctrl-C), then ``stop()``."""
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    start()
    try:
        while not stopping.wait(1.0):
            pass
    finally:
        stop()
