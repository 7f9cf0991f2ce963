"""The demo's running parts in one process: the hub and every node of the config, on mock pins
and fake readers. The kiosk (a window) and the hardware panel attach to it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from gpiozero.pins.mock import MockFactory

from access.config import NodeConfig, OutputPin
from access.hardware.reader import FakeReader
from access.hub.runner import HubRunner
from access.node.runner import NodeRunner
from access.services.context import Site

log = logging.getLogger(__name__)


@dataclass
class SimulatedNode:
    node_id: str
    settings: NodeConfig
    factory: MockFactory
    reader: FakeReader
    runner: NodeRunner

    def _level(self, output: OutputPin | None) -> bool | None:
        """Whether the output is on (relay closed, LED lit), from its pin's level."""
        if output is None:
            return None
        pin: Any = self.factory.pin(output.pin)
        return bool(pin.state) == output.active_high

    @property
    def relay_on(self) -> bool | None:
        return self._level(self.settings.relay)

    @property
    def led_on(self) -> bool | None:
        return self._level(self.settings.led)

    @property
    def buzzer_on(self) -> bool | None:
        return self._level(self.settings.buzzer)

    @property
    def ready(self) -> bool:
        """The node holds a snapshot: it decides taps."""
        return self.runner.core.base is not None

    def tap(self, uid: str) -> None:
        self.reader.tap(uid)


class DemoStack:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.hub = HubRunner(site)
        self.started: list[SimulatedNode] = []
        self.nodes: dict[str, SimulatedNode] = {}
        for node_id, settings in sorted(site.config.nodes.items()):
            factory, reader = MockFactory(), FakeReader()
            runner = NodeRunner(site.config, node_id, pin_factory=factory, reader=reader)
            self.nodes[node_id] = SimulatedNode(node_id, settings, factory, reader, runner)

    def start(self, timeout_s: float = 20.0) -> None:
        """The hub first (its session must exist before the nodes publish), then the nodes."""
        self.hub.start()
        if not self.hub.subscribed.wait(timeout_s):
            raise RuntimeError("the hub did not subscribe to the broker")
        for node in self.nodes.values():
            node.runner.start()
            self.started.append(node)
        deadline = time.monotonic() + timeout_s
        while not all(node.ready for node in self.nodes.values()):
            if time.monotonic() > deadline:
                waiting = [n.node_id for n in self.nodes.values() if not n.ready]
                raise RuntimeError(f"no snapshot reached {', '.join(waiting)}")
            time.sleep(0.05)
        log.info("demo: hub and %d nodes running", len(self.nodes))

    def stop(self) -> None:
        for node in self.started:
            node.runner.stop()
        self.hub.stop()
