"""A visitor's online checkouts at the kiosk: never the only one waiting for them.

A checkout is opened with the payment screen, beside the cash box, and is a row of the
database before its QR code is shown (``services.checkouts.start``). While the visitor is in
the flow, every checkout they opened is asked about every ``POLL_MS``, whatever step they went
back to, and the first one paid ends the flow (``paid``). When they go home before paying, their
pending checkouts are *left behind*: still asked about every ``LEFT_BEHIND_POLL_MS`` here, and
by the hub on its schedule, so a payment made on the pavement still makes its pass or top-up.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Callable
from typing import Any

import segno
from PySide6.QtCore import QObject, QTimer

from access.payments.provider import PaymentError
from access.services import checkouts
from access.services.checkouts import CheckoutView, Purpose, State
from kiosk.viewmodel import KioskContext

log = logging.getLogger(__name__)

POLL_MS = 2000
LEFT_BEHIND_POLL_MS = 30_000

Run = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[Exception], None]], None]


class OnlinePayment(QObject):
    """``run`` is the flow's background runner (it drops answers once the flow ended);
    ``paid(checkout)`` is called once a watched checkout is paid and made something."""

    def __init__(self, ctx: KioskContext, run: Run, paid: Callable[[CheckoutView], None],
                 changed: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self._run = run
        self._paid = paid
        self._changed = changed
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self.ask)
        self.behind = QTimer(self)
        self.behind.setInterval(LEFT_BEHIND_POLL_MS)
        self.behind.timeout.connect(self.ask_left_behind)
        self.left_behind: set[int] = set()
        self.watching: dict[int, CheckoutView] = {}
        self.shown: CheckoutView | None = None
        self.qr = ""
        self.error = ""
        self.asking = False
        self.done = False

    @property
    def available(self) -> bool:
        return self.ctx.provider is not None

    def pending(self) -> bool:
        return any(c.state == State.PENDING for c in self.watching.values())

    def open(self, purpose: Purpose, cents: int, label: str, details: dict[str, Any],
             texts: Callable[[str, str], str]) -> None:
        """Show a checkout for ``cents``: one already opened for that amount (back, then the
        same amount again) or a new one. ``texts(key, message)`` words an error."""
        self._texts = texts
        same = next((c for c in self.watching.values()
                     if c.cents == cents and c.state == State.PENDING and c.url), None)
        if same is not None:
            self._opened(same)
            return
        provider = self.ctx.provider
        if provider is None:
            return
        self.shown, self.qr, self.error = None, "", ""
        site = self.ctx.site
        self._run(lambda: checkouts.start(site, provider, purpose, cents, label, details),
                  self._opened, self._unavailable)

    def hide(self) -> None:
        """The visitor went back: the QR code goes, the checkout stays watched."""
        self.shown, self.qr, self.error = None, "", ""

    def _opened(self, checkout: CheckoutView) -> None:
        self.watching[checkout.id] = checkout
        self.shown = checkout
        self.qr = qr_data_url(checkout.url)
        self.poll.start()
        self._changed()

    def _unavailable(self, error: Exception) -> None:
        self.error = (self._texts("pass.online_unreachable", str(error)) if isinstance(error, PaymentError)
                      else self._texts("pass.online_off", ""))
        self._changed()

    def ask(self) -> None:
        """Every pending checkout of this visitor (the poll timer)."""
        provider = self.ctx.provider
        pending = [c.id for c in self.watching.values() if c.state == State.PENDING]
        if provider is None or not pending or self.done:
            self.poll.stop()
            return
        if self.asking:
            return
        self.asking = True
        site = self.ctx.site
        self._run(lambda: [checkouts.confirm(site, provider, i) for i in pending], self._answered,
                  self._not_answered)

    def _answered(self, answers: list[CheckoutView]) -> None:
        self.asking = False
        for checkout in answers:
            self.watching[checkout.id] = checkout
        paid = next((c for c in answers if c.state == State.PAID and c.outcome), None)
        if paid is not None and not self.done:
            self.done = True
            self.poll.stop()
            self._paid(paid)
        elif self.shown is not None and self.watching[self.shown.id].state not in (State.PENDING,
                                                                                   State.PAID):
            self.error = self._texts("pass.online_failed", "")
            self._changed()
        if not self.pending():
            self.poll.stop()

    def _not_answered(self, error: Exception) -> None:
        self.asking = False  # a network hiccup: the timer asks again

    def leave(self) -> None:
        """The visitor is gone: their pending checkouts go to the slow poll (and the hub's)."""
        self.left_behind.update(i for i, c in self.watching.items() if c.state == State.PENDING)
        if self.left_behind and not self.behind.isActive():
            self.behind.start()
        self.poll.stop()
        self.watching, self.shown, self.qr, self.error = {}, None, "", ""
        self.asking, self.done = False, False

    def ask_left_behind(self) -> None:
        provider = self.ctx.provider
        if provider is None or not self.left_behind:
            self.behind.stop()
            return
        site, ids = self.ctx.site, sorted(self.left_behind)

        def confirm_all() -> list[CheckoutView]:
            return [checkouts.confirm(site, provider, i) for i in ids]

        # not the flow's runner: these outlive the flow that opened them
        self.ctx.background.run(confirm_all, self._left_behind_answered, lambda error: None)

    def _left_behind_answered(self, answers: list[CheckoutView]) -> None:
        for checkout in answers:
            if checkout.state != State.PENDING:
                self.left_behind.discard(checkout.id)
                log.info("online checkout #%d left at the kiosk: %s %s", checkout.id, checkout.state,
                         checkout.outcome or checkout.problem or "")
        if not self.left_behind:
            self.behind.stop()

    def stop(self) -> None:
        self.poll.stop()
        self.behind.stop()


def qr_data_url(text: str) -> str:
    """A QR code image QML can show (``data:image/png;base64,...``): a payment link, a door code."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
