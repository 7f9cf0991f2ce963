"""The volunteers' dashboard: who is in, machines, today's chart, offline readers, roll-call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, Slot
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from access import texts
from access.bus.schemas import ResourceState
from access.services.rules import current as current_rules
from access.services.screens import dashboard
from access.services.screens.dashboard import Dashboard, HourBar
from kiosk.viewmodel import KioskContext, ViewModel


@dataclass(frozen=True)
class Facts:
    board: Dashboard
    bars: list[HourBar]
    roll_call: list[tuple[int, str, datetime]]
    resources: list[tuple[str, str]]
    """(name, description) of every machine of the rules."""


def gather(ctx: KioskContext) -> Facts:
    site = ctx.site
    rules = current_rules(site).rules
    machines = [(r.name, r.description or r.name) for r in rules.resources if r.kind.value == "machine"]
    return Facts(dashboard.dashboard(site), dashboard.hourly(site), dashboard.roll_call(site), machines)


class DashboardModel(ViewModel):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.facts: Facts | None = None
        self.states: dict[str, ResourceState] = {}
        self.nodes: dict[str, str] = dict.fromkeys(ctx.site.config.nodes, "offline")
        self.sort = "name"
        self.printed = ""

    @Slot()
    def refresh(self) -> None:
        self.ctx.background.run(lambda: gather(self.ctx), self._gathered)

    def _gathered(self, facts: Facts) -> None:
        self.facts = facts
        self.render()

    def node_status(self, node: str, state: str) -> None:
        self.nodes[node] = state
        self.render()

    def resource_state(self, state: ResourceState) -> None:
        self.states[state.resource] = state
        self.render()

    @Slot(str)
    def sortBy(self, key: str) -> None:
        self.sort = key
        self.render()

    def render(self) -> None:
        facts = self.facts
        if facts is None:
            return
        language = self.ctx.language()
        tz = self.ctx.site.clock.tz
        board = facts.board
        named = [p.name + (" · " + self.t("dash.ask_me_about", topics=p.ask_me_about)
                           if p.ask_me_about else "") for p in board.present if p.name]
        others = board.count - len(named)
        if not board.count:
            others_text = self.t("dash.nobody")
        else:
            others_text = self.t("dash.others", count=others) if others else ""
        peak = max([b.typical for b in facts.bars] + [b.today or 0 for b in facts.bars] + [1.0])
        in_use = {m.resource: m for m in board.machines}
        machines = []
        for name, description in facts.resources:
            state = self.states.get(name)
            if state is not None and state.state == "out_of_service":
                status, level = self.t("dash.out_of_service"), "bad"
            elif name in in_use or (state is not None and state.state == "in_use"):
                use = in_use.get(name)
                since = use.since if use else (state.since if state and state.since else board.at)
                who = use.name if use else None
                at = texts.clock_time(since, tz, language)
                status = (self.t("dash.in_use", name=who, time=at) if who
                          else self.t("dash.in_use_anonymous", time=at))
                if state is not None and state.until is not None:
                    minutes = max(int((state.until - board.at).total_seconds() // 60), 0)
                    status += " · " + self.t("dash.time_left", minutes=minutes)
                level = "busy"
            else:
                status, level = self.t("dash.free"), "ok"
            machines.append({"name": description, "status": status, "level": level})
        offline = sorted(n for n, s in self.nodes.items() if s not in ("online", "not-recording"))
        unrecorded = sorted(n for n, s in self.nodes.items() if s == "not-recording")
        warnings = ([self.t("dash.nodes_offline", nodes=", ".join(offline))] if offline else []) \
            + ([self.t("dash.nodes_not_recording", nodes=", ".join(unrecorded))] if unrecorded else [])
        people = sorted(facts.roll_call, key=(lambda r: r[1].casefold()) if self.sort == "name"
                        else (lambda r: r[2]))
        busy = sum(1 for m in machines if m["level"] == "busy")
        self.publish(
            homeCount=self.t("home.people_in", count=board.count, capacity=board.capacity),
            homeMachines=self.t("home.machines_in_use", count=busy),
            count=self.t("dash.count", count=board.count, capacity=board.capacity),
            ratio=min(board.count / board.capacity, 1.0),
            names=named, others=others_text,
            machines=machines,
            bars=[{"hour": f"{b.hour}", "today": (b.today or 0) / peak, "typical": b.typical / peak,
                   "future": b.today is None} for b in facts.bars],
            offline=" · ".join(warnings),
            nodesOk=self.t("dash.nodes_ok"),
            rollTitle=self.t("dash.roll_call_title", count=len(people)),
            roll=[{"name": name, "since": self.t("dash.since", time=texts.clock_time(since, tz, language))}
                  for _, name, since in people],
            sort=self.sort, printed=self.printed)

    @Slot()
    def printRollCall(self) -> None:
        """A PDF of the roll-call in the data folder (and to the printer when CUPS has one)."""
        if self.facts is None:
            return
        roll = self._state.get("roll", [])
        folder = self.ctx.site.config.data_dir
        path = folder / f"roll-call-{self.ctx.site.now():%Y%m%d-%H%M%S}.pdf"
        write_pdf(path, self._state.get("rollTitle", ""), [f"{r['name']} — {r['since']}" for r in roll])
        self.ctx.background.run(lambda: send_to_printer(path), lambda _ok: None)
        self.printed = self.t("dash.printed") + f" ({path.name})"
        self.render()


def write_pdf(path: Path, title: str, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    body = "".join(f"<p style='font-size:14pt'>{_escape(line)}</p>" for line in lines)
    document.setHtml(f"<h1>{_escape(title)}</h1>{body}")
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    document.print_(writer)


def send_to_printer(path: Path) -> bool:
    import shutil
    import subprocess

    lp = shutil.which("lp")
    if lp is None:
        return False
    return subprocess.run([lp, str(path)], check=False, capture_output=True, timeout=30).returncode == 0


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
