"""The services behind the kiosk: day passes, door codes, spare badges, the welcome, payments."""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import msgspec
import pytest
from sqlalchemy import select

from access.bus.topics import Topics
from access.config import MailConfig
from access.domain.decide import Reason
from access.errors import Conflict, InvalidInput, NotFound, Unavailable
from access.hub.intake import Ingestor
from access.mail import MailError
from access.payments.helloasso import HelloAssoProvider
from access.payments.provider import PaymentError, PaymentState
from access.services import day_passes, housekeeping, receipts
from access.services.accounts import member_balance
from access.services.cards import enroll_card
from access.services.ledger import PaymentMethod
from access.services.screens.welcome import Presence, TapSeen, welcome
from access.store.models import Card, DayPass, LedgerEntry, Visit
from tests.integration.cli_helpers import apply_day_pass_floor, db_dump, run
from tests.integration.hub_helpers import FakeNode, enroll_fake_cards

pytestmark = pytest.mark.both_backends

MORNING = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)  # 09:00 in Paris, a Wednesday
CARD_A = "a" * 64
CARD_B = "b" * 64


@pytest.fixture
def site(site_dir):
    from access.bootstrap import open_site

    for argv in (("member", "add", "Ada Lovelace", "--email", "ada@example.org", "--group", "members",
                  "--plan", "monthly", "--from", "2026-11-01"),
                 ("training", "grant", "ada", "3d-printing")):
        result = run(*argv)
        assert result.code == 0, result.err
    opened = open_site()
    enroll_fake_cards(opened, [1, 2])  # the cards FakeNode taps for them
    opened.now = lambda: MORNING
    yield opened
    opened.store.close()


def test_a_day_pass_is_a_visitor_with_a_membership_until_the_cutoff_and_a_balanced_ledger(site):
    offer = day_passes.offer(site)
    assert (offer.suggested_cents, offer.floor_cents) == (1000, 0)
    assert offer.presets_cents == (0, 500, 1000, 1500, 2000)
    assert offer.valid_until == datetime(2026, 11, 19, 3, 0, tzinfo=UTC)  # 04:00 Paris
    sold = day_passes.sell(site, cents=700, method=PaymentMethod.CASH, name="  Camille  ", with_code=True)
    assert sold.name == "Camille" and sold.valid_until == offer.valid_until
    assert sold.code is not None and len(sold.code) == 6 and sold.code.isdigit()
    with site.store.read() as session:
        entries = session.execute(select(LedgerEntry.kind, LedgerEntry.cents, LedgerEntry.method)
                                  .where(LedgerEntry.member_id == sold.member_id)
                                  .order_by(LedgerEntry.id)).all()
        stored = session.get(DayPass, sold.id)
        assert stored is not None and stored.code_hash != sold.code  # only a keyed hash is kept
    assert entries == [("charge", -700, None), ("payment", 700, "cash")]
    assert member_balance(site, str(sold.member_id)).cents == 0
    checked = day_passes.check_code(site, f"{sold.code[:3]} {sold.code[3:]}")
    assert (checked.pass_id, checked.name) == (sold.id, "Camille")


def test_a_free_pass_writes_no_money_and_bad_amounts_change_nothing(site, db):
    free = day_passes.sell(site, cents=0, method=PaymentMethod.CASH)
    assert free.name == "Visitor"
    with site.store.read() as session:
        assert session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == free.member_id)).all() == []
    before = db_dump(db)
    with pytest.raises(InvalidInput, match="at most"):
        day_passes.sell(site, cents=10_000_000, method=PaymentMethod.CASH)
    with pytest.raises(InvalidInput, match="cash box or online"):
        day_passes.sell(site, cents=500, method=PaymentMethod.TRANSFER)
    paid = day_passes.sell(site, cents=500, method=PaymentMethod.ONLINE, payment_reference="helloasso:42")
    after_one = db_dump(db)
    with pytest.raises(Conflict, match="already in the ledger"):
        day_passes.sell(site, cents=500, method=PaymentMethod.ONLINE, payment_reference="helloasso:42")
    assert db_dump(db) == after_one != before
    assert paid.method == "online"


