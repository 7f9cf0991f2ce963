"""The kiosk's I/O worker: results come back on the GUI thread, and none after it stopped."""

import threading

import pytest

pytest.importorskip("PySide6.QtCore")

from PySide6.QtCore import QCoreApplication

from kiosk.background import Background


def test_results_and_errors_come_back_on_the_gui_thread(qtbot):
    background = Background()
    seen: list[tuple[str, object, bool]] = []
    gui = threading.current_thread()

    def failing() -> int:
        raise ValueError("the database is locked")

    background.run(lambda: 6 * 7, lambda value: seen.append(
        ("done", value, threading.current_thread() is gui)))
    background.run(failing, done=lambda value: seen.append(("done", value, False)),
                   failed=lambda error: seen.append(("failed", str(error),
                                                     threading.current_thread() is gui)))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert seen == [("done", 42, True), ("failed", "the database is locked", True)]
    assert background.pending == 0
    background.stop()


def test_a_result_still_queued_when_the_kiosk_stops_is_dropped(qtbot):
    background = Background()
    seen: list[object] = []
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        return "late"

    background.run(slow, seen.append)
    background.run(lambda: "never run", seen.append)  # queued behind it: cancelled by stop
    release.set()
    background.stop()  # waits for slow(), whose result is now a queued signal
    QCoreApplication.processEvents()
    assert seen == []
    assert background.pending == 0  # nothing left to wait for
