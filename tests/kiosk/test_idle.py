"""The idle return: wait, ask "Are you still there?", count down, go home; a hold that begins
after the last touch is seen when the wait runs out."""

import time

from PySide6.QtCore import QCoreApplication

from kiosk.idle import After, IdleWatch, Wait


def _spin(ms: int) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.005)


def test_left_alone_the_screen_asks_then_goes_home_and_a_touch_stays(core_app):
    homes = []
    watch = IdleWatch(lambda: Wait(40, After.WARN), lambda: homes.append(1))
    watch.warning_s = 1
    watch.touched()
    _spin(120)
    assert watch.warning is True and watch.seconds == 1 and homes == []
    watch.touched()
    assert watch.warning is False
    _spin(120)
    assert watch.warning is True
    _spin(1200)
    assert homes == [1] and watch.warning is False


def test_an_information_screen_goes_home_without_asking_and_home_never_times_out(core_app):
    homes = []
    policy = {"now": Wait(30, After.HOME)}
    watch = IdleWatch(lambda: policy["now"], lambda: homes.append(1))
    watch.touched()
    _spin(100)
    assert homes == [1] and watch.warning is False
    policy["now"] = Wait(0, After.NEVER)
    watch.touched()
    _spin(100)
    assert homes == [1] and not watch.active


def test_a_sale_that_opens_after_the_last_touch_holds_the_screen(core_app):
    homes = []
    policy = {"now": Wait(40, After.WARN)}
    watch = IdleWatch(lambda: policy["now"], lambda: homes.append(1))
    watch.touched()  # the touch that chose the amount; the checkout opens after it
    policy["now"] = Wait(60_000, After.WARN)
    _spin(150)
    assert watch.warning is False and watch.active and homes == []
