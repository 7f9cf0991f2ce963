"""A provider that needs no network: for the demo and the tests.

A checkout is paid ``paid_after`` polls after its creation, or when ``pay()`` is called (a
test playing the payer). ``fail()`` makes it fail.
"""

from __future__ import annotations

import itertools
import threading

from access.payments.provider import Checkout, CheckoutStatus, PaymentError, PaymentState


class FakeProvider:
    name = "fake"

    def __init__(self, *, paid_after: int | None = 3, reachable: bool = True) -> None:
        self.paid_after = paid_after
        self.reachable = reachable
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._polls: dict[str, int] = {}
        self._state: dict[str, PaymentState] = {}
        self.created: list[tuple[str, int, str]] = []

    def create(self, cents: int, label: str, reference: str) -> Checkout:
        if not self.reachable:
            raise PaymentError("the payment service cannot be reached")
        with self._lock:
            checkout_id = f"fake-{next(self._ids)}"
            self._polls[checkout_id] = 0
            self._state[checkout_id] = PaymentState.PENDING
            self.created.append((checkout_id, cents, reference))
        return Checkout(checkout_id, f"https://pay.example.invalid/checkout/{checkout_id}")

    def pay(self, checkout_id: str) -> None:
        with self._lock:
            self._state[checkout_id] = PaymentState.PAID

    def fail(self, checkout_id: str) -> None:
        with self._lock:
            self._state[checkout_id] = PaymentState.FAILED

    def status(self, checkout_id: str) -> CheckoutStatus:
        if not self.reachable:
            raise PaymentError("the payment service cannot be reached")
        with self._lock:
            if checkout_id not in self._state:
                raise PaymentError(f"unknown checkout {checkout_id}")
            self._polls[checkout_id] += 1
            state = self._state[checkout_id]
            if (state is PaymentState.PENDING and self.paid_after is not None
                    and self._polls[checkout_id] >= self.paid_after):
                state = self._state[checkout_id] = PaymentState.PAID
        return CheckoutStatus(state, f"order-{checkout_id}" if state is PaymentState.PAID else None)
