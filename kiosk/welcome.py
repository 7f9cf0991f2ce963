"""The welcome (or the refusal) after a tap at the entrance reader."""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import Signal

from access import texts
from access.bus.schemas import DecisionEvent
from access.domain.decide import Decision, Reason
from access.services.day_passes import VISITOR_NAME
from access.services.screens.welcome import Presence, TapSeen, Welcome, welcome
from kiosk import strings
from kiosk.viewmodel import KioskContext, ViewModel

ALLOWED_MS = 8_000
REFUSED_MS = 20_000
"""A refusal stays 20 s: time to read it and pick a way out."""
DAY_PASS_HELPS = frozenset({Reason.UNKNOWN_CARD, Reason.CARD_REVOKED, Reason.MEMBERSHIP_EXPIRED,
                            Reason.MEMBERSHIP_NOT_STARTED, Reason.NO_ACCESS})
"""Refusals a day pass gets round (not the hours: a day pass opens at the same hours)."""


class WelcomeModel(ViewModel):
    shown = Signal()
    """The facts of a tap are ready: the kiosk shows them as a screen, or as a banner over a flow."""

    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.facts: Welcome | None = None
        self.received_at = 0.0
        """When the tap's message arrived (perf_counter): the bench measures from here."""
        self.shown_at = 0.0

    def tap(self, decision: DecisionEvent) -> None:
        self.received_at = time.perf_counter()
        seen = TapSeen(str(decision.event_id), decision.ts, decision.resource, decision.allowed,
                       decision.reason, decision.member_id, decision.until, decision.skill)
        self.ctx.background.run(lambda: welcome(self.ctx.site, seen), self._show)

    def _show(self, facts: Welcome) -> None:
        self.facts = facts
        self.render()
        self.shown_at = time.perf_counter()
        self.shown.emit()

    def on_screen_ms(self) -> int:
        """How long the welcome stays before the screen goes home."""
        return REFUSED_MS if self.facts is not None and not self.facts.tap.allowed else ALLOWED_MS

    def reset(self) -> None:
        self.facts = None

    def render(self) -> None:
        w = self.facts
        if w is None:
            return
        language = self.ctx.language()
        tz = self.ctx.site.clock.tz
        lines: list[str] = []
        named = w.first_name and w.first_name != VISITOR_NAME  # a day pass bought without a name
        title = (self.t("welcome.hello", name=w.first_name) if named
                 else self.t("welcome.hello_anonymous"))
        plan = w.plan_label or w.plan  # what rules.toml calls it, never its slug
        if w.tap.allowed:
            headline = {Presence.IN: self.t("welcome.in"), Presence.OUT: self.t("welcome.out")}.get(
                w.presence, self.t("welcome.door_open"))
            if w.visitor and w.valid_until is not None:
                # the door's closing time for the pass (its rule), not the cut-off that ends it
                lines.append(self.t("welcome.day_pass_until",
                                    time=texts.clock_time(w.opens_until or w.valid_until, tz, language)))
            elif w.plan and w.last_day is not None and w.days_left is not None:
                lines.append(self.t("welcome.membership_until", plan=plan,
                                    date=texts.short_day(w.last_day, language),
                                    days=strings.plural("welcome.days_left", language, w.days_left)))
            elif w.plan:
                lines.append(self.t("welcome.membership_open", plan=plan))
            if not w.visitor:
                lines.append(self.t("welcome.balance", amount=self.money(w.balance_cents)))
                lines.append(self.t("welcome.month", amount=self.money(w.month_cents)))
                lines.append(self.t("welcome.trained", machines=", ".join(w.trained_on)) if w.trained_on
                             else self.t("welcome.trained_none"))
            lines.extend(self.t("welcome.helper", name=h.first_name, machine=h.machine, topics=h.ask_me_about)
                         for h in w.helpers)
        elif w.presence is Presence.OUT:  # refused at the door, but on the way out: out
            headline = self.t("welcome.out")
            lines.append(self.t("welcome.out_closed"))
        elif self._pass_not_begun(w) and w.opens_at is not None:  # bought after the hours
            headline = self.t("denied.title")
            lines.append(self.t("welcome.pass_later", when=self._when(w.opens_at)))
        else:
            headline = self.t("denied.title")
            lines.append(self._reason(w))
            if w.opens_at is not None:
                lines.append(self._opens(w.opens_at))
        reminder = (self.t("welcome.reminder", date=texts.short_day(w.forgot_checkout_on, language))
                    if w.forgot_checkout_on else "")
        contact = self.ctx.site.config.site.contact
        ways = [] if w.tap.allowed else self._ways_out(w)
        banner = f"{title} {headline}" if w.tap.allowed else f"{title} {headline}. {lines[0]}"
        self.publish(allowed=w.tap.allowed, title=title, headline=headline, lines=lines,
                     reminder=reminder, presence=w.presence.value, ways=ways, contact=contact,
                     banner=banner)

    def _ways_out(self, w: Welcome) -> list[dict[str, str]]:
        """The buttons under a refusal: what gets this person in, whom to ask, OK."""
        ways = []
        if w.tap.reason is Reason.NOT_ENOUGH_CREDIT:
            online = "online" in self.ctx.site.config.kiosk.payment and self.ctx.provider is not None
            ways.append({"action": "topup", "label": self.t("denied.top_up"),  # the kiosk takes it
                         "hint": self.t("denied.top_up_here" if online else "denied.top_up_cash")})
        elif w.tap.reason in DAY_PASS_HELPS and not self._pass_not_begun(w):
            ways.append({"action": "pass", "label": self.t("denied.day_pass"), "hint": ""})
        if self.ctx.site.config.site.contact:
            ways.append({"action": "contact", "label": self.t("denied.contact"), "hint": ""})
        ways.append({"action": "ok", "label": self.t("denied.ok"), "hint": ""})
        return ways

    def _opens(self, at: datetime) -> str:
        """"Opens tomorrow at 08:00", in the words of every screen (``texts.when``)."""
        return self.t("denied.opens", when=self._when(at))

    def _when(self, at: datetime) -> str:
        site = self.ctx.site
        return texts.when(at, site.now(), site.clock.tz, self.ctx.language())

    @staticmethod
    def _pass_not_begun(w: Welcome) -> bool:
        """A day pass bought after the hours is the next opening day's: not another pass to buy."""
        return w.visitor and w.tap.reason is Reason.MEMBERSHIP_NOT_STARTED

    def _reason(self, w: Welcome) -> str:
        """What the node decided, in the words ``seuil rules explain`` uses."""
        tap, site = w.tap, self.ctx.site
        until = tap.until
        if until is None:  # a node that did not say: what the database says
            if tap.reason is Reason.MEMBERSHIP_EXPIRED:
                until = w.valid_until
            elif tap.reason is Reason.MEMBERSHIP_NOT_STARTED and w.starts_on is not None:
                until = site.clock.day_start(w.starts_on)
        decision = Decision(False, tap.reason, tap.resource, tap.member_id, w.first_name,
                            until=until, skill=tap.skill, closed_on=w.closed_on,
                            balance_cents=w.balance_cents,
                            floor_cents=w.credit_floor_cents)
        language = self.ctx.language()
        return texts.typeset(texts.explain(decision, language, clock=site.clock,
                                           currency=site.currency,
                                           resource_label=w.resource_label), language)
