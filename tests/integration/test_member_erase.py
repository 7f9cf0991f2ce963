"""``seuil member erase``: a member with five years of history asks to be forgotten."""

import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from access.bootstrap import open_site
from access.domain.decide import Reason
from access.domain.events import AccessDecided, MemberInducted, SessionReported
from access.hub import messagebus
from access.services.context import EventContext
from access.services.node_snapshots import node_snapshots
from access.services.rules import applied_rules
from access.store.models import LedgerEntry, UsageSession, Visit
from tests.integration.cli_helpers import all_rows, db_dump, run

pytestmark = pytest.mark.both_backends

ADA_UIDS = ("04A1B2C3", "04D1D2D3")
FIRST = datetime(2021, 11, 3, 9, 0, tzinfo=UTC)


def _ok(*argv: str) -> str:
    result = run(*argv)
    assert result.code == 0, (argv, result.err)
    return result.out


def _node_history(member_id: int, bob_id: int, grace_id: int, card: str) -> None:
    """Five years of what the nodes reported, through the hub's own handlers: a print and a
    day at the space (in, out) each month, Ada inducted by Grace at the printer, and Bob by
    Ada."""
    site = open_site()
    events: list[object] = []
    for month in range(60):
        start = FIRST + timedelta(days=30 * month)
        session_id = str(uuid.uuid4())
        for action, ts in (("start", start), ("stop", start + timedelta(minutes=45))):
            events.append(SessionReported(
                "printer", ts, session_id, action, "3d-printer", member_id, start,
                start + timedelta(minutes=45) if action == "stop" else None,
                2700 if action == "stop" else None, "tap" if action == "stop" else None))
        for seq, hours in enumerate((0, 6)):
            events.append(AccessDecided(
                str(uuid.uuid4()), "entrance", month * 2 + seq, start + timedelta(hours=hours),
                str(uuid.uuid4()), "front-door", card, True, Reason.ALLOWED, "members-door",
                member_id))
    events.append(MemberInducted("printer", FIRST - timedelta(days=1), "3d-printer",
                                 "3d-printing", member_id, grace_id))
    events.append(MemberInducted("printer", FIRST + timedelta(days=100), "3d-printer",
                                 "3d-printing", bob_id, member_id))
    with site.store.write() as session:
        context = EventContext(session, site, applied_rules(session).rules, datetime.now(UTC))
        messagebus.handle(context, events)  # type: ignore[arg-type]
    site.store.close()


@pytest.fixture
def ada_for_five_years(site_dir, cli_clock):
    cli_clock.now = FIRST - timedelta(days=2)
    _ok("member", "add", "Ada Byron", "--email", "ada.byron@example.org", "--group", "members",
        "--group", "trainers", "--plan", "monthly", "--from", "2021-11-01", "--until",
        "2022-10-31", "--paid", "--method", "transfer", "--note", "prefers the evening")
    _ok("member", "add", "Grace Hopper", "--group", "trainers")
    _ok("member", "add", "Bob Marley", "--group", "members", "--plan", "monthly",
        "--until", "2099-12-31")
    _ok("training", "grant", "grace", "3d-printing")
    _ok("card", "enroll", "ada", "--uid", ADA_UIDS[0], "--label", "Ada's blue fob")
    _ok("card", "enroll", "ada", "--uid", ADA_UIDS[1])
    _ok("card", "lost", ADA_UIDS[1])
    cli_clock.now = FIRST
    _ok("ledger", "add", "ada", "payment", "50", "--date", "2021-11-02", "--note",
        "Ada Byron's first top-up")
    for year in range(2022, 2026):
        cli_clock.now = datetime(year, 10, 20, 10, tzinfo=UTC)
        _ok("member", "renew", "ada", "--plan", "monthly", "--from", f"{year}-11-01",
            "--until", f"{year + 1}-10-31", "--paid", "--method", "cheque")
        _ok("ledger", "add", "ada", "payment", "30", "--method", "transfer",
            "--reference", f"VIR-{year}-ADA")
    cli_clock.now = datetime(2024, 5, 1, 10, tzinfo=UTC)
    _ok("member", "edit", "ada", "--name", "Ada Lovelace", "--email", "ada@example.org",
        "--ask-me-about", "lace knitting")
    _ok("training", "grant", "bob", "3d-printing", "--by", "ada")
    cli_clock.now = datetime(2026, 11, 20, 10, tzinfo=UTC)
    _ok("member", "renew", "ada", "--plan", "monthly", "--from", "2026-11-01")  # owed
    ada = json.loads(_ok("member", "show", "ada", "--json"))
    bob = json.loads(_ok("member", "show", "bob", "--json"))
    grace = json.loads(_ok("member", "show", "grace", "--json"))
    site = open_site()
    card = site.hash_uid(ADA_UIDS[0])
    site.store.close()
    _node_history(ada["id"], bob["id"], grace["id"], card)
    trained = json.loads(_ok("training", "list", "--json"))
    assert {(t["member"], t["granted_by"]) for t in trained} == {
        ("Ada Lovelace", "Grace Hopper"), ("Bob Marley", "Ada Lovelace"), ("Grace Hopper", None)}
    return ada["id"]


