"""What the node listens to: the button, the door contact, the machine's running sense.

gpiozero calls the callbacks from its own thread; they must only enqueue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gpiozero import Button, DigitalInputDevice

from access.hardware import Pin

Callback = Callable[[], None]


class PushButton:
    """A button: ``on_press`` on a short press, ``on_hold`` once after ``hold_s`` held down.

    A door's exit button opens on press; a machine's button marks it out of service when held.
    """

    def __init__(self, pin: Pin, *, pull_up: bool = True, hold_s: float = 3.0,
                 on_press: Callback | None = None, on_hold: Callback | None = None,
                 pin_factory: Any = None) -> None:
        self._button = Button(pin, pull_up=pull_up, hold_time=hold_s, pin_factory=pin_factory)
        if on_press is not None:
            self._button.when_pressed = on_press
        if on_hold is not None:
            self._button.when_held = on_hold

    @property
    def pin(self) -> Any:
        return self._button.pin

    @property
    def is_pressed(self) -> bool:
        return bool(self._button.is_pressed)

    def close(self) -> None:
        self._button.close()

    def __repr__(self) -> str:
        return f"<PushButton on {self._button.pin}, pressed={self.is_pressed}>"


class Switch:
    """A two-state input: a door contact (active = closed) or a running sense (active = running)."""

    def __init__(self, pin: Pin, *, pull_up: bool = True, on_change: Callable[[bool], None] | None = None,
                 pin_factory: Any = None) -> None:
        self._input = DigitalInputDevice(pin, pull_up=pull_up, pin_factory=pin_factory)
        if on_change is not None:
            self._input.when_activated = lambda: on_change(True)
            self._input.when_deactivated = lambda: on_change(False)

    @property
    def is_active(self) -> bool:
        return bool(self._input.is_active)

    @property
    def pin(self) -> Any:
        return self._input.pin

    def close(self) -> None:
        self._input.close()

    def __repr__(self) -> str:
        return f"<Switch on {self._input.pin}, active={self.is_active}>"
