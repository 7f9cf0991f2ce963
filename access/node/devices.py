"""One node's pins and reader, built from its ``[nodes.<id>]`` section of seuil.toml."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from access.config import Config, InputPin, NodeConfig, OutputPin
from access.hardware import Pin
from access.hardware.hid_reader import HidReader
from access.hardware.inputs import PushButton, Switch
from access.hardware.mfrc522_reader import Mfrc522Reader
from access.hardware.outputs import DoorStrike, Feedback, MachinePower
from access.hardware.reader import FakeReader, Reader

MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes


def tap_socket_path(config: Config, node_id: str) -> Path:
    """Where a fake reader listens for ``seuil tap`` (short enough for a Unix socket)."""
    path = config.data_dir / f"node-{node_id}.tap.sock"
    if len(str(path)) <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"seuil-{digest}.sock"


def open_reader(settings: NodeConfig, tap_socket: Path) -> Reader:
    if settings.reader == "mfrc522":
        rc522 = settings.mfrc522
        return Mfrc522Reader(spi_bus=rc522.spi_bus, spi_device=rc522.spi_device,
                             reset_pin=rc522.reset_pin, poll_interval_s=rc522.poll_interval_s,
                             debounce_s=settings.debounce_seconds)
    if settings.reader == "hid":
        return HidReader(settings.hid.device, fmt=settings.hid.format,
                         debounce_s=settings.debounce_seconds)
    return FakeReader(tap_socket)


def _output(pin: OutputPin | None) -> tuple[Pin, bool] | None:
    return None if pin is None else (pin.pin, pin.active_high)


class NodeDevices:
    """The relay (a door strike or a machine's power), the feedback, and the inputs.

    The relay is claimed when the node knows what it drives (from its snapshot): a strike is
    claimed locked, a machine's power off unless a session was running at the restart.
    """

    def __init__(self, settings: NodeConfig, *, pin_factory: Any = None) -> None:
        self.settings = settings
        self.pin_factory = pin_factory
        self.feedback = Feedback.on_pins(_output(settings.led), _output(settings.buzzer),
                                         pin_factory=pin_factory)
        self.button: PushButton | None = None
        self.door_contact: Switch | None = None
        self.running_sense: Switch | None = None
        self._relay: DoorStrike | MachinePower | None = None

    def watch(self, *, on_press: Callable[[], None], on_hold: Callable[[], None],
              on_door: Callable[[bool], None], on_running: Callable[[bool], None]) -> None:
        """Claim the inputs; the callbacks run in gpiozero's thread and must only enqueue."""
        s = self.settings
        if s.button is not None:
            self.button = PushButton(s.button.pin, pull_up=s.button.pull_up,
                                     hold_s=s.long_press_seconds, on_press=on_press,
                                     on_hold=on_hold, pin_factory=self.pin_factory)
        self.door_contact = self._switch(s.door_contact, on_door)
        self.running_sense = self._switch(s.running_sense, on_running)

    def _switch(self, pin: InputPin | None, on_change: Callable[[bool], None]) -> Switch | None:
        if pin is None:
            return None
        return Switch(pin.pin, pull_up=pin.pull_up, on_change=on_change,
                      pin_factory=self.pin_factory)

    def strike(self) -> DoorStrike | None:
        """The relay as a door strike (claimed locked the first time)."""
        relay = self.settings.relay
        if relay is None:
            return None
        if not isinstance(self._relay, DoorStrike):
            self._release_relay()
            self._relay = DoorStrike(relay.pin, active_high=relay.active_high,
                                     pin_factory=self.pin_factory)
        return self._relay

    def power(self, *, initially_on: bool = False) -> MachinePower | None:
        """The relay as a machine's power (``initially_on`` counts only the first time)."""
        relay = self.settings.relay
        if relay is None:
            return None
        if not isinstance(self._relay, MachinePower):
            self._release_relay()
            self._relay = MachinePower(relay.pin, active_high=relay.active_high,
                                       initially_on=initially_on, pin_factory=self.pin_factory)
        return self._relay

    def _release_relay(self) -> None:
        if self._relay is not None:
            self._relay.close()
            self._relay = None

    def close(self, *, keep_power: bool = False) -> None:
        """Release every pin; ``keep_power`` leaves a running machine on for the next start."""
        if isinstance(self._relay, MachinePower):
            self._relay.close(keep_power=keep_power)
        elif self._relay is not None:
            self._relay.close()
        self._relay = None
        for device in (self.button, self.door_contact, self.running_sense):
            if device is not None:
                device.close()
        self.feedback.close()
