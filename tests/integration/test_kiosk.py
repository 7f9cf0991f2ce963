"""The kiosk, driven offscreen like a person would: taps through a real mosquitto, a real SQLite file."""

import json
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

pytest.importorskip("PySide6.QtQuick")

from PySide6.QtQuick import QQuickItem
from sqlalchemy import select

from access import texts
from access.bus.client import make_client
from access.bus.schemas import DecisionEvent, ResourceState, encode
from access.bus.topics import Topics
from access.config import MailConfig
from access.domain.decide import Reason
from access.payments.fake import FakeProvider
from access.services import day_passes
from access.services.ledger import PaymentMethod
from access.store.models import AuditEntry, Card, LedgerEntry
from kiosk.app import KioskWindow
from kiosk.screens import make_bus
from kiosk.screenshots import SCENES, stage
from tests.integration.cli_helpers import apply_day_pass_floor, run
from tests.support.smtp import SmtpServer

SPARE = "c" * 64


def open_all_hours(site_dir) -> None:
    """These tests run at any hour on any day (their clock is the machine's): the sample's door
    hours and holidays would make a day-pass code refused at night. Hours are tested with a
    fixed clock in tests/kiosk and tests/unit."""
    rules = site_dir / "rules.toml"
    text = rules.read_text().replace("holidays = [2026-12-25, 2027-01-01]", "holidays = []")
    text = text.replace('hours = ["Mon-Fri 08:00-20:00", "Sat 10:00-18:00"]',
                        'hours = ["Mon-Sun 00:00-24:00"]')
    assert "Mon-Sun 00:00-24:00" in text and "holidays = []" in text
    rules.write_text(text)
    result = run("rules", "apply", str(rules))
    assert result.code == 0, result.err


@pytest.fixture
def site(site_dir, broker, monkeypatch):
    from access.bootstrap import open_site

    monkeypatch.setenv("SEUIL_MQTT_URL", broker.url)
    for argv in (("member", "add", "Ada Lovelace", "--email", "ada@example.org", "--group", "members",
                  "--plan", "monthly", "--until", "2099-12-31"),
                 ("member", "add", "Bob Marley", "--group", "members", "--plan", "monthly",
                  "--from", "2020-01-01", "--until", "2020-12-31")):
        assert run(*argv, "--price", "0").code == 0  # no dues: these tests are about the kiosk
    open_all_hours(site_dir)
    opened = open_site()
    kiosk_config = msgspec.structs.replace(opened.config.kiosk, payment=("cash", "online"),
                                                          online_provider="fake")
    opened.config = msgspec.structs.replace(opened.config, kiosk=kiosk_config)
    yield opened
    opened.store.close()


class Node:
    """Plays the entrance node: publishes decisions, records the commands it receives, and says
    the door unlocked when asked to (``answers=False``: a node that is down)."""

    def __init__(self, broker, site_id: str, *, answers: bool = True) -> None:
        self.topics = Topics(site_id)
        self.answers = answers
        self.commands: list[tuple[str, dict]] = []
        self.client = make_client(broker.url, f"test-entrance-{uuid.uuid4().hex[:6]}", persistent=False)
        subscribed = threading.Event()
        self.client.on_connect = lambda c, *a: c.subscribe(self.topics.node_commands("entrance"), qos=1)
        self.client.on_subscribe = lambda *a: subscribed.set()
        self.client.on_message = self._on_command
        self.client.loop_start()
        assert subscribed.wait(10)
        self.seq = 0

    def _on_command(self, client, userdata, message) -> None:
        self.commands.append((message.topic, json.loads(message.payload)))
        if self.answers and message.topic.endswith("/unlock"):
            now = datetime.now(UTC)
            state = ResourceState(resource="front-door", node="entrance", ts=now, state="unlocked",
                                  until=now + timedelta(seconds=3))
            client.publish(self.topics.node_state("entrance"), encode(state), qos=1, retain=True)

    def decide(self, member_id: int | None, *, allowed: bool = True, reason: Reason = Reason.ALLOWED,
               card: str = "a" * 64, until: datetime | None = None) -> None:
        """``until``: the decision's date, as a real node sends it (None: an older node's)."""
        self.seq += 1
        decision = DecisionEvent(event_id=uuid.uuid4(), ts=datetime.now(UTC), node="entrance", seq=self.seq,
                                 tap_id=uuid.uuid4(), resource="front-door", card=card, allowed=allowed,
                                 reason=reason, rule="members-door" if allowed else None,
                                 member_id=member_id, until=until, snapshot_version=1)
        info = self.client.publish(self.topics.node_decision("entrance"), encode(decision), qos=1)
        info.wait_for_publish(5)

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def view(qtbot, site):
    provider = FakeProvider(paid_after=2)
    window = KioskWindow.over(site, bus=make_bus(site), provider=provider)
    window.kiosk.model("pass").online.poll.setInterval(50)
    window.window.show()
    window.kiosk.start()
    qtbot.waitUntil(lambda: window.kiosk.bus.is_connected, timeout=10_000)
    yield window
    window.close()


