"""The day-pass journey in three screens: amount, payment, done (the door opens).

1. **amount**: one tap on a preset, or "prix libre" on the keypad.
2. **pay**: the cash box and the online QR code side by side; the chosen amount stays in view.
3. **done**: the door opens at once (the entrance node is asked, and the screen says "open"
   only when the node says so), the 6-digit code is shown large, grouped ("482 913"), with a
   QR code of it; the first name and the e-mailed receipt are optional, after payment. A spare
   badge instead of the code is one tap away (``card``), when the site lends them.

Nothing is sold before the money is: the pass is sold when the visitor confirms the cash is in
the box, or when the provider reports the online payment paid. An online checkout is a row of
the database from the moment its QR code is shown (``services.checkouts``); this screen asks
about it while the visitor is in the flow, whatever step they went back to, the hub asks on its
schedule, and checkouts the screen left behind (the visitor went home) are still asked about
here every ``LEFT_BEHIND_POLL_MS``, so nobody is ever the only one waiting. The provider's order
id is the ledger reference: whoever sees it paid first sells it, the other finds that pass.

A paid pass is never abandoned: "Back" after payment goes to the done screen, never home, and
results of an earlier visitor's flow (a late answer after the screen went home) are dropped by
the flow's number, not shown to the next person.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import Slot

from access import texts
from access.bus.schemas import DecisionEvent, ResourceState
from access.errors import InvalidInput
from access.services import day_passes, receipts
from access.services.checkouts import CheckoutView, Purpose
from access.services.day_passes import CodeCheck, CodeRefused, Offer, SoldPass
from access.services.ledger import PaymentMethod
from kiosk.door_opening import Door, DoorOpening, check_in
from kiosk.online_payment import qr_data_url
from kiosk.sale_flow import SaleFlow, parse_amount
from kiosk.viewmodel import KioskContext

log = logging.getLogger(__name__)

STEPS = ("amount", "pay", "done")
STEP_OF = {"amount": 0, "pay": 1, "card": 2, "done": 2, "details": 2}


class DayPassModel(SaleFlow):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.show_email = False
        self.door = DoorOpening(lambda: self.ctx.bus, self.render, self._check_in)
        self.reset()

    # --- facts ------------------------------------------------------------------------------

    def reset(self) -> None:
        """The visitor is gone: their pending checkouts are left to the slow poll (and the hub)."""
        self.next_flow()
        self.step = "amount"
        self.name = ""
        self.offer: Offer | None = None
        self.cents: int | None = None
        self.sold: SoldPass | None = None
        self.paid_twice_cents = 0
        """The visitor paid a second time (cash, then the QR code): kept, no second pass."""
        self.code: str | None = None
        self.code_qr = ""
        self.card_bound = False
        self.at_door: CodeCheck | None = None
        self.later: CodeCheck | None = None
        """The door is closed to the pass now: when it opens (``opens_at``) and until when."""
        self.shut_now = False
        self.error = ""
        self.error_key = ""
        self.email_sent = ""
        self.busy = False
        self.door.reset()

    @property
    def can_email(self) -> bool:
        """The receipt can be mailed: the site configured [mail] (the screenshots force it on)."""
        return self.show_email or bool(self.ctx.site.config.mail.host)

    @property
    def credentials(self) -> tuple[str, ...]:
        return self.ctx.site.config.kiosk.credential

    def sold_already(self) -> bool:
        return self.sold is not None

    # --- actions (QML) ----------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        self.reset()
        self.busy = True
        self.render()
        self._run(lambda: day_passes.offer(self.ctx.site), self._offered)

    def _offered(self, offer: Offer) -> None:
        self.offer, self.busy = offer, False
        self.render()

    @Slot(int)
    def choose(self, cents: int) -> None:
        if self.offer is None or self.sold is not None or self.selling:
            return
        if cents < self.offer.floor_cents:
            self.error_key = "pass.below_floor"
            self.render()
            return
        self.cents, self.error_key = cents, ""
        if cents == 0:
            self._sell(PaymentMethod.CASH)
            return
        self._to("pay")
        if "online" in self.methods:
            label = self.offer.description or "Day pass"
            self.online.open(Purpose.DAY_PASS, cents, label, {"name": self.name}, self._online_text)

    @Slot(str)
    def chooseText(self, text: str) -> None:
        """A free amount typed on the keypad (``12`` or ``12,50``)."""
        self.choose(parse_amount(text))

    @Slot(str)
    def pay(self, method: str) -> None:
        """Kept for a site with one method: ``cash`` confirms the cash box."""
        if method == "cash":
            self.cashDone()

    @Slot()
    def cashDone(self) -> None:
        if self.step == "pay" and self.sold is None and not self.selling:
            self._sell(PaymentMethod.CASH)

    def _paid_online(self, checkout: CheckoutView) -> None:
        if checkout.paid_before and self.sold is not None:  # cash first, then the phone too
            self.paid_twice_cents = checkout.second_cents or checkout.cents
            self.render()
            return
        pass_id = checkout.day_pass_id
        if pass_id is None or self.sold is not None or self.selling:
            return
        self.selling = True
        self._run(lambda: day_passes.sold_pass(self.ctx.site, pass_id), self._sold)

    def _sell(self, method: PaymentMethod) -> None:
        cents = self.cents or 0
        self.selling = True
        self.render()
        others = list(self.online.watching)  # set aside: paid too, a second payment, not a pass
        self._run(lambda: day_passes.sell(self.ctx.site, cents=cents, method=method,
                                          other_checkouts=others), self._sold)

    def _sold(self, sold: SoldPass) -> None:
        self.sold, self.selling = sold, False
        self.paid_twice_cents = sold.paid_twice_cents
        if "code" in self.credentials:
            pass_id = sold.id
            self._run(lambda: day_passes.issue_code(self.ctx.site, pass_id), self._coded)
            self._to("done")
        else:
            self._to("card")

    def _coded(self, code: str) -> None:
        self.code = code
        self.code_qr = qr_data_url(code)
        self._open_door()

    def _open_door(self) -> None:
        """By the rule the pass's code and badge follow: open now, or say when it will."""
        if self.sold is None or self.door.state is not Door.IDLE or self.at_door is not None:
            self.render()
            return
        pass_id = self.sold.id
        self._run(lambda: day_passes.check_pass(self.ctx.site, pass_id), self._at_the_door,
                  self._not_now)

    def _at_the_door(self, check: CodeCheck) -> None:
        self.at_door = check
        self.door.open(f"kiosk, day pass #{check.pass_id}")

    def _not_now(self, error: Exception) -> None:
        if isinstance(error, CodeRefused):
            self.shut_now, self.later = True, error.check
            self.render()
        else:
            self._failed(error)

    def _check_in(self) -> None:
        """The door opened for the visitor: checked in like a tap (the count, the roll-call)."""
        if self.at_door is not None:
            check_in(self.ctx, self.at_door)

    def door_state(self, state: ResourceState) -> None:
        self.door.door_state(state)

    @Slot(str)
    def credential(self, kind: str) -> None:
        """``card``: a spare badge instead of (or beside) the code."""
        if self.sold is not None and kind == "card":
            self._to("card")

    def waiting_for_card(self) -> bool:
        return self.step == "card" and self.sold is not None and not self.card_bound

    def card_tapped(self, decision: DecisionEvent) -> None:
        """The visitor tapped a spare badge on the entrance reader: bind it to the pass."""
        if self.sold is None:
            return
        pass_id, card = self.sold.id, decision.card
        self._run(lambda: day_passes.bind_card(self.ctx.site, pass_id, card), self._bound)

    def _bound(self, _card: object) -> None:
        self.card_bound = True
        self._to("done")
        self._open_door()

    @Slot()
    def details(self) -> None:
        """After payment: the first name and the e-mailed receipt, both optional."""
        if self.sold is not None:
            self._to("details")

    @Slot(str)
    def setName(self, name: str) -> None:
        if self.sold is None:
            self.name = " ".join(name.split())[:100]
            return
        if not name.strip():
            self._to("done")
            return
        pass_id = self.sold.id
        self._run(lambda: day_passes.rename(self.ctx.site, pass_id, name), self._renamed)

    def _renamed(self, sold: SoldPass) -> None:
        self.sold = sold
        self._to("done")

    @Slot(str)
    def email(self, address: str) -> None:
        if self.sold is None:
            return
        sold, subject, lines = self.sold, self.t("pass.receipt"), self.receipt_lines()
        self.busy = True
        self.render()
        self._run(lambda: receipts.send(self.ctx.site, address, subject, lines, sold),
                  self._emailed, lambda error: self._email_failed(address, error))

    def _emailed(self, address: str) -> None:
        self.busy, self.email_sent, self.error = False, address, ""
        self.render()

    def _email_failed(self, address: str, error: Exception) -> None:
        """A typo is the visitor's to fix; a server problem is a volunteer's (it is in the log)."""
        self.busy = False
        if isinstance(error, InvalidInput):
            self.error = self.t("pass.email_invalid", email=address.strip())
        else:
            log.warning("receipt e-mail to %s failed: %s", address.strip(), error)
            self.error = self.t("pass.email_failed")
        self.render()

    @Slot()
    def back(self) -> None:
        """One step back; after payment, back to the done screen: a paid pass is never left."""
        if self.sold is not None:
            if self.step != "done":
                self._to("done")
            return
        if self.selling:
            return  # the cash sale is being written: its pass comes next
        if self.step == "pay":
            self.online.hide()
            self._to("amount")  # the checkout stays watched: paid now, it still ends on "done"
        else:
            self.ctx.go("home")

    def _failed(self, error: Exception) -> None:
        self.busy = False
        super()._failed(error)

    def _to(self, step: str) -> None:
        self.step, self.error = step, ""
        self.render()

    # --- display ----------------------------------------------------------------------------

    def receipt_lines(self) -> list[str]:
        sold = self.sold
        if sold is None:
            return []
        language = self.ctx.language()
        name = sold.name if sold.name != day_passes.VISITOR_NAME else self.t("pass.visitor")
        lines = [self.t("pass.receipt_number", number=sold.id),
                 self.t("pass.receipt_line", name=name,  # its day: tomorrow's, bought tonight
                        date=texts.long_day(self.ctx.site.clock.last_day(sold.valid_until), language))]
        if sold.cents:
            lines.append(self.t("pass.receipt_paid", amount=self.money(sold.cents),
                                method=self.t(f"pass.method_{sold.method}")))
        else:
            lines.append(self.t("pass.nothing_to_pay"))
        return lines

    def _door_text(self) -> str:
        if self.shut_now:
            opens_at = self.later.opens_at if self.later is not None else None
            if opens_at is None:
                return self.t("code.closed")
            return self.t("pass.door_closed_now", when=self._when(opens_at))
        return {Door.OPENING: self.t("code.opening"), Door.OPENED: self.t("pass.door_opened"),
                Door.NO_ANSWER: self.t("pass.door_no_answer")}.get(self.door.state, "")

    def _when(self, at: datetime) -> str:
        site = self.ctx.site
        return texts.when(at, site.now(), site.clock.tz, self.ctx.language())

    def _its_day(self, opens_at: datetime, until: datetime | None) -> dict[str, str]:
        """The fields of "valid tomorrow, from 08:00 to 20:00" (``day``, ``start``, ``end``)."""
        site, language = self.ctx.site, self.ctx.language()
        tz = site.clock.tz
        return {"day": texts.on_day(opens_at, site.now(), tz, language),
                "start": texts.clock_time(opens_at, tz, language),
                "end": texts.clock_time(until, tz, language) if until else ""}

    def _before_payment(self) -> str:
        """Said before anyone pays, when the door is closed now: when it opens, and the day the
        pass is for (the next opening day: a pass never opens nothing)."""
        offer = self.offer
        if offer is None or self.sold is not None or not offer.closed_now:
            return ""
        if offer.opens_at is None or offer.opens_until is None:
            return self.t("pass.shut_now")
        return (self.t("pass.door_closed_now", when=self._when(offer.opens_at)) + " "
                + self.t("pass.valid_on", **self._its_day(offer.opens_at, offer.opens_until)))

    def _closed(self) -> bool:
        """The door will not open at the end of this sale: step 3 is not "come in"."""
        return self.shut_now or (self.sold is None and self.offer is not None and self.offer.closed_now)

    def _hint(self, key: str, until: str) -> str:
        """The code's (or the badge's) hours: until tonight's closing, or on its next day."""
        later = self.later
        if later is not None and later.opens_at is not None and later.opens_until is not None:
            return self.t(f"{key}_later", **self._its_day(later.opens_at, later.opens_until))
        return self.t(key, time=until)

    def render(self) -> None:
        offer = self.offer
        language = self.ctx.language()
        tz = self.ctx.site.clock.tz
        # the closing time for the plan (the badge's and code's rule), not the day's cut-off
        opens_until = ((self.at_door.opens_until if self.at_door else None)
                       or (offer.opens_until or offer.valid_until if offer else None))
        until = texts.clock_time(opens_until, tz, language) if opens_until else ""
        amount = self.money(self.cents) if self.cents is not None else ""
        presets = ([{"cents": c, "label": self.money(c) if c else self.t("pass.amount_zero"),
                     "suggested": c == offer.suggested_cents}
                    for c in offer.presets_cents] if offer else [])
        sold_name = self.sold.name if self.sold and self.sold.name != day_passes.VISITOR_NAME else ""
        self.publish(
            step=self.step, stepIndex=STEP_OF.get(self.step, 0),
            steps=[self.t(f"pass.stage_{s}_later" if s == "done" and self._closed() else f"pass.stage_{s}")
                   for s in STEPS],
            busy=self.busy or self.selling, sold=self.sold is not None, name=sold_name,
            amount=self.t("pass.amount_chosen", amount=amount) if amount else "",
            suggested=self.t("pass.suggested", amount=self.money(offer.suggested_cents)) if offer else "",
            suggestedCents=offer.suggested_cents if offer else 0,
            floor=(self.t("pass.floor", amount=self.money(offer.floor_cents))
                   if offer and offer.floor_cents else ""),
            presets=presets, methods=list(self.methods), credentials=list(self.credentials),
            canCard="card" in self.credentials and self.sold is not None and not self.card_bound,
            cashHint=self.t("pass.cash_hint", amount=amount),
            cashButton=self.t("pass.cash_button", amount=amount),
            onlineHint=self.t("pass.online_hint", amount=amount), qr=self.online.qr,
            onlineError=self.online.error,
            code=self.code or "", codeGrouped=group_code(self.code or ""), codeQr=self.code_qr,
            codeHint=self._hint("pass.code_hint", until),
            cardBound=self._hint("pass.card_bound", until) if self.card_bound else "",
            door="later" if self.shut_now else self.door.state.value, doorText=self._door_text(),
            shutNow=self._before_payment(),
            paidTwice=(self.t("pass.paid_twice", amount=self.money(self.paid_twice_cents))
                       if self.paid_twice_cents else ""),
            receipt=self.receipt_lines(), canEmail=self.can_email,
            emailSent=self.t("pass.email_sent", email=self.email_sent) if self.email_sent else "",
            error=self.error or (self.t(self.error_key, amount=self.money(offer.floor_cents))
                                 if self.error_key and offer else ""))


def group_code(code: str) -> str:
    """``482913`` as ``482 913`` (a thin space that never breaks): read and typed in two halves."""
    return f"{code[:3]}\u202f{code[3:]}" if len(code) == 6 else code
