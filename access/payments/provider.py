"""What the kiosk needs from an online payment provider.

The kiosk creates a checkout for an amount, shows its URL as a QR code, and polls its state
(a kiosk behind a home router gets no webhook). A paid checkout carries the provider's order
reference, which goes on the ledger: the same payment is never entered twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from access.config import Config

log = logging.getLogger(__name__)


class PaymentState(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Checkout:
    id: str
    url: str
    """Where the payer goes (shown as a QR code)."""


@dataclass(frozen=True, slots=True)
class CheckoutStatus:
    state: PaymentState
    reference: str | None = None
    """The provider's order id once paid (unique: the ledger refuses it twice)."""


class PaymentError(Exception):
    """The provider could not be reached or refused the request; the message says why."""


class PaymentProvider(Protocol):
    name: str

    def create(self, cents: int, label: str, reference: str) -> Checkout:
        """Open a checkout for ``cents``; ``reference`` is ours (kept in the provider's metadata)."""
        ...

    def status(self, checkout_id: str) -> CheckoutStatus: ...


def make_provider(kind: str, *, organization: str = "", client_id: str = "", client_secret: str = "",
                  sandbox: bool = False) -> PaymentProvider:
    """The provider named in ``[kiosk] online_provider``."""
    if kind == "fake":
        from access.payments.fake import FakeProvider
        return FakeProvider()
    from access.payments.helloasso import PRODUCTION, SANDBOX, HelloAssoProvider
    return HelloAssoProvider(organization, client_id, client_secret,
                             base_url=SANDBOX if sandbox else PRODUCTION)


def from_config(config: Config) -> PaymentProvider | None:
    """The site's provider, or ``None`` when online payment is off or cannot be set up (logged):
    the kiosk and the hub both use it."""
    kiosk = config.kiosk
    if "online" not in kiosk.payment:
        return None
    settings = kiosk.helloasso
    try:
        return make_provider(kiosk.online_provider, organization=settings.organization,
                             client_id=settings.client_id,
                             client_secret=config.read_password(settings.client_secret_file,
                                                                "the HelloAsso secret file"),
                             sandbox=settings.sandbox)
    except PaymentError as error:
        log.error("online payment is off: %s", error)
        return None