def test_the_floor_is_enforced(site, tmp_path):
    apply_day_pass_floor(site.config.rules_path, tmp_path)
    offer = day_passes.offer(site)
    assert offer.floor_cents == 300 and offer.presets_cents == (500, 1000, 1500, 2000)
    with pytest.raises(InvalidInput, match=r"the least you can pay is 3\.00"):
        day_passes.sell(site, cents=200, method=PaymentMethod.CASH)


def test_wrong_and_ended_codes_open_nothing(site):
    sold = day_passes.sell(site, cents=0, method=PaymentMethod.CASH, with_code=True)
    assert sold.code is not None
    wrong = f"{(int(sold.code) + 1) % 1_000_000:06d}"
    with pytest.raises(NotFound, match="not valid"):
        day_passes.check_code(site, wrong)
    with pytest.raises(InvalidInput, match="6 digits"):
        day_passes.check_code(site, "12ab")
    site.now = lambda: sold.valid_until + timedelta(minutes=1)
    housekeeping.end_of_day(site)
    with pytest.raises(NotFound):
        day_passes.check_code(site, sold.code)


def test_a_spare_badge_is_bound_to_a_visitor_and_rebound_the_next_day_but_never_a_members(site):
    enroll_card(site, "ada", card_hash=CARD_B)
    first = day_passes.sell(site, cents=0, method=PaymentMethod.CASH)
    card = day_passes.bind_card(site, first.id, CARD_A)
    assert card.member_id == first.member_id and card.label == "day pass"
    assert day_passes.bind_card(site, first.id, CARD_A).id == card.id  # tapping twice is harmless
    with pytest.raises(Conflict, match="belongs to someone else"):
        day_passes.bind_card(site, first.id, CARD_B)
    second = day_passes.sell(site, cents=0, method=PaymentMethod.CASH)
    with pytest.raises(Conflict, match="belongs to someone else"):  # the first visitor is still in
        day_passes.bind_card(site, second.id, CARD_A)
    site.now = lambda: first.valid_until + timedelta(hours=5)
    third = day_passes.sell(site, cents=0, method=PaymentMethod.CASH)
    assert day_passes.bind_card(site, third.id, CARD_A).member_id == third.member_id
    with site.store.read() as session:
        assert len(session.scalars(select(Card).where(Card.card_hash == CARD_A)).all()) == 1
    with pytest.raises(Conflict, match="has ended"):
        day_passes.bind_card(site, first.id, CARD_A)


def _seen(event_id: str, at: datetime, *, allowed: bool = True, reason: Reason = Reason.ALLOWED,
          resource: str = "front-door", member_id: int | None = 1) -> TapSeen:
    return TapSeen(event_id, at, resource, allowed, reason, member_id)


def test_the_welcome_toggles_in_and_out_like_the_hub_and_reminds_a_forgotten_checkout(site):
    door = FakeNode(Topics(site.config.site.id), "entrance", "front-door")
    ingestor = Ingestor(site)
    yesterday = MORNING - timedelta(days=1)
    site.now = lambda: yesterday
    ingestor.ingest(door.tap(1, yesterday))
    site.now = lambda: MORNING
    housekeeping.end_of_day(site)  # yesterday's stay closed by the cut-off: flagged
    seen = welcome(site, _seen("t1", MORNING))
    assert seen.first_name == "Ada" and seen.presence is Presence.IN
    assert seen.forgot_checkout_on == yesterday.date()
    assert seen.status == "active" and seen.plan == "monthly"
    assert seen.last_day == datetime(2026, 11, 30).date() and seen.days_left == 13
    assert seen.trained_on == ["Prusa MK4"]
    messages = door.tap(1, MORNING)
    ingestor.ingest(messages)  # the hub stores the first tap
    stored_id = json.loads(messages[1].payload)["event_id"]
    again = welcome(site, _seen(stored_id, MORNING))  # the same tap, seen again: still in
    assert again.presence is Presence.IN and again.forgot_checkout_on is None  # reminded once
    later = MORNING + timedelta(hours=3)
    site.now = lambda: later
    out = welcome(site, _seen("t2", later))
    assert out.presence is Presence.OUT
    ingestor.ingest(door.tap(1, later))
    with site.store.read() as session:
        visits = session.scalars(select(Visit.checked_out_at)
                                 .where(Visit.service_day == MORNING.date())).all()
    assert [out is not None for out in visits] == [True]  # the hub agrees: in, then out


