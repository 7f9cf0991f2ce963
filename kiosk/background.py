"""Work off the GUI thread: database calls, payment polling, anything that may block.

One worker thread runs the calls in order; results come back on the GUI thread through a
queued Qt signal, so a view-model only ever changes on the thread that draws it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[Exception], None]


class Background(QObject):
    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-io")
        self._finished.connect(self._deliver)
        self.pending = 0
        self._stopped = False

    def run(self, call: Callable[[], Any], done: Done, failed: Failed | None = None) -> None:
        """``call()`` on the worker; then ``done(result)`` or ``failed(error)`` on the GUI thread."""
        self.pending += 1

        def job() -> None:
            try:
                result: tuple[Any, Any] = (done, call())
            except Exception as error:  # shown on screen; the kiosk goes on
                log.exception("background call failed")
                result = (failed or _log_only, error)
            self._finished.emit(result)

        self._pool.submit(job)

    @Slot(object)
    def _deliver(self, item: tuple[Callable[[Any], None], Any]) -> None:
        if self._stopped:  # a result still queued when the kiosk stopped: its screen is going away
            return
        self.pending -= 1
        callback, value = item
        callback(value)

    def stop(self) -> None:
        """Finish the call under way, drop the queued ones; results that arrive later are dropped."""
        self._stopped = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.pending = 0


def _log_only(error: Exception) -> None:
    log.error("%s", error)
