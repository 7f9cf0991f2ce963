"""What the day pass and the top-up share: one numbered flow per person, an amount, the cash box
and the online checkouts side by side, and the rule that a paying person is never lost.

Each flow is numbered: a background answer that arrives after its person's flow ended (the
screen went home) is dropped, never shown to the next person; what it wrote stays written.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from access.errors import SeuilError
from access.payments.provider import PaymentError
from kiosk.online_payment import OnlinePayment
from kiosk.viewmodel import KioskContext, ViewModel


def parse_amount(text: str) -> int:
    """Cents from what was typed on the keypad (``12`` or ``12,50``); -1 when it is not an amount."""
    try:
        value = Decimal(text.strip().replace(",", ".") or "x")
    except InvalidOperation:
        return -1
    return int(value * 100) if value.is_finite() and value >= 0 else -1


class SaleFlow(ViewModel):
    def __init__(self, ctx: KioskContext) -> None:
        super().__init__(ctx)
        self.flow = 0
        self.selling = False
        self.show_methods: tuple[str, ...] | None = None
        """The screenshots show cash and online side by side whatever the site has."""
        self.online = OnlinePayment(ctx, self._run, self._paid_online, self.render)

    @property
    def methods(self) -> tuple[str, ...]:
        """How this site takes money here: the cash box, online when a provider is set up."""
        if self.show_methods is not None:
            return self.show_methods
        allowed = self.ctx.site.config.kiosk.payment
        return tuple(m for m in allowed if m != "online" or self.online.available)

    def _paid_online(self, checkout: Any) -> None:
        """A watched checkout was paid and made its pass or top-up."""

    def sold_already(self) -> bool:
        return False

    def sale_open(self) -> bool:
        """Money may be on its way or was paid: the screen must not go home by itself."""
        return self.selling or self.sold_already() or self.online.pending()

    def next_flow(self) -> None:
        """A new person: the last one's pending checkouts are left to the slow poll (and the hub)."""
        self.online.leave()
        self.flow += 1
        self.selling = False

    def _run(self, call: Callable[[], Any], done: Callable[[Any], None],
             failed: Callable[[Exception], None] | None = None) -> None:
        """A background call whose answer is dropped if the person's flow ended meanwhile."""
        flow = self.flow

        def deliver(result: Any) -> None:
            if flow == self.flow:
                done(result)

        def fail(error: Exception) -> None:
            if flow == self.flow:
                (failed or self._failed)(error)

        self.ctx.background.run(call, deliver, fail)

    def _online_text(self, key: str, message: str) -> str:
        return self.t(key, message=message) if message else self.t(key)

    def error_text(self, error: Exception) -> str:
        if isinstance(error, PaymentError):
            return self.t("pass.online_unreachable", message=str(error))
        if isinstance(error, SeuilError):
            return self.t("common.error", message=error.message)
        return self.t("common.error", message=error.__class__.__name__)

    def _failed(self, error: Exception) -> None:
        self.selling = False
        self.error = self.error_text(error)
        self.render()