def test_the_welcome_of_a_denied_tap_says_why_with_what_is_needed(site):
    assert run("ledger", "add", "ada", "charge", "12.50").code == 0
    denied = welcome(site, _seen("t3", MORNING, allowed=False, reason=Reason.NOT_ENOUGH_CREDIT,
                                 resource="3d-printer"))
    assert denied.presence is Presence.NONE
    assert denied.balance_cents == -1250 and denied.month_cents == 1250
    unknown = welcome(site, _seen("t4", MORNING, allowed=False, reason=Reason.UNKNOWN_CARD, member_id=None))
    assert unknown.first_name is None


class _HelloAsso(BaseHTTPRequestHandler):
    """Plays HelloAsso's three endpoints on loopback."""

    paid: set[str] = set()  # noqa: RUF012

    def log_message(self, *args) -> None:
        pass

    def _send(self, code: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        if self.path == "/oauth2/token":
            form = parse_qs(body.decode())
            if form.get("client_secret") != ["s3cret"]:
                return self._send(401, {"error": "invalid_client"})
            return self._send(200, {"access_token": "tok", "expires_in": 1800})
        if self.headers["Authorization"] != "Bearer tok":
            return self._send(401, {})
        intent = json.loads(body)
        assert intent["totalAmount"] == intent["initialAmount"]
        return self._send(200, {"id": 77, "redirectUrl": "https://checkout.example/77"})

    def do_GET(self) -> None:
        if self.path.endswith("/77") and "77" in self.paid:
            return self._send(200, {"id": 77, "order": {"id": 9001, "payments": [{"state": "Authorized"}]}})
        return self._send(200, {"id": 77})


def test_the_helloasso_provider_opens_a_checkout_and_sees_it_paid():
    server = HTTPServer(("127.0.0.1", 0), _HelloAsso)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        provider = HelloAssoProvider("la-ruche", "id", "s3cret", base_url=base)
        checkout = provider.create(700, "Day pass", "daypass-kiosk-1")
        assert checkout.url == "https://checkout.example/77"
        assert provider.status(checkout.id).state is PaymentState.PENDING
        _HelloAsso.paid.add("77")
        paid = provider.status(checkout.id)
        assert (paid.state, paid.reference) == (PaymentState.PAID, "helloasso:9001")
        with pytest.raises(PaymentError, match="answered 401"):
            HelloAssoProvider("la-ruche", "id", "wrong", base_url=base).create(700, "x", "y")
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(PaymentError, match="cannot be reached"):
        provider.status("77")
    with pytest.raises(PaymentError, match="needs"):
        HelloAssoProvider("", "id", "s")


class FakeMailer:
    """A ``Mailer`` that keeps what it is given, or refuses it."""

    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.messages = []

    def send(self, message) -> None:
        if self.refuse:
            raise MailError(self.refuse)
        self.messages.append(message)


def test_a_receipt_goes_through_the_mailer_the_kiosk_gives_it(site):
    sold = day_passes.sell(site, cents=700, method=PaymentMethod.CASH, name="Camille")
    site.config = msgspec.structs.replace(site.config, mail=MailConfig(host="smtp.example.org"))
    mailer = FakeMailer()
    sent_to = receipts.send(site, " camille@example.org ", "Pass", ["7,00 €"], sold, mailer)
    assert sent_to == "camille@example.org"
    (message,) = mailer.messages
    assert message["To"] == "camille@example.org" and message["From"] == "seuil@smtp.example.org"
    assert message["Subject"].endswith(f"Pass #{sold.id}")
    with pytest.raises(InvalidInput):
        receipts.send(site, "camille at example", "Pass", [], sold, mailer)
    with pytest.raises(Unavailable, match=r"could not be sent \(no route\)"):
        receipts.send(site, "camille@example.org", "Pass", [], sold, FakeMailer(refuse="no route"))
    site.config = msgspec.structs.replace(site.config, mail=MailConfig())
    with pytest.raises(Unavailable, match="sends no e-mail"):
        receipts.send(site, "camille@example.org", "Pass", [], sold)  # no [mail] host: no SMTP mailer