@pytest.fixture
def node(broker, site):
    player = Node(broker, site.config.site.id)
    yield player
    player.stop()


def shown(view) -> dict:
    return view.kiosk.model("welcome").state


def test_a_member_taps_and_is_welcomed_by_first_name_checked_in_then_out(qtbot, view, node):
    node.decide(1)
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    assert shown(view)["title"] == "Bonjour Ada\u00a0!"
    assert "enregistré" in shown(view)["headline"]
    # the plan as rules.toml describes it, never its slug ("Adhésion monthly")
    assert any(line.startswith("Desk membership\u00a0: jusqu'au") for line in shown(view)["lines"])
    assert not any("monthly" in line for line in shown(view)["lines"])
    view.kiosk.go_home()


def test_a_refused_tap_says_why_and_what_to_do(qtbot, view, node):
    node.decide(2, allowed=False, reason=Reason.MEMBERSHIP_EXPIRED)
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    state = shown(view)
    assert state["allowed"] is False
    assert "a pris fin le 31 déc." in state["lines"][0] and "pass journée" in state["lines"][0]


def test_the_refusal_says_what_the_node_decided_in_the_words_of_rules_explain(qtbot, view, node):
    # The node's snapshot still had Bob's old end (1 June 2020); the kiosk shows that date.
    node.decide(2, allowed=False, reason=Reason.MEMBERSHIP_EXPIRED,
                until=datetime(2020, 6, 1, 2, 0, tzinfo=UTC))
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    assert "a pris fin le 31 mai 2020" in shown(view)["lines"][0]
    view.kiosk.go_home()
    node.decide(2, allowed=False, reason=Reason.MEMBERSHIP_EXPIRED)  # what the database says
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    explained = run("rules", "explain", "--member", "bob", "front-door", "--json")
    said = json.loads(explained.out)["message"]["fr"]
    assert shown(view)["lines"][0] == texts.typeset(said, "fr")


def test_a_member_paid_ahead_is_told_the_day_it_starts_not_that_it_ended(qtbot, view, node):
    first = date.today() + timedelta(days=10)
    assert run("member", "add", "Noa Early", "--group", "members", "--plan", "monthly",
               "--from", first.isoformat()).code == 0
    node.decide(3, allowed=False, reason=Reason.MEMBERSHIP_NOT_STARTED)
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    line = shown(view)["lines"][0]
    assert line.startswith("Votre adhésion commence le ") and "pris fin" not in line
    assert texts.short_day(first, "fr") in line
    view.kiosk.go_home()
    node.decide(2, allowed=False, reason=Reason.MEMBERSHIP_NOT_STARTED)  # Bob has nothing to come
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    assert shown(view)["lines"][0].startswith("Vous n'avez pas d'adhésion en cours")


def test_the_language_switch_changes_words_and_money(qtbot, view, node):
    view.kiosk.toggleLanguage()
    assert view.kiosk.language == "en" and view.kiosk.s["home.tap"] == "Tap your badge"
    assert run("ledger", "add", "ada", "payment", "2.50").code == 0
    node.decide(1)
    qtbot.waitUntil(lambda: view.kiosk.screen == "welcome", timeout=5000)
    assert "Balance: €2.50" in shown(view)["lines"]
    view.kiosk.toggleLanguage()
    assert "Solde\u00a0: 2,50\u00a0€" in shown(view)["lines"]


def test_every_screen_returns_home_when_left_alone(qtbot, view):
    view.kiosk.idle_ms = 200
    view.kiosk.idle.warning_s = 1  # "Are you still there?" for a second, then home
    view.kiosk.set_language("en")
    for screen in ("pass", "code", "dashboard"):
        view.kiosk.go(screen)
        qtbot.waitUntil(lambda: view.kiosk.screen == "home", timeout=3000)
    assert view.kiosk.language == "fr"  # the next person starts in the site's language


def _item(root: QQuickItem, name: str) -> QQuickItem | None:
    """The visual item named ``name`` under ``root`` (Loader-made items have no QObject parent)."""
    if root.objectName() == name:
        return root
    for child in root.childItems():
        if (found := _item(child, name)) is not None:
            return found
    return None


