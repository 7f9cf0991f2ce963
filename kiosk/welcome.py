"""The welcome (or the refusal) after a tap at the entrance reader."""

from __future__ import annotations

import time

from access import texts
from access.bus.schemas import DecisionEvent
from access.domain.decide import Decision, Reason
from access.services.screens.welcome import Presence, TapSeen, Welcome, welcome
from kiosk.viewmodel import KioskContext, ViewModel


class WelcomeModel(ViewModel):
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
        self.ctx.go("welcome")

    def reset(self) -> None:
        self.facts = None

    def render(self) -> None:
        w = self.facts
        if w is None:
            return
        language = self.ctx.language()
        tz = self.ctx.site.clock.tz
        lines: list[str] = []
        title = (self.t("welcome.hello", name=w.first_name) if w.first_name
                 else self.t("welcome.hello_anonymous"))
        if w.tap.allowed:
            headline = {Presence.IN: self.t("welcome.in"), Presence.OUT: self.t("welcome.out")}.get(
                w.presence, self.t("welcome.door_open"))
            if w.visitor and w.valid_until is not None:
                lines.append(self.t("welcome.day_pass_until",
                                    time=texts.clock_time(w.valid_until, tz, language)))
            elif w.plan and w.last_day is not None and w.days_left is not None:
                lines.append(self.t("welcome.membership_until", plan=w.plan,
                                    date=texts.short_day(w.last_day, language), days=w.days_left))
            elif w.plan:
                lines.append(self.t("welcome.membership_open", plan=w.plan))
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
        else:
            headline = self.t("denied.title")
            lines.append(self._reason(w))
        reminder = (self.t("welcome.reminder", date=texts.short_day(w.forgot_checkout_on, language))
                    if w.forgot_checkout_on else "")
        self.publish(allowed=w.tap.allowed, title=title, headline=headline, lines=lines,
                     reminder=reminder, presence=w.presence.value)

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
                            until=until, skill=tap.skill, balance_cents=w.balance_cents,
                            floor_cents=w.credit_floor_cents)
        language = self.ctx.language()
        return texts.typeset(texts.explain(decision, language, clock=site.clock,
                                           currency=site.currency,
                                           resource_label=w.resource_label), language)
