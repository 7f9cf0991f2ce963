"""Every MQTT topic Seuil uses, built in one place. The root is ``seuil/<site>/``."""

from __future__ import annotations

from dataclasses import dataclass

ROOT = "seuil"
NODE_EVENTS = ("tap", "decision", "session", "training", "service")
"""The event topics under ``node/<id>/``: a node publishes only under its own id (the broker's
ACL says so, and the hub rejects an event whose ``node`` differs from its topic's)."""


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

    def node_state(self, node: str) -> str:
        """Retained: the state of the node's resource (locked, unlocked, in use by whom, since
        when, out of service); the payload names the resource."""
        return f"{self.base}/node/{node}/state"

    def node_session(self, node: str) -> str:
        """A machine session's start and stop."""
        return f"{self.base}/node/{node}/session"

    def node_training(self, node: str) -> str:
        """An induction given at the machine."""
        return f"{self.base}/node/{node}/training"

    def node_service(self, node: str) -> str:
        """Out of service (or back) reported at the machine."""
        return f"{self.base}/node/{node}/service"

    def command(self, node: str, action: str) -> str:
        return f"{self.base}/cmd/{node}/{action}"

    # Subscriptions (wildcards)
    @property
    def all_taps(self) -> str:
        return f"{self.base}/node/+/tap"

    @property
    def all_statuses(self) -> str:
        return f"{self.base}/node/+/status"

    @property
    def all_states(self) -> str:
        return f"{self.base}/node/+/state"

    @property
    def all_node_events(self) -> tuple[str, ...]:
        """What the hub stores: every node's taps, decisions, sessions, trainings, service reports."""
        return tuple(f"{self.base}/node/+/{kind}" for kind in NODE_EVENTS)

    def node_commands(self, node: str) -> str:
        return f"{self.base}/cmd/{node}/#"

    def node_of(self, topic: str) -> str | None:
        """The node id in a ``.../node/<id>/...`` topic of this site, else None."""
        parts = topic.split("/")
        if parts[:2] != [ROOT, self.site] or len(parts) < 5 or parts[2] != "node":
            return None
        return parts[3]