def test_the_fire_roll_call_is_one_tap_from_home_and_never_times_out(qtbot, view, node, site):
    """During an evacuation nobody touches the screen for minutes: the list stays. A badge tapped
    meanwhile (a volunteer's) does not replace it with a welcome."""
    view.kiosk.idle_ms = 200
    button = _item(view.window.contentItem(), "rollCallButton")
    assert button is not None and button.isVisible()
    view.kiosk.go("rollcall")
    qtbot.waitUntil(lambda: bool(view.kiosk.model("roll").state.get("made")), timeout=5000)
    qtbot.wait(800)  # four idle times
    assert view.kiosk.screen == "rollcall"
    node.decide(1)
    qtbot.wait(500)
    assert view.kiosk.screen == "rollcall"
    view.kiosk.go("home")


def test_the_printed_roll_call_has_full_names_and_the_time(qtbot, view, site, monkeypatch):
    """Paper is for the emergency services: full names, boxes to tick, when the list was made."""
    import shutil
    import subprocess

    from access.services.visits import record_entry
    from kiosk import roll_call as roll_call_screen

    record_entry(site, event_id=str(uuid.uuid4()), member_id=1, resource="front-door", at=site.now(),
                 rule="members-door")
    monkeypatch.setattr(roll_call_screen, "send_to_printer", lambda path: False)
    view.kiosk.set_language("en")
    view.kiosk.go("rollcall")
    roll = view.kiosk.model("roll")
    qtbot.waitUntil(lambda: bool(roll.state.get("rows")), timeout=5000)
    assert roll.state["rows"][0]["name"] == "Ada L."  # on screen: first names
    made = roll.state["made"]
    roll.printList()
    (pdf,) = site.config.data_dir.glob("roll-call-*.pdf")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is in install.sh's test packages"
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Ada Lovelace" in text and made in text and "Fire roll-call" in text
    view.kiosk.go("home")


def _wait_step(qtbot, flow, step: str) -> None:
    qtbot.waitUntil(lambda: flow.state.get("step") == step and not flow.state.get("busy"), timeout=5000)


def _to_amount(qtbot, view):
    """Home -> day pass: the amount step; returns the flow's view-model."""
    flow = view.kiosk.model("pass")
    view.kiosk.go("pass")
    _wait_step(qtbot, flow, "amount")
    return flow


def test_a_day_pass_paid_in_the_cash_box_with_a_door_code_that_opens_the_door(qtbot, view, node, site):
    flow = _sell_cash_pass_with_code(qtbot, view, 700)
    code = flow.state["code"]
    assert len(code) == 6 and any("7,00\u00a0€ (espèces)" in line for line in flow.state["receipt"])
    with site.store.read() as session:
        entries = session.execute(select(LedgerEntry.kind, LedgerEntry.cents, LedgerEntry.method)
                                  .order_by(LedgerEntry.id)).all()
    assert entries == [("charge", -700, None), ("payment", 700, "cash")]
    qtbot.waitUntil(lambda: flow.state.get("door") == "opened", timeout=5000)  # the door opened at once
    view.kiosk.go_home()
    view.kiosk.go("code")  # back from a coffee: the code opens it again
    view.kiosk.model("code").submit(code)
    qtbot.waitUntil(lambda: bool(view.kiosk.model("code").state.get("opened")), timeout=5000)
    qtbot.waitUntil(lambda: len(node.commands) == 2, timeout=5000)
    assert [topic.rsplit("/", 1)[-1] for topic, _ in node.commands] == ["unlock", "unlock"]
    assert "kiosk, day pass" in node.commands[0][1]["actor"]
    assert "kiosk code, day pass" in node.commands[1][1]["actor"]


def test_a_good_code_with_the_entrance_node_down_never_says_the_door_is_open(qtbot, view, broker, site):
    down = Node(broker, site.config.site.id, answers=False)  # the broker is up, the node is not
    try:
        sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name="Camille", with_code=True)
        view.kiosk.go("code")
        codes = view.kiosk.model("code")
        codes.submit(sold.code)
        qtbot.waitUntil(lambda: codes.state.get("message") == "Ouverture de la porte…", timeout=5000)
        qtbot.waitUntil(lambda: "ne répond pas" in codes.state.get("message", ""), timeout=6000)
        assert codes.state["opened"] is False and down.commands
    finally:
        down.stop()


def test_wrong_codes_lock_the_keypad_after_five_tries(qtbot, view, node):
    codes = view.kiosk.model("code")
    view.kiosk.go("code")
    for _ in range(5):
        codes.submit("000000")
        qtbot.wait(50)
    qtbot.waitUntil(lambda: "Trop d'essais" in codes.state.get("message", ""), timeout=5000)
    assert node.commands == []


