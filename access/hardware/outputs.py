"""What the node switches: the door strike, a machine's power, the LED and the buzzer.

Each is a small gpiozero device with ``active_high`` from seuil.toml. Timed patterns (the door
pulse, beeps) run in gpiozero's own background thread, so a stalled worker never leaves a
door unlocked: the strike relocks on time whatever our code does.
"""

from __future__ import annotations

from typing import Any

from gpiozero import LED, Buzzer, DigitalOutputDevice

from access.hardware import Pin


class DoorStrike:
    """The door's electric strike: locked unless pulsed.

    >>> strike = DoorStrike(17, active_high=False)
    >>> strike.pulse(5)            # open for 5 s, relocked by gpiozero
    >>> strike.is_unlocked
    True
    >>> strike.close()             # relocks, then releases the pin
    """

    def __init__(self, pin: Pin, *, active_high: bool = True, pin_factory: Any = None) -> None:
        self._relay = DigitalOutputDevice(pin, active_high=active_high, initial_value=False,
                                          pin_factory=pin_factory)

    def pulse(self, seconds: float) -> None:
        """Unlock for ``seconds``; a new pulse restarts the time."""
        self._relay.on()  # now, in this thread: the person at the door is waiting
        self._relay.blink(on_time=seconds, off_time=0, n=1, background=True)  # relocks on time

    def lock(self) -> None:
        self._relay.off()

    @property
    def is_unlocked(self) -> bool:
        return bool(self._relay.is_active)

    @property
    def pin(self) -> Any:
        return self._relay.pin

    def close(self) -> None:
        self.lock()
        self._relay.close()

    def __repr__(self) -> str:
        return f"<DoorStrike on {self._relay.pin}, unlocked={self.is_unlocked}>"


class MachinePower:
    """A machine's power relay, held on for the length of a session.

    ``initially_on`` is for a node that restarts while a session runs: the relay is claimed
    already on, so the machine never sees a gap.
    """

    def __init__(self, pin: Pin, *, active_high: bool = True, initially_on: bool = False,
                 pin_factory: Any = None) -> None:
        self._relay = DigitalOutputDevice(pin, active_high=active_high,
                                          initial_value=initially_on, pin_factory=pin_factory)

    def on(self) -> None:
        self._relay.on()

    def off(self) -> None:
        self._relay.off()

    @property
    def is_on(self) -> bool:
        return bool(self._relay.is_active)

    @property
    def pin(self) -> Any:
        return self._relay.pin

    def close(self, *, keep_power: bool = False) -> None:
        """Release the pin. ``keep_power``: a session runs, leave the machine on for the next start."""
        if not keep_power:
            self.off()
        self._relay.close()

    def __repr__(self) -> str:
        return f"<MachinePower on {self._relay.pin}, on={self.is_on}>"


class Feedback:
    """The LED and buzzer by the reader; either may be absent."""

    def __init__(self, led: LED | None = None, buzzer: Buzzer | None = None) -> None:
        self.led = led
        self.buzzer = buzzer

    @classmethod
    def on_pins(cls, led: tuple[Pin, bool] | None, buzzer: tuple[Pin, bool] | None, *,
                pin_factory: Any = None) -> Feedback:
        """``led`` and ``buzzer`` are ``(pin, active_high)`` or None."""
        return cls(
            LED(led[0], active_high=led[1], pin_factory=pin_factory) if led else None,
            Buzzer(buzzer[0], active_high=buzzer[1], pin_factory=pin_factory) if buzzer else None,
        )

    def yes(self) -> None:
        """One long light, one short beep."""
        if self.led:
            self.led.blink(on_time=1.0, off_time=0, n=1, background=True)
        if self.buzzer:
            self.buzzer.blink(on_time=0.1, off_time=0, n=1, background=True)

    def no(self) -> None:
        """Three quick flashes and beeps."""
        if self.led:
            self.led.blink(on_time=0.15, off_time=0.15, n=3, background=True)
        if self.buzzer:
            self.buzzer.blink(on_time=0.15, off_time=0.15, n=3, background=True)

    def warning(self) -> None:
        """A session is about to end: five slow beeps."""
        if self.buzzer:
            self.buzzer.blink(on_time=0.4, off_time=0.4, n=5, background=True)

    def steady(self, on: bool) -> None:
        """The LED stays lit while a machine session runs."""
        if self.led:
            if on:
                self.led.on()
            else:
                self.led.off()

    def close(self) -> None:
        for device in (self.led, self.buzzer):
            if device is not None:
                device.off()
                device.close()
