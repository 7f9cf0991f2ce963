"""Every MQTT topic Seuil uses, built in one place. The root is ``seuil/<site>/``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ROOT = "seuil"
NODE_EVENTS = ("tap", "decision", "session", "training", "service")
"""The event topics under ``node/<id>/``: a node publishes only under its own id (the broker's
ACL says so, and the hub rejects an event whose ``node`` differs from its topic's)."""


@dataclass(frozen=True, slots=True)
class ParsedTopic:
    """A topic of this site in its pieces: ``node/<node>/<leaf>`` or ``cmd/<node>/<leaf>``.

    ``leaf`` is everything after the node (``tap``, ``status``, an action); it has a slash
    only in a topic Seuil never builds, which then matches no kind.
    """

    area: Literal["node", "cmd"]
    node: str
    leaf: str

    @property
    def event_kind(self) -> str | None:
        """``tap``, ``decision``, ... for the node events the hub stores (``NODE_EVENTS``), else None."""
        return self.leaf if self.area == "node" and self.leaf in NODE_EVENTS else None


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

    def node_receipt(self, node: str) -> str:
        """From the hub: which of the node's events it has stored (the node then forgets them)."""
        return f"{self.base}/node/{node}/receipt"

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

    def parse(self, topic: str) -> ParsedTopic | None:
        """``topic`` in its pieces, or None when it is not a node's or command topic of this site.

        The one place topics are taken apart (the builders above put them together).

        >>> Topics("la-ruche").parse("seuil/la-ruche/node/entrance/tap")
        ParsedTopic(area='node', node='entrance', leaf='tap')
        >>> Topics("la-ruche").parse("seuil/other-site/node/entrance/tap") is None
        True
        """
        parts = topic.split("/", 4)
        if len(parts) < 5 or parts[0] != ROOT or parts[1] != self.site:
            return None
        area = parts[2]
        if area == "node":
            return ParsedTopic("node", parts[3], parts[4])
        if area == "cmd":
            return ParsedTopic("cmd", parts[3], parts[4])
        return None

    def node_of(self, topic: str) -> str | None:
        """The node id in a ``.../node/<id>/...`` topic of this site, else None."""
        parsed = self.parse(topic)
        return parsed.node if parsed is not None and parsed.area == "node" else None
