"""One node's pins and reader, built from its ``[nodes.<id>]`` section of seuil.toml."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from access.config import Config, InputPin, NodeConfig, OutputPin
from access.hardware import Pin
from access.hardware.hid_reader import HidReader
from access.hardware.inputs import PushButton, Switch
from access.hardware.kept_relay import KeptRelay
from access.hardware.mfrc522_reader import Mfrc522Reader
from access.hardware.outputs import DoorStrike, Feedback, LatchingPower, MachinePower, Power, Strike
from access.hardware.reader import FakeReader, Reader

log = logging.getLogger(__name__)
MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes


def _socket_path(config: Config, node_id: str, what: str) -> Path:
    path = config.data_dir / f"node-{node_id}.{what}.sock"
    if len(str(path)) <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"seuil-{digest}.{what}.sock"


def tap_socket_path(config: Config, node_id: str) -> Path:
    """Where a fake reader listens for ``seuil tap`` (short enough for a Unix socket)."""
    return _socket_path(config, node_id, "tap")


def keeper_socket_path(config: Config, node_id: str) -> Path:
    """Where the relay keeper of ``node_id`` listens for its node."""
    return _socket_path(config, node_id, "keeper")


def open_reader(settings: NodeConfig, tap_socket: Path) -> Reader:
    if settings.reader == "mfrc522":
        rc522 = settings.mfrc522
        return Mfrc522Reader(spi_bus=rc522.spi_bus, spi_device=rc522.spi_device,
                             spi_speed_hz=rc522.spi_speed_hz,
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

    def __init__(self, settings: NodeConfig, *, pin_factory: Any = None,
                 keeper_socket: Path | None = None) -> None:
        """``keeper_socket``: where the relay keeper listens (``relay_keeper = true``)."""
        self.settings = settings
        self.pin_factory = pin_factory
        self.keeper_socket = keeper_socket
        self.feedback = Feedback.on_pins(_output(settings.led), _output(settings.buzzer),
                                         pin_factory=pin_factory)
        self.button: PushButton | None = None
        self.door_contact: Switch | None = None
        self.running_sense: Switch | None = None
        self._relay: Strike | Power | None = None
        self._relay_kind = ""

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

    def strike(self) -> Strike | None:
        """The relay as a door strike (claimed locked the first time)."""
        relay = self.settings.relay
        if relay is None:
            if self.settings.latching_relay is not None:
                log.error("a latching relay cannot drive a door strike: the door stays locked")
            return None
        if self._relay_kind != "strike":
            self._release_relay()
            self._relay = self._kept() or DoorStrike(relay.pin, active_high=relay.active_high,
                                                     pin_factory=self.pin_factory)
            self._relay_kind = "strike"
        assert isinstance(self._relay, DoorStrike | KeptRelay)
        return self._relay

    def power(self, *, initially_on: bool = False) -> Power | None:
        """The relay as a machine's power (``initially_on`` counts only the first time).

        A kept relay is never switched by claiming it: the keeper knows what it is.
        """
        relay, latching = self.settings.relay, self.settings.latching_relay
        if self._relay_kind != "power":
            self._release_relay()
            if latching is not None:
                self._relay = LatchingPower(latching.set_pin, latching.reset_pin,
                                            pulse_s=latching.pulse_seconds,
                                            active_high=latching.active_high,
                                            initially_on=initially_on,
                                            pin_factory=self.pin_factory)
            elif relay is not None:
                self._relay = self._kept() or MachinePower(
                    relay.pin, active_high=relay.active_high, initially_on=initially_on,
                    pin_factory=self.pin_factory)
            else:
                return None
            self._relay_kind = "power"
        assert isinstance(self._relay, MachinePower | LatchingPower | KeptRelay)
        return self._relay

    def _kept(self) -> KeptRelay | None:
        if not self.settings.relay_keeper:
            return None
        assert self.keeper_socket is not None, "relay_keeper needs the keeper's socket"
        return KeptRelay(self.keeper_socket)

    def _release_relay(self) -> None:
        if self._relay is not None:
            self._relay.close()
            self._relay = None
            self._relay_kind = ""

    def close(self, *, keep_power: bool = False) -> None:
        """Release every pin; ``keep_power`` leaves a running machine on for the next start."""
        if self._relay_kind == "power":
            assert isinstance(self._relay, MachinePower | LatchingPower | KeptRelay)
            self._relay.close(keep_power=keep_power)
        elif self._relay is not None:
            self._relay.close()
        self._relay = None
        self._relay_kind = ""
        for device in (self.button, self.door_contact, self.running_sense):
            if device is not None:
                device.close()
        self.feedback.close()
