"""Every MQTT topic Seuil uses, built in one place. The root is ``seuil/<site>/``."""

from __future__ import annotations

from dataclasses import dataclass

ROOT = "seuil"


@dataclass(frozen=True, slots=True)
class Topics:
    """Topic names for one site.

    >>> Topics("la-ruche").node_tap("entrance")
    'seuil/la-ruche/node/entrance/tap'
    """

    site: str

    @property
    def base(self) -> str:
        return f"{ROOT}/{self.site}"

    def node_status(self, node: str) -> str:
        """Retained ``online``/``offline``; the node's last will says ``offline``."""
        return f"{self.base}/node/{node}/status"

    def node_tap(self, node: str) -> str:
        return f"{self.base}/node/{node}/tap"

    def node_decision(self, node: str) -> str:
        return f"{self.base}/node/{node}/decision"

    def node_snapshot(self, node: str) -> str:
        """Retained, versioned: what the node needs to decide alone."""
        return f"{self.base}/node/{node}/snapshot"

    def resource_state(self, resource: str) -> str:
        """Retained: locked, unlocked, in use (by whom, since when), out of service."""
        return f"{self.base}/resource/{resource}/state"

    @property
    def session_events(self) -> str:
        return f"{self.base}/events/session"

    @property
    def training_events(self) -> str:
        return f"{self.base}/events/training"

    @property
    def service_events(self) -> str:
        return f"{self.base}/events/service"

    def command(self, node: str, action: str) -> str:
        return f"{self.base}/cmd/{node}/{action}"

    # Subscriptions (wildcards)
    @property
    def all_taps(self) -> str:
        return f"{self.base}/node/+/tap"

    @property
    def all_decisions(self) -> str:
        return f"{self.base}/node/+/decision"

    @property
    def all_statuses(self) -> str:
        return f"{self.base}/node/+/status"

    def node_commands(self, node: str) -> str:
        return f"{self.base}/cmd/{node}/#"

    def node_of(self, topic: str) -> str | None:
        """The node id in a ``.../node/<id>/...`` topic of this site, else None."""
        parts = topic.split("/")
        if parts[:2] != [ROOT, self.site] or len(parts) < 5 or parts[2] != "node":
            return None
        return parts[3]
