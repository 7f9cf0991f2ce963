"""The fire roll-call screen: everyone inside, ticked off one by one, printable.

One tap from home; no idle return while it is open (the controller). First names and an
initial on screen until a volunteer taps their badge (``[kiosk] volunteer_groups``); the
printed copy has the full names and the time the list was made.
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from access import texts
from access.bus.schemas import DecisionEvent
from access.services.day_passes import VISITOR_NAME
from access.services.screens import roll_call
from access.services.screens.roll_call import Inside, RollCall
from kiosk.dashboard import send_to_printer, write_pdf
from kiosk.viewmodel import KioskContext, ViewModel


def short_name(name: str) -> str:
    """``Camille Dupont-Moreau`` → ``Camille D.``: enough to call someone, not to find them."""
    words = name.split()
    if len(words) < 2:
        return name
    return f"{words[0]} {words[-1][0]}."


class RollCallModel(ViewModel):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.reset()

    def reset(self) -> None:
        """Back home: the names leave the screen's memory; the next opening makes a new list."""
        self.roll: RollCall | None = None
        self.ticked: set[int] = set()
        self.full_names = False
        self.sort = "name"
        self.printed = ""
        self.render()

    @Slot()
    def refresh(self) -> None:
        """Make the list again (now): ticks of people still inside are kept."""
        self.ctx.background.run(lambda: roll_call.roll_call(self.ctx.site), self._made)

    def _made(self, roll: RollCall) -> None:
        self.roll = roll
        self.ticked &= {p.member_id for p in roll.people}
        self.render()

    @Slot(int)
    def tick(self, member_id: int) -> None:
        self.ticked ^= {member_id}
        self.render()

    @Slot(str)
    def sortBy(self, key: str) -> None:
        self.sort = key
        self.render()

    def tap(self, decision: DecisionEvent) -> None:
        """A badge at the entrance while the list is open: a volunteer's shows the full names."""
        member = decision.member_id
        site = self.ctx.site
        self.ctx.background.run(lambda: roll_call.is_volunteer(site, member), self._volunteer)

    def _volunteer(self, volunteer: bool) -> None:
        if volunteer:
            self.full_names = True
            self.render()

    def _label(self, person: Inside, *, full: bool) -> str:
        if person.visitor and person.name in ("", VISITOR_NAME):
            return self.t("roll.visitor", number=person.member_id)
        name = person.name if full else short_name(person.name)
        return name + (" · " + self.t("roll.day_pass") if person.visitor else "")

    def _people(self) -> list[Inside]:
        people = list(self.roll.people) if self.roll else []
        if self.sort == "time":
            return sorted(people, key=lambda p: p.since)
        return sorted(people, key=lambda p: p.name.casefold())

    def render(self) -> None:
        roll = self.roll
        if roll is None:
            self.publish(title="", made="", rows=[], counted="", sort=self.sort, printed=self.printed,
                         fullNames=self.full_names, unlockHint="")
            return
        language = self.ctx.language()
        tz = self.ctx.site.clock.tz
        people = self._people()
        rows = [{"id": p.member_id, "name": self._label(p, full=self.full_names),
                 "since": self.t("dash.since", time=texts.clock_time(p.since, tz, language)),
                 "ticked": p.member_id in self.ticked} for p in people]
        self.publish(
            title=self.t("dash.roll_call_title", count=len(people)),
            made=self.t("roll.made_at", time=texts.clock_time(roll.made_at, tz, language)),
            counted=self.t("roll.counted", ticked=len(self.ticked), count=len(people)),
            rows=rows, sort=self.sort, printed=self.printed, fullNames=self.full_names,
            unlockHint="" if self.full_names else self.t("roll.unlock_hint"))

    @Slot()
    def printList(self) -> None:
        """A PDF with the full names in the data folder (and to the printer when CUPS has one)."""
        roll = self.roll
        if roll is None:
            return
        language = self.ctx.language()
        tz = self.ctx.site.clock.tz
        lines = [f"☐ {self._label(p, full=True)} — "
                 + self.t("dash.since", time=texts.clock_time(p.since, tz, language))
                 for p in self._people()]
        folder = self.ctx.site.config.data_dir
        path = folder / f"roll-call-{roll.made_at:%Y%m%d-%H%M%S}.pdf"
        title = (self.t("dash.roll_call_title", count=len(lines)) + " — "
                 + self.t("roll.made_at", time=texts.clock_time(roll.made_at, tz, language)))
        write_pdf(path, title, lines)
        self.ctx.background.run(lambda: send_to_printer(path), lambda _ok: None)
        self.printed = self.t("dash.printed") + f" ({path.name})"
        self.render()
