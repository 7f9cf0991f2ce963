"""The volunteers' dashboard: who is in, machines, today's chart, offline readers, roll-call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PySide6.QtCore import Slot

from access import texts
from access.bus.schemas import BackupStatus, ResourceState
from access.errors import SeuilError
from access.services import day_passes
from access.services.rules import current as current_rules
from access.services.screens import dashboard
from access.services.screens.dashboard import Dashboard, HourBar
from access.texts import Language
from kiosk.viewmodel import KioskContext, ViewModel


@dataclass(frozen=True)
class Facts:
    board: Dashboard
    bars: list[HourBar]
    resources: list[tuple[str, str]]
    """(name, description) of every machine of the rules."""
    node_names: dict[str, str] = field(default_factory=dict)
    """What to call each node on screen (the description of the resource it drives)."""
    hours: tuple[tuple[int, int], ...] = ()
    """Today's opening hours for visitors (minutes of the day); none: closed today."""
    opens_at: datetime | None = None
    """When the door next opens for a visitor, when it is closed now (the day pass's rule)."""


def gather(ctx: KioskContext) -> Facts:
    site = ctx.site
    rules = current_rules(site).rules
    machines = [(r.name, r.description or r.name) for r in rules.resources if r.kind.value == "machine"]
    nodes = {node_id: node.description for node_id, node in site.config.nodes.items()}
    hours = dashboard.opening_hours(rules, site.config.kiosk.day_pass_plan, site.today())
    try:
        opens_at = day_passes.offer(site).opens_at
    except SeuilError:  # no day-pass plan: the hours alone
        opens_at = None
    return Facts(dashboard.dashboard(site), dashboard.hourly(site), machines,
                 dashboard.node_names(rules, nodes), hours, opens_at)