def _books(db: str) -> tuple[list[tuple[int, int, str]], int, int]:
    from sqlalchemy.orm import Session

    from access.store.engine import make_engine

    engine = make_engine(db)
    with Session(engine) as session:
        ledger = [tuple(r) for r in session.execute(
            select(LedgerEntry.id, LedgerEntry.cents, LedgerEntry.kind).order_by(LedgerEntry.id))]
        sessions = session.scalar(select(func.count()).select_from(UsageSession)) or 0
        visits = session.scalar(select(func.count()).select_from(Visit)) or 0
    engine.dispose()
    return ledger, sessions, visits  # type: ignore[return-value]


def test_an_erased_member_is_gone_but_the_books_still_add_up(ada_for_five_years, db, cli_clock):
    member_id = ada_for_five_years
    site = open_site()
    hashes = [site.hash_uid(uid) for uid in ADA_UIDS]
    site.store.close()
    books = _books(db)
    balance = json.loads(_ok("ledger", "balance", "ada", "--json"))
    assert len(books[0]) > 60 and books[1] == 60 and books[2] == 60
    before = all_rows(db)
    assert "Ada Byron" in before and hashes[0] in before  # the history really names her

    result = run("member", "erase", "ada", "--yes")
    assert result.code == 0, result.err
    assert f"erased #{member_id}" in result.out

    after = all_rows(db)
    for personal in ("Lovelace", "Byron", "ada@example.org", "ada.byron@example.org",
                     "prefers the evening", "blue fob", "lace knitting", *hashes, *(h[:8] for h in hashes)):
        assert personal.casefold() not in after.casefold(), personal
    # The books: every entry, amount and kind as before; the sessions and visits counted.
    assert _books(db) == books
    kept = json.loads(_ok("ledger", "balance", f"#{member_id}", "--json"))
    assert (kept["cents"], kept["dues_owed_cents"]) == (balance["cents"], balance["dues_owed_cents"])
    assert kept["member"] == f"erased #{member_id}"
    listed = _ok("ledger", "list", f"#{member_id}")
    rows = [line for line in listed.splitlines()[1:] if f"erased #{member_id}" in line]
    assert len(rows) == len(books[0]) - 1  # every entry but Bob's dues
    assert any(f"erased #{member_id}'s first top-up" in line for line in rows)
    # Her own training is gone; Bob stays trained: the trainer is the anonymous id.
    assert sorted(t["member"] for t in json.loads(_ok("training", "list", "--json"))) == [
        "Bob Marley", "Grace Hopper"]
    # Bob stays trained: the trainer is the anonymous id.
    bob = json.loads(_ok("training", "list", "--member", "bob", "--json"))
    assert [(t["skill"], t["granted_by"], t["valid"]) for t in bob] == [
        ("3d-printing", f"erased #{member_id}", True)]
    # The nodes' snapshots still build (the revoked cards' hashes are well-formed) and hold
    # none of hers.
    site = open_site()
    with site.store.read() as session:
        snapshots = node_snapshots(session, site, ["entrance", "printer"])
    site.store.close()
    assert all(not set(s.payload.cards) & set(hashes) for s in snapshots)
    # Her badges open nothing, and may be given to someone else.
    explained = run("rules", "explain", "--uid", ADA_UIDS[0], "front-door", "--json")
    assert explained.code == 1 and json.loads(explained.out)["reason"] == "unknown_card"
    _ok("card", "enroll", "bob", "--uid", ADA_UIDS[0])
    # Nobody finds her any more; her id names only the anonymous entries.
    assert "Ada" not in _ok("member", "list")
    assert run("member", "show", "ada").code == 1
    edited = run("member", "edit", f"#{member_id}", "--name", "Ada Lovelace")
    assert edited.code == 1 and "was erased" in edited.err
    audit = json.loads(_ok("audit", "--json"))
    assert audit[-2]["action"] == "member.erase"
    assert audit[-2]["target"] == f"erased #{member_id}"
    assert audit[-2]["details"]["ledger_entries_kept"] == len(books[0]) - 1


def test_erase_asks_for_the_id_and_a_wrong_answer_changes_nothing(ada_for_five_years, db,
                                                                   monkeypatch):
    member_id = ada_for_five_years
    before = db_dump(db)
    for answer in ("", "y\n", f"{member_id + 1}\n"):
        monkeypatch.setattr("sys.stdin", io.StringIO(answer))
        result = run("member", "erase", "ada")
        assert result.code == 1
        assert "Erase Ada Lovelace" in result.out and "60 sessions" not in result.out
        assert "kept:" in result.out and "ledger entries" in result.out
        assert result.err.splitlines()[0] == "seuil: not confirmed: nothing erased"
        assert db_dump(db) == before
    monkeypatch.setattr("sys.stdin", io.StringIO(f"#{member_id}\n"))
    assert run("member", "erase", "ada").code == 0
    assert run("member", "show", "ada").code == 1


def test_a_member_with_a_running_session_is_not_erased(ada_for_five_years, db):
    site = open_site()
    started = datetime(2026, 11, 20, 9, tzinfo=UTC)
    with site.store.write() as session:
        context = EventContext(session, site, applied_rules(session).rules, started)
        messagebus.handle(context, [SessionReported(
            "printer", started, str(uuid.uuid4()), "start", "3d-printer", ada_for_five_years,
            started, None, None, None)])
    site.store.close()
    before = db_dump(db)
    result = run("member", "erase", "ada", "--yes")
    assert result.code == 1
    assert result.err.splitlines() == [
        "seuil: Ada Lovelace has a session running on 3d-printer: end it first",
        "  hint: seuil resource stop 3d-printer"]
    assert db_dump(db) == before
