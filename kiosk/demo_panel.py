"""The demo's simulated hardware: each node's relay, LED and buzzer, and "tap a badge" buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from access.demo.dataset import BADGES
from access.demo.stack import DemoStack
from access.payments.fake import FakeProvider

REFRESH_MS = 100


class DemoPanel(QObject):
    changed = Signal()

    def __init__(self, stack: DemoStack, provider: FakeProvider | None = None) -> None:
        super().__init__()
        self.stack = stack
        self.provider = provider
        self._nodes: list[dict[str, Any]] = []
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        nodes = [{"id": node.node_id, "description": node.settings.description or node.node_id,
                  "ready": node.ready, "relay": bool(node.relay_on), "led": bool(node.led_on),
                  "buzzer": bool(node.buzzer_on)} for node in self.stack.nodes.values()]
        if nodes != self._nodes:
            self._nodes = nodes
            self.changed.emit()

    def _get_nodes(self) -> list[dict[str, Any]]:
        return self._nodes

    nodes = Property("QVariantList", _get_nodes, notify=changed)  # type: ignore[arg-type]

    def _get_badges(self) -> list[dict[str, str]]:
        return [{"who": badge.who, "uid": badge.uid} for badge in BADGES]

    badges = Property("QVariantList", _get_badges, constant=True)  # type: ignore[arg-type]

    @Slot(str, str)
    def tap(self, node: str, uid: str) -> None:
        self.stack.nodes[node].tap(uid)

    @Slot()
    def payQr(self) -> None:
        """Play the visitor's phone: pay the last checkout the kiosk showed as a QR code."""
        if self.provider is not None and self.provider.created:
            self.provider.pay(self.provider.created[-1][0])
