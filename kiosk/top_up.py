"""Topping up one's machine credit at the kiosk, after a badge tap (issue 18.4).

The same three screens as the day pass and the same rule: a paying member is never lost.
**amount** (a preset or one's own amount), **pay** (the cash box and the online QR code side
by side), **done** (the new balance). The member is the one whose tap the kiosk just showed;
the money is a payment on their ledger (``services.top_ups``), online through a checkout kept
in the database that the hub confirms too (``services.checkouts``).
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from access.services import top_ups
from access.services.checkouts import CheckoutView, Purpose
from access.services.ledger import PaymentMethod
from access.services.top_ups import TopUp
from kiosk.sale_flow import SaleFlow, parse_amount
from kiosk.viewmodel import KioskContext

STEP_OF = {"amount": 0, "pay": 1, "done": 2}


class TopUpModel(SaleFlow):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.reset()

    def reset(self) -> None:
        self.next_flow()
        self.member_id: int | None = None
        self.first_name = ""
        self.balance_cents: int | None = None
        self.step = "amount"
        self.cents: int | None = None
        self.done: TopUp | None = None
        self.paid_twice_cents = 0
        """Paid a second time (cash, then the QR code): on their balance too, flagged."""
        self.error = ""

    def sold_already(self) -> bool:
        return self.done is not None

    def start(self, member_id: int, first_name: str, balance_cents: int) -> None:
        """For the member whose tap is on screen."""
        self.reset()
        self.member_id, self.first_name, self.balance_cents = member_id, first_name, balance_cents
        self.render()

    @Slot(int)
    def choose(self, cents: int) -> None:
        if self.member_id is None or self.done is not None or self.selling:
            return
        if cents <= 0 or cents > top_ups.MAX_CENTS:
            self.error = self.t("topup.bad_amount", amount=self.money(top_ups.MAX_CENTS))
            self.render()
            return
        self.cents, self.error, self.step = cents, "", "pay"
        self.render()
        if "online" in self.methods:
            self.online.open(Purpose.TOP_UP, cents, "Top-up", {"member_id": self.member_id},
                             self._online_text)

    @Slot(str)
    def chooseText(self, text: str) -> None:
        self.choose(parse_amount(text))

    @Slot()
    def cashDone(self) -> None:
        if self.step != "pay" or self.done is not None or self.selling or self.member_id is None:
            return
        member, cents = self.member_id, self.cents or 0
        self.selling = True
        self.render()
        others = list(self.online.watching)  # set aside: paid too, a second payment, flagged
        self._run(lambda: top_ups.top_up(self.ctx.site, member, cents, PaymentMethod.CASH,
                                         other_checkouts=others), self._topped)

    def _paid_online(self, checkout: CheckoutView) -> None:
        if self.member_id is None:
            return
        if self.done is not None:
            if checkout.paid_before:  # cash first, then the phone too: on the balance, flagged
                member, self.paid_twice_cents = self.member_id, checkout.second_cents or checkout.cents
                self._run(lambda: top_ups.balance(self.ctx.site, member), self._rebalanced)
            return
        member, cents = self.member_id, checkout.cents
        entry = int((checkout.outcome or "entry:0").split(":")[1])
        self._run(lambda: top_ups.balance(self.ctx.site, member),
                  lambda balance: self._topped(TopUp(member, self.first_name, cents, "online",
                                                     entry, balance)))

    def _topped(self, done: TopUp) -> None:
        self.done, self.selling, self.step = done, False, "done"
        self.balance_cents = done.balance_cents
        if done.paid_twice:
            self.paid_twice_cents = done.cents
        self.render()

    def _rebalanced(self, balance: int) -> None:
        self.balance_cents = balance
        self.render()

    @Slot()
    def back(self) -> None:
        """One step back; once paid, the done screen stays."""
        if self.done is not None or self.selling:
            return
        if self.step == "pay":
            self.online.hide()
            self.step = "amount"
            self.render()
        else:
            self.ctx.go("home")

    def render(self) -> None:
        amount = self.money(self.cents) if self.cents is not None else ""
        balance = self.money(self.balance_cents) if self.balance_cents is not None else ""
        self.publish(
            kind="topup", step=self.step, stepIndex=STEP_OF[self.step],
            steps=[self.t("pass.stage_amount"), self.t("pass.stage_pay"), self.t("topup.stage_done")],
            busy=self.selling, sold=self.done is not None,
            title=(self.t("topup.title", name=self.first_name) if self.first_name
                   else self.t("topup.title_anonymous")),
            balance=self.t("topup.balance", amount=balance) if balance else "",
            amount=self.t("pass.amount_chosen", amount=amount) if amount else "",
            presets=[{"cents": c, "label": self.money(c), "suggested": False}
                     for c in top_ups.PRESETS_CENTS],
            floor="", methods=list(self.methods),
            cashButton=self.t("pass.cash_button", amount=amount),
            qr=self.online.qr, onlineError=self.online.error,
            doneText=(self.t("topup.done", amount=self.money(self.done.cents),
                             balance=self.money(self.done.balance_cents)) if self.done else ""),
            paidTwice=(self.t("topup.paid_twice", amount=self.money(self.paid_twice_cents),
                              balance=balance) if self.paid_twice_cents else ""),
            error=self.error)
