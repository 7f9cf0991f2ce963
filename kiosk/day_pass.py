"""The day-pass journey: name, amount, payment, door credential, receipt.

Nothing is sold before the money is: the pass is sold when the visitor confirms the cash
is in the box, or when the provider reports the online payment as paid. An online checkout is
kept in the database from the moment its QR code is shown (``services.checkouts``): this
screen asks about it while the visitor waits, the hub asks too, and the provider's order id is
the ledger reference, so whoever sees it paid first sells it and the other finds that pass.
"""

from __future__ import annotations

import base64
import io
import logging
from decimal import Decimal, InvalidOperation

import segno
from PySide6.QtCore import QTimer, Slot

from access import texts
from access.bus.schemas import DecisionEvent
from access.errors import InvalidInput, SeuilError
from access.payments.provider import PaymentError
from access.services import checkouts, day_passes, receipts
from access.services.checkouts import CheckoutView, Purpose, State
from access.services.day_passes import Offer, SoldPass
from access.services.ledger import PaymentMethod
from kiosk.viewmodel import KioskContext, ViewModel

log = logging.getLogger(__name__)

POLL_MS = 2000


class DayPassModel(ViewModel):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._poll)
        self.show_email = False
        self.reset()

    # --- facts ------------------------------------------------------------------------------

    def reset(self) -> None:
        self.poll.stop()
        self.step = "name"
        self.name = ""
        self.offer: Offer | None = None
        self.cents: int | None = None
        self.checkout: CheckoutView | None = None
        self.qr = ""
        self.sold: SoldPass | None = None
        self.code: str | None = None
        self.card_bound = False
        self.error = ""
        self.error_key = ""
        self.email_sent = ""
        self.busy = False

    @property
    def can_email(self) -> bool:
        """The receipt can be mailed: the site configured [mail] (the screenshots force it on)."""
        return self.show_email or bool(self.ctx.site.config.mail.host)

    @property
    def methods(self) -> tuple[str, ...]:
        allowed = self.ctx.site.config.kiosk.payment
        return tuple(m for m in allowed if m != "online" or self.ctx.provider is not None)

    @property
    def credentials(self) -> tuple[str, ...]:
        return self.ctx.site.config.kiosk.credential

    # --- actions (QML) ----------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        self.reset()
        self.busy = True
        self.render()
        self.ctx.background.run(lambda: day_passes.offer(self.ctx.site), self._offered, self._failed)

    def _offered(self, offer: Offer) -> None:
        self.offer, self.busy = offer, False
        self.render()

    @Slot(str)
    def setName(self, name: str) -> None:
        self.name = name.strip()[:100]
        self._to("amount")

    @Slot(int)
    def choose(self, cents: int) -> None:
        if self.offer is None:
            return
        if cents < self.offer.floor_cents:
            self.error_key = "pass.below_floor"
            self.render()
            return
        self.cents, self.error_key = cents, ""
        if cents == 0:
            self._sell(PaymentMethod.CASH)
        elif len(self.methods) == 1:
            self.pay(self.methods[0])
        else:
            self._to("method")

    @Slot(str)
    def chooseText(self, text: str) -> None:
        """A free amount typed on the keypad (``12`` or ``12,50``)."""
        try:
            value = Decimal(text.strip().replace(",", ".") or "x")
        except InvalidOperation:
            self.error_key = "pass.below_floor"
            self.render()
            return
        self.choose(int(value * 100) if value.is_finite() and value >= 0 else -1)

    @Slot(str)
    def pay(self, method: str) -> None:
        if method == "cash":
            self._to("cash")
        elif method == "online" and self.ctx.provider is not None and self.cents is not None:
            provider, cents, name = self.ctx.provider, self.cents, self.name
            label = self.offer.description if self.offer and self.offer.description else "Day pass"
            self.busy = True
            self._to("online")
            self.ctx.background.run(lambda: checkouts.start(self.ctx.site, provider, Purpose.DAY_PASS, cents,
                                                            label, {"name": name}),
                                    self._opened, self._failed)

    @Slot()
    def cashDone(self) -> None:
        self._sell(PaymentMethod.CASH)

    def _opened(self, checkout: CheckoutView) -> None:
        self.checkout, self.busy = checkout, False
        self.qr = qr_data_url(checkout.url)
        self.poll.start()
        self.render()

    def _poll(self) -> None:
        if self.checkout is None or self.ctx.provider is None or self.busy:
            return
        provider, checkout_id = self.ctx.provider, self.checkout.id
        self.busy = True
        self.ctx.background.run(lambda: checkouts.confirm(self.ctx.site, provider, checkout_id),
                                self._polled, self._poll_failed)

    def _polled(self, checkout: CheckoutView) -> None:
        self.busy = False
        if self.step != "online":
            return
        if checkout.state == State.PAID and checkout.day_pass_id is not None:
            self.poll.stop()
            pass_id = checkout.day_pass_id
            self.busy = True
            self.ctx.background.run(lambda: day_passes.sold_pass(self.ctx.site, pass_id), self._sold,
                                    self._failed)
        elif checkout.state != State.PENDING:  # failed, expired, or paid for nothing (an orphan)
            self.poll.stop()
            self.error_key = "pass.online_failed"
            self.render()

    def _poll_failed(self, error: Exception) -> None:
        self.busy = False  # a network hiccup: the timer asks again

    def _sell(self, method: PaymentMethod) -> None:
        cents, name = self.cents or 0, self.name
        self.busy = True
        self.render()
        self.ctx.background.run(lambda: day_passes.sell(self.ctx.site, cents=cents, method=method,
                                                        name=name),
                                self._sold, self._failed)

    def _sold(self, sold: SoldPass) -> None:
        self.sold, self.busy = sold, False
        if len(self.credentials) == 1:
            self.credential(self.credentials[0])
        else:
            self._to("credential")

    @Slot(str)
    def credential(self, kind: str) -> None:
        if self.sold is None:
            return
        if kind == "card":
            self._to("card")
        else:
            pass_id = self.sold.id
            self.busy = True
            self.ctx.background.run(lambda: day_passes.issue_code(self.ctx.site, pass_id), self._coded,
                                    self._failed)

    def _coded(self, code: str) -> None:
        self.code, self.busy = code, False
        self._to("receipt")

    def waiting_for_card(self) -> bool:
        return self.step == "card" and self.sold is not None and not self.card_bound

    def card_tapped(self, decision: DecisionEvent) -> None:
        """The visitor tapped a spare badge on the entrance reader: bind it to the pass."""
        if self.sold is None:
            return
        pass_id, card = self.sold.id, decision.card
        self.ctx.background.run(lambda: day_passes.bind_card(self.ctx.site, pass_id, card),
                                self._bound, self._failed)

    def _bound(self, _card: object) -> None:
        self.card_bound = True
        self._to("receipt")

    @Slot(str)
    def email(self, address: str) -> None:
        if self.sold is None:
            return
        sold, subject, lines = self.sold, self.t("pass.receipt"), self.receipt_lines()
        self.busy = True
        self.ctx.background.run(lambda: receipts.send(self.ctx.site, address, subject, lines, sold),
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
        order = {"amount": "name", "method": "amount", "cash": "method", "online": "method"}
        if self.step in order and self.sold is None:
            self.poll.stop()
            self.checkout, self.error_key = None, ""
            back = order[self.step]
            if back == "method" and len(self.methods) == 1:
                back = "amount"
            self._to(back)
        else:
            self.ctx.go("home")

    def _failed(self, error: Exception) -> None:
        self.busy = False
        if isinstance(error, PaymentError):
            self.error = self.t("pass.online_unreachable", message=str(error))
        elif isinstance(error, SeuilError):
            self.error = self.t("common.error", message=error.message)
        else:
            self.error = self.t("common.error", message=error.__class__.__name__)
        self.render()

    def _to(self, step: str) -> None:
        self.step, self.error = step, ""
        self.render()

    # --- display ----------------------------------------------------------------------------

    def receipt_lines(self) -> list[str]:
        sold = self.sold
        if sold is None:
            return []
        language = self.ctx.language()
        tz = self.ctx.site.clock.tz
        lines = [self.t("pass.receipt_number", number=sold.id),
                 self.t("pass.receipt_line", name=sold.name,
                        date=texts.long_day(sold.sold_at.astimezone(tz).date(), language))]
        if sold.cents:
            lines.append(self.t("pass.receipt_paid", amount=self.money(sold.cents),
                                method=self.t(f"pass.method_{sold.method}")))
        else:
            lines.append(self.t("pass.nothing_to_pay"))
        return lines

    def render(self) -> None:
        offer = self.offer
        language = self.ctx.language()
        tz = self.ctx.site.clock.tz
        opens_until = (offer.opens_until or offer.valid_until) if offer else None  # closing time
        until = texts.clock_time(opens_until, tz, language) if opens_until else ""
        amount = self.money(self.cents) if self.cents is not None else ""
        presets = ([{"cents": c, "label": self.money(c) if c else self.t("pass.amount_zero")}
                    for c in offer.presets_cents] if offer else [])
        self.publish(
            step=self.step, busy=self.busy, name=self.name,
            suggested=self.t("pass.suggested", amount=self.money(offer.suggested_cents)) if offer else "",
            suggestedCents=offer.suggested_cents if offer else 0,
            floor=(self.t("pass.floor", amount=self.money(offer.floor_cents))
                   if offer and offer.floor_cents else ""),
            presets=presets, methods=list(self.methods), credentials=list(self.credentials),
            cashHint=self.t("pass.cash_hint", amount=amount),
            onlineHint=self.t("pass.online_hint", amount=amount), qr=self.qr,
            code=self.code or "", codeHint=self.t("pass.code_hint", time=until),
            cardBound=self.t("pass.card_bound", time=until),
            receipt=self.receipt_lines(), canEmail=self.can_email,
            emailSent=self.t("pass.email_sent", email=self.email_sent) if self.email_sent else "",
            error=self.error or (self.t(self.error_key, amount=self.money(offer.floor_cents))
                                 if self.error_key and offer else ""))


def qr_data_url(url: str) -> str:
    """The payment link as a QR code image QML can show (``data:image/png;base64,...``)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
