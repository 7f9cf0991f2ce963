"""What the node switches: the door strike, a machine's power, the LED and the buzzer.

Each is a small gpiozero device with ``active_high`` from seuil.toml. Timed patterns (the door
pulse, beeps) run in gpiozero's own background thread, so a stalled worker never leaves a
door unlocked: the strike relocks on time whatever our code does.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

from gpiozero import LED, Buzzer, DigitalOutputDevice

from access.hardware import Pin


class Power(Protocol):
    """A machine's power, however it is held (this process's line, the keeper, a latching relay)."""

    def on(self) -> None: ...
    def off(self) -> None: ...
    @property
    def is_on(self) -> bool: ...
    def real_state(self) -> bool | None:
        """What the relay is now, known from outside this process; None: as this process set it."""
    def close(self, *, keep_power: bool = False) -> None: ...


class Strike(Protocol):
    """A door strike: locked unless pulsed."""

    def pulse(self, seconds: float) -> None: ...
    def lock(self) -> None: ...
    @property
    def is_unlocked(self) -> bool: ...
    def close(self) -> None: ...


class DoorStrike:
    """The door's electric strike: locked unless pulsed.

    The pin is driven at once, in the caller's thread, before anything else: no other thread
    has to run first (gpiozero's ``blink`` would first stop and join the previous pulse's
    thread, and the person at the door would wait for the scheduler). A timer thread of its
    own relocks each pulse on time, whatever the node's threads do; a newer pulse makes the
    older timers harmless (each carries the number of its pulse).

    >>> strike = DoorStrike(17, active_high=False)
    >>> strike.pulse(5)            # open for 5 s, relocked by the pulse's timer
    >>> strike.is_unlocked
    True
    >>> strike.close()             # relocks, then releases the pin
    """

    def __init__(self, pin: Pin, *, active_high: bool = True, pin_factory: Any = None) -> None:
        self._relay = DigitalOutputDevice(pin, active_high=active_high, initial_value=False,
                                          pin_factory=pin_factory)
        self._lock = threading.Lock()
        self._pulses = 0  # the latest pulse's number: only its timer may relock
        self._timer: threading.Timer | None = None

    def pulse(self, seconds: float) -> None:
        """Unlock for ``seconds``; a new pulse restarts the time."""
        with self._lock:
            self._relay.on()  # now, in this thread: the person at the door is waiting
            self._pulses += 1
            previous, self._timer = self._timer, threading.Timer(seconds, self._relock,
                                                                 (self._pulses,))
        if previous is not None:
            previous.cancel()  # no join: a timer that fires anyway finds a newer pulse
        self._timer.daemon = True
        self._timer.name = "door-relock"
        self._timer.start()

    def _relock(self, pulse: int) -> None:
        with self._lock:
            if pulse == self._pulses:
                self._relay.off()

    def lock(self) -> None:
        with self._lock:
            self._pulses += 1  # every pending timer is now stale
            self._relay.off()
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

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

    def real_state(self) -> bool | None:
        return None  # a line of this process: what it was before this process is not knowable

    @property
    def pin(self) -> Any:
        return self._relay.pin

    def close(self, *, keep_power: bool = False) -> None:
        """Release the pin. ``keep_power``: a session runs, leave the machine on for the next start.

        On a character-device GPIO (lgpio, libgpiod) the line is an input once this process
        exits, whatever ``keep_power`` says: an active-low board then reads off. A machine that
        must outlive the node is held by the relay keeper or a latching relay (docs/wiring.md).
        """
        if not keep_power:
            self.off()
        self._relay.close()

    def __repr__(self) -> str:
        return f"<MachinePower on {self._relay.pin}, on={self.is_on}>"


class LatchingPower:
    """A latching (bistable) relay: a pulse on ``set_pin`` turns it on, one on ``reset_pin`` off.

    It holds either state with no pin driven, through a restart of the node and a power cut of
    the Pi. Its state cannot be read back, so it is claimed by a pulse: on if a session was
    running, off otherwise; after that it is what the last pulse made it.

    >>> power = LatchingPower(5, 6, pulse_s=0.05, initially_on=False)
    >>> power.on()                  # a 50 ms pulse on GPIO5, timed by gpiozero
    >>> power.is_on
    True
    >>> power.close(keep_power=True)  # the relay stays on; the pins are released
    """

    def __init__(self, set_pin: Pin, reset_pin: Pin, *, pulse_s: float = 0.05,
                 active_high: bool = True, initially_on: bool = False,
                 pin_factory: Any = None) -> None:
        self.pulse_s = pulse_s
        self._set = DigitalOutputDevice(set_pin, active_high=active_high, initial_value=False,
                                        pin_factory=pin_factory)
        self._reset = DigitalOutputDevice(reset_pin, active_high=active_high,
                                          initial_value=False, pin_factory=pin_factory)
        self._on = initially_on
        self._pulsed_at = 0.0
        self._pulse(self._set if initially_on else self._reset)

    def _pulse(self, coil: DigitalOutputDevice) -> None:
        other = self._reset if coil is self._set else self._set
        other.off()  # never both coils at once
        coil.blink(on_time=self.pulse_s, off_time=0, n=1, background=True)
        self._pulsed_at = time.monotonic()

    def on(self) -> None:
        self._on = True
        self._pulse(self._set)

    def off(self) -> None:
        self._on = False
        self._pulse(self._reset)

    @property
    def is_on(self) -> bool:
        return self._on

    def real_state(self) -> bool | None:
        return None  # claimed by a pulse: it is what this process made it

    def close(self, *, keep_power: bool = False) -> None:
        """Release the pins; the relay stays as it is (``keep_power``) or is reset first."""
        left = self._pulsed_at + self.pulse_s - time.monotonic()
        if left > 0:
            time.sleep(left)  # a pulse cut short may not latch
        if not keep_power and self._on:
            self._on = False
            self._reset.off()
            self._set.off()
            self._reset.blink(on_time=self.pulse_s, off_time=0, n=1, background=False)
        for coil in (self._set, self._reset):
            coil.close()

    def __repr__(self) -> str:
        return f"<LatchingPower set {self._set.pin} reset {self._reset.pin}, on={self._on}>"


class Feedback:
    """The LED and buzzer by the reader; either may be absent.

    While a machine runs the LED is steady; a pattern (a refusal, an induction) flashes over it
    and the LED comes back steady when the pattern is over.
    """

    def __init__(self, led: LED | None = None, buzzer: Buzzer | None = None) -> None:
        self.led = led
        self.buzzer = buzzer
        self._steady = False
        self._patterns = 0  # which pattern is the latest: only it may bring the steady light back
        self._lock = threading.Lock()

    @classmethod
    def on_pins(cls, led: tuple[Pin, bool] | None, buzzer: tuple[Pin, bool] | None, *,
                pin_factory: Any = None) -> Feedback:
        """``led`` and ``buzzer`` are ``(pin, active_high)`` or None."""
        return cls(
            LED(led[0], active_high=led[1], pin_factory=pin_factory) if led else None,
            Buzzer(buzzer[0], active_high=buzzer[1], pin_factory=pin_factory) if buzzer else None,
        )

    def _flash(self, on_time: float, off_time: float, n: int) -> None:
        if self.led is None:
            return
        self.led.blink(on_time=on_time, off_time=off_time, n=n, background=True)
        with self._lock:
            self._patterns += 1
            pattern, steady = self._patterns, self._steady
        if steady:
            timer = threading.Timer(n * (on_time + off_time), self._back_to_steady, (pattern,))
            timer.daemon = True
            timer.start()

    def _back_to_steady(self, pattern: int) -> None:
        with self._lock:
            if self._steady and pattern == self._patterns and self.led is not None \
                    and not self.led.closed:
                self.led.on()

    def yes(self) -> None:
        """One long light, one short beep."""
        self._flash(1.0, 0, 1)
        if self.buzzer:
            self.buzzer.blink(on_time=0.1, off_time=0, n=1, background=True)

    def no(self) -> None:
        """Three quick flashes and beeps."""
        self._flash(0.15, 0.15, 3)
        if self.buzzer:
            self.buzzer.blink(on_time=0.15, off_time=0.15, n=3, background=True)

    def warning(self) -> None:
        """A session is about to end: five slow beeps."""
        if self.buzzer:
            self.buzzer.blink(on_time=0.4, off_time=0.4, n=5, background=True)

    def steady(self, on: bool) -> None:
        """The LED stays lit while a machine session runs (after any pattern flashed over it)."""
        with self._lock:
            self._steady = on
        if self.led:
            if on:
                self.led.on()
            else:
                self.led.off()

    def close(self) -> None:
        with self._lock:
            self._steady = False
        for device in (self.led, self.buzzer):
            if device is not None:
                device.off()
                device.close()