def test_a_day_pass_paid_online_through_the_provider_with_a_spare_badge(qtbot, view, node, site):
    flow = _to_amount(qtbot, view)
    flow.chooseText("12,5")  # cash and the QR code side by side
    qtbot.waitUntil(lambda: flow.state.get("qr", "").startswith("data:image/png;base64,"), timeout=5000)
    _wait_step(qtbot, flow, "done")  # the fake provider says paid on its second poll
    assert flow.state["canCard"] is True
    flow.credential("card")
    _wait_step(qtbot, flow, "card")
    node.decide(None, allowed=False, reason=Reason.UNKNOWN_CARD, card=SPARE)
    _wait_step(qtbot, flow, "done")
    assert view.kiosk.screen == "pass"  # the spare badge's tap did not open a welcome
    assert "Votre badge ouvre la porte" in flow.state["cardBound"] and flow.state["canCard"] is False
    with site.store.read() as session:
        card = session.scalars(select(Card).where(Card.card_hash == SPARE)).one()
        payment = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "payment")).one()
        assert card.label == "day pass" and payment.cents == 1250 and payment.method == "online"
        assert payment.reference == "order-fake-1"


def test_an_amount_under_the_floor_is_refused_kindly(qtbot, view, site, tmp_path):
    apply_day_pass_floor(site.config.rules_path, tmp_path)
    flow = _to_amount(qtbot, view)
    flow.chooseText("1")
    assert flow.state["step"] == "amount" and "minimum est 3,00" in flow.state["error"]
    assert day_passes.offer(site).floor_cents == 300


def _sell_cash_pass_with_code(qtbot, view, cents: int):
    view.kiosk.ctx.provider.paid_after = None  # paying cash, the visitor never scans the QR code
    flow = _to_amount(qtbot, view)
    flow.choose(cents)
    _wait_step(qtbot, flow, "pay")
    flow.cashDone()
    _wait_step(qtbot, flow, "done")
    qtbot.waitUntil(lambda: bool(flow.state.get("code")), timeout=5000)
    return flow


def test_the_receipt_is_emailed_through_the_sites_smtp_server(qtbot, view, site, site_dir):
    (site_dir / "mail.secret").write_text("s3cret\n")
    with SmtpServer(password="s3cret") as smtp:
        site.config = msgspec.structs.replace(site.config, mail=MailConfig(
            host=smtp.host, port=smtp.port, starttls=False, username="kiosk", password_file="mail.secret",
            sender="La Ruche <tresorerie@example.org>"))
        flow = _sell_cash_pass_with_code(qtbot, view, 500)
        flow.details()
        flow.setName("Camille")  # after payment, if they like
        _wait_step(qtbot, flow, "done")
        assert flow.state["canEmail"] is True
        flow.email("camille at example")
        qtbot.waitUntil(lambda: "n'est pas une adresse" in flow.state.get("error", ""), timeout=5000)
        assert smtp.messages == []
        flow.email(" camille@example.org ")
        qtbot.waitUntil(lambda: bool(flow.state.get("emailSent")), timeout=5000)
        assert "camille@example.org" in flow.state["emailSent"]
        (sent,) = smtp.messages
        assert sent.recipients == ["camille@example.org"] and sent.login == ("kiosk", "s3cret")
        assert sent.message["From"] == "La Ruche <tresorerie@example.org>"
        assert sent.message["Subject"].startswith("La Ruche — Reçu #")
        body = sent.message.get_content()
        assert "Camille" in body and "5,00\u00a0€ (espèces)" in body
        (site_dir / "mail.secret").write_text("wrong\n")
        flow.email("camille@example.org")
        qtbot.waitUntil(lambda: "demandez-le à un·e bénévole" in flow.state.get("error", ""), timeout=5000)
    assert len(smtp.messages) == 1
    with site.store.read() as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "receipt.email")).all() \
            == ["receipt.email"]


def _texts(item: QQuickItem):
    for child in item.childItems():
        if child.isVisible():
            if child.inherits("QQuickText"):
                yield child
            yield from _texts(child)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_label_is_cut_off_at_800x480(qtbot, site, language):
    """French is the longer language, but English has its own long lines (the receipt's thanks)."""
    window = KioskWindow.over(site, bus=None, provider=None, size=(800, 480), language=language)
    window.window.show()
    window.kiosk.start()
    problems = []
    try:
        for scene in SCENES:
            stage(window, scene)
            for text in _texts(window.window.contentItem()):
                content = text.property("text")
                if not content:
                    continue
                if text.property("truncated"):
                    problems.append(f"{scene}: cut off: {content!r}")
                elif text.property("contentWidth") > text.width() + 1 and text.width() > 0:
                    problems.append(f"{scene}: too wide: {content!r}")
    finally:
        window.close()
    assert problems == []