class DashboardModel(ViewModel):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.facts: Facts | None = None
        self.states: dict[str, ResourceState] = {}
        self.nodes: dict[str, str] = dict.fromkeys(ctx.site.config.nodes, "offline")
        self.backup: BackupStatus | None = None

    @Slot()
    def refresh(self) -> None:
        self.ctx.background.run(lambda: gather(self.ctx), self._gathered)

    def _gathered(self, facts: Facts) -> None:
        self.facts = facts
        self.render()

    def node_status(self, node: str, state: str) -> None:
        self.nodes[node] = state
        self.render()

    def backup_status(self, status: BackupStatus) -> None:
        """The hub's retained word on the off-site copy (``hub/backup``), every minute."""
        self.backup = status
        self.render()

    def _backup_warning(self) -> list[str]:
        status = self.backup
        if status is None or status.state == "off":
            return []
        # The hub says it every minute: a word older than the allowed delay is no news (the hub
        # is down, or the broker lost it), and the copy may be late without anyone saying so.
        stale = self.ctx.site.now() - status.checked_at > timedelta(minutes=status.max_delay_minutes)
        if status.state == "ok" and not stale:
            return []
        if status.state in ("late", "ok") and status.last_copy_at is not None:
            at = texts.clock_time(status.last_copy_at, self.ctx.site.clock.tz, self.ctx.language())
            return [self.t("dash.backup_late", time=at)]
        return [self.t("dash.backup_unreachable")]

    def resource_state(self, state: ResourceState) -> None:
        self.states[state.resource] = state
        self.render()

    def render(self) -> None:
        facts = self.facts
        if facts is None:
            return
        language = self.ctx.language()
        board = facts.board
        named = [p.name + (" · " + self.t("dash.ask_me_about", topics=p.ask_me_about)
                           if p.ask_me_about else "") for p in board.present if p.name]
        others = board.count - len(named)
        if not board.count:
            others_text = self.t("dash.nobody")
        else:
            others_text = self.plural("dash.others", others) if others else ""
        machines = self._machines(facts, language)
        offline = sorted({self._node(n) for n, s in self.nodes.items()
                          if s not in ("online", "not-recording")}, key=str.casefold)
        unrecorded = sorted({self._node(n) for n, s in self.nodes.items() if s == "not-recording"},
                            key=str.casefold)
        warnings = ([self.t("dash.nodes_offline", nodes=", ".join(offline))] if offline else []) \
            + ([self.t("dash.nodes_not_recording", nodes=", ".join(unrecorded))] if unrecorded else []) \
            + self._backup_warning()
        busy = sum(1 for m in machines if m["level"] == "busy")
        capacity = board.capacity
        free = capacity - board.count
        if free > 0:
            room = self.plural("dash.desks_free", free)
        elif free == 0:
            room = self.t("dash.full")
        else:
            room = self.t("dash.full") + " · " + self.plural("dash.over", -free)
        self.publish(
            hoursToday=self._hours(facts, language),
            homeCount=self.plural("home.people_in", board.count, capacity=capacity),
            homeMachines=self.plural("home.machines_in_use", busy),
            countBig=f"{board.count} / {capacity}",
            countCaption=self.plural("dash.people", board.count) + " · " + room,
            full=free <= 0,
            ratio=min(board.count / capacity, 1.0) if capacity else 1.0,
            names=named, others=others_text,
            machines=machines,
            **self._chart(facts),
            offline=" · ".join(warnings),
            nodesOk=self.t("dash.nodes_ok"),
        )

    def _node(self, node: str) -> str:
        names = self.facts.node_names if self.facts is not None else {}
        return names.get(node, node)

    def _hours(self, facts: Facts, language: Language) -> str:
        """Today's hours while open; closed now, when it opens next (as every screen says it)."""
        spans = facts.hours
        if facts.opens_at is not None:
            site = self.ctx.site
            return self.t("home.closed_now", when=texts.when(facts.opens_at, site.now(), site.clock.tz,
                                                              language))
        if not spans:
            return self.t("home.closed_today")
        shown = ", ".join(f"{_hm(start)}\u2013{_hm(end)}" for start, end in spans)
        return self.t("home.open_today", hours=shown)

    def _duration(self, minutes: int) -> str:
        if minutes < 60:
            return self.t("dash.minutes", minutes=minutes)
        return self.t("dash.hours_minutes", hours=minutes // 60, minutes=minutes % 60)

    def _machines(self, facts: Facts, language: Language) -> list[dict[str, str]]:
        board = facts.board
        tz = self.ctx.site.clock.tz
        in_use = {m.resource: m for m in board.machines}
        machines = []
        for name, description in facts.resources:
            state = self.states.get(name)
            detail = left = spoken = ""
            if state is not None and state.state == "out_of_service":
                title, level = self.t("dash.out_title"), "bad"
            elif name in in_use or (state is not None and state.state == "in_use"):
                use = in_use.get(name)
                since = use.since if use else (state.since if state and state.since else board.at)
                at = texts.clock_time(since, tz, language)
                who = use.name if use else None
                if state is not None and state.until is not None:
                    minutes = max(int((state.until - board.at).total_seconds() // 60), 0)
                    left = self.t("dash.left", duration=self._duration(minutes))
                # on the tile: who and the time left; since when is in the spoken name
                detail = " · ".join(x for x in (texts.first_name(who) if who else "", left) if x)
                spoken = (self.t("dash.by_since", name=who, time=at) if who
                          else self.t("dash.since_only", time=at))
                title, level = self.t("dash.machine_in_use"), "busy"
            else:
                title, level = self.t("dash.free_title"), "ok"
            machines.append({"name": description, "title": title, "detail": detail or "", "left": left,
                             "spoken": ", ".join(x for x in (description, title, spoken, left) if x),
                             "level": level})
        return machines

    def _chart(self, facts: Facts) -> dict[str, object]:
        """Bars scaled to the capacity (or to the busiest hour, when more came), the capacity's
        height, and where "now" falls along the hours."""
        board = facts.board
        bars = facts.bars
        peak = max([b.typical for b in bars] + [b.today or 0 for b in bars] + [float(board.capacity), 1.0])
        local = board.at.astimezone(self.ctx.site.clock.tz)
        hours = [b.hour for b in bars]
        now = -1.0
        if hours and hours[0] <= local.hour <= hours[-1]:
            now = (hours.index(local.hour) + local.minute / 60) / len(hours)
        return {
            "bars": [{"hour": f"{b.hour}", "today": (b.today or 0) / peak, "typical": b.typical / peak,
                      "future": b.today is None} for b in bars],
            "capacityLevel": board.capacity / peak,
            "capacityLabel": self.t("dash.capacity_line", capacity=board.capacity),
            "nowAt": now,
        }


def _hm(minute: int) -> str:
    """``08:00``; ``24:00`` for a span that ends at midnight."""
    return f"{minute // 60:02d}:{minute % 60:02d}"
