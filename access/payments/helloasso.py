"""HelloAsso Checkout (API v5): the association's own account takes the payment.

OAuth2 client credentials for a token, then a checkout intent per payment; its
``redirectUrl`` is the QR code. Polling the intent shows an ``order`` once paid.
The standard library's urllib is enough for three calls; ``base_url`` lets the tests point
it at a local server playing HelloAsso.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from access.payments.provider import Checkout, CheckoutStatus, PaymentError, PaymentState

PRODUCTION = "https://api.helloasso.com"
SANDBOX = "https://api.helloasso-sandbox.com"
TIMEOUT_S = 10


class HelloAssoProvider:
    name = "helloasso"

    def __init__(self, organization: str, client_id: str, client_secret: str, *,
                 base_url: str = PRODUCTION, return_url: str = "https://www.helloasso.com") -> None:
        if not (organization and client_id and client_secret):
            raise PaymentError("HelloAsso needs [kiosk.helloasso] organization, client_id and "
                               "client_secret_file in seuil.toml")
        self.organization = organization
        self.client_id = client_id
        self.client_secret = client_secret
        self.base_url = base_url.rstrip("/")
        self.return_url = return_url
        self._token: str | None = None
        self._token_until = 0.0

    def _call(self, method: str, path: str, *, body: dict[str, Any] | None = None,
              form: dict[str, str] | None = None, auth: bool = True) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        data: bytes | None = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = f"Bearer {self._access_token()}"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                result: dict[str, Any] = json.loads(response.read() or b"{}")
                return result
        except urllib.error.HTTPError as error:
            raise PaymentError(f"HelloAsso answered {error.code} to {method} {path}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise PaymentError(f"HelloAsso cannot be reached: {error}") from None
        except ValueError:
            raise PaymentError(f"HelloAsso sent something that is not JSON for {path}") from None

    def _access_token(self) -> str:
        if self._token is None or time.monotonic() > self._token_until:
            answer = self._call("POST", "/oauth2/token", auth=False, form={
                "grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self.client_secret})
            token = answer.get("access_token")
            if not isinstance(token, str):
                raise PaymentError("HelloAsso gave no access token (check client_id and the secret)")
            self._token = token
            self._token_until = time.monotonic() + max(int(answer.get("expires_in", 1800)) - 60, 30)
        return self._token

    def _intents(self) -> str:
        return f"/v5/organizations/{urllib.parse.quote(self.organization)}/checkout-intents"

    def create(self, cents: int, label: str, reference: str) -> Checkout:
        answer = self._call("POST", self._intents(), body={
            "totalAmount": cents, "initialAmount": cents, "itemName": label[:250],
            "backUrl": self.return_url, "errorUrl": self.return_url, "returnUrl": self.return_url,
            "containsDonation": False, "metadata": {"reference": reference}})
        if "id" not in answer or "redirectUrl" not in answer:
            raise PaymentError("HelloAsso did not open a checkout")
        return Checkout(str(answer["id"]), str(answer["redirectUrl"]))

    def status(self, checkout_id: str) -> CheckoutStatus:
        answer = self._call("GET", f"{self._intents()}/{urllib.parse.quote(checkout_id)}")
        order = answer.get("order")
        if isinstance(order, dict) and order.get("id") is not None:
            payments = order.get("payments") or []
            states = {p.get("state") for p in payments if isinstance(p, dict)}
            if states & {"Refused", "Canceled", "Refunded"} and "Authorized" not in states:
                return CheckoutStatus(PaymentState.FAILED)
            return CheckoutStatus(PaymentState.PAID, f"helloasso:{order['id']}")
        return CheckoutStatus(PaymentState.PENDING)
