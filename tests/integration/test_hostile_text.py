"""A hostile member's name ("\\x1b[2J...") never reaches a volunteer's terminal or the kiosk."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from access.bootstrap import open_site
from access.services.screens.roll_call import roll_call
from access.store.models import AuditEntry, Member, Visit
from access.texts import first_name
from tests.integration.cli_helpers import db_dump, run

CLEAR = "\x1b[2J\x1b[H"  # clears the screen
TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
FLIP = "\u202e"  # right-to-left override: the rest reads backwards
EVIL = f"Eve{CLEAR}{TITLE} Mallory{FLIP}"


def _bad(what: str, char: str, at: int) -> str:
    return f"{what} cannot hold control characters ({char} at {at})"


def _long(what: str, most: int, has: int) -> str:
    return f"{what} is at most {most} characters (this one has {has})"


ESC = "\\u001b"
ENROLL = ("card", "enroll", "ada", "--uid", "04A1B2C3", "--label")


@pytest.mark.parametrize(("argv", "message"), [
    (("member", "add", f"Eve{CLEAR}"), _bad("a name", ESC, 4)),
    (("member", "add", f"Eve {FLIP}yrolam"), _bad("a name", "\\u202e", 5)),
    (("member", "add", "E" * 5000), _long("a name", 100, 5000)),
    (("member", "add", "Eve", "--note", f"hi{TITLE}"), _bad("a note", ESC, 3)),
    (("member", "add", "Eve", "--note", "x" * 100_000), _long("a note", 2000, 100_000)),
    (("member", "add", "Eve", "--email", f"eve{CLEAR}@example.org"), _bad("an email", ESC, 4)),
    (("member", "edit", "ada", "--name", f"Ada{CLEAR}"), _bad("a name", ESC, 4)),
    (("member", "edit", "ada", "--note", "\x07"), _bad("a note", "\\u0007", 1)),
    (("member", "suspend", "ada", "--reason", CLEAR), _bad("a reason", ESC, 1)),
    ((*ENROLL, f"fob{CLEAR}"), _bad("a label", ESC, 4)),
    ((*ENROLL, "f" * 500), _long("a label", 100, 500)),
    (("ledger", "add", "ada", "payment", "5", "--reference", f"R{CLEAR}"), _bad("a reference", ESC, 2)),
    (("ledger", "add", "ada", "charge", "5", "--note", f"tea{CLEAR}"), _bad("a note", ESC, 4)),
    (("member", "show", "a" * 1_000_000), "no member matches a 1000000-character name"),
])
def test_control_characters_and_absurd_lengths_are_refused_in_one_line(ada, db, argv, message):
    before = db_dump(db)
    result = run(*argv)
    assert result.code == 1
    assert result.err.splitlines()[0] == f"seuil: {message}"
    assert len(result.err.splitlines()) <= 2  # the message, maybe a hint
    assert "\x1b" not in result.err + result.out
    assert db_dump(db) == before


def test_a_hostile_unix_user_name_is_refused_before_the_audit_log(ada, db, monkeypatch):
    before = db_dump(db)
    monkeypatch.setenv("SUDO_USER", f"root{CLEAR}")
    result = run("member", "add", "Eve Mallory")
    assert result.code == 1
    assert result.err == ("seuil: the Unix user name (SUDO_USER, LOGNAME, USER) cannot hold "
                          "control characters (\\u001b at 5)\n")
    assert db_dump(db) == before


@pytest.fixture
def eve_stored(ada, site_dir):
    """A name stored before the check (an old database, another program): Eve is in."""
    site = open_site()
    now = datetime(2026, 11, 20, 9, tzinfo=UTC)
    with site.store.write() as session:
        eve = Member(name=EVIL, email=None, note=f"note{CLEAR}", show_on_dashboard=True, created_at=now)
        session.add(eve)
        session.flush()
        session.add(Visit(member_id=eve.id, service_day=now.date(), checked_in_at=now))
        session.add(AuditEntry(ts=now, actor=f"mallory{TITLE}", action="member.add",
                               target=f"{EVIL} (#{eve.id})", details={"email": None}))
    site.store.close()
    return EVIL


def test_a_stored_hostile_name_is_shown_escaped_in_every_listing(eve_stored, cli_clock):
    for argv in (("member", "list"), ("member", "show", "eve"), ("ledger", "balance", "--all"),
                 ("audit",), ("report", "visits"), ("member", "show", f"Eve{CLEAR}")):
        result = run(*argv)
        shown = result.out + result.err
        for raw in ("\x1b", "\x07", FLIP):
            assert raw not in shown, (argv, shown)
    shown = run("member", "show", "eve").out
    assert "Eve\\u001b[2J\\u001b[H\\u001b]0;pwned\\u0007 Mallory\\u202e" in shown
    assert "note\\u001b[2J" in shown
    # Scripts get the name exactly as stored: JSON escapes it and reads it back whole.
    assert json.loads(run("member", "show", "eve", "--json").out)["name"] == EVIL


def test_the_kiosk_shows_a_stored_hostile_name_as_text(eve_stored, cli_clock):
    assert first_name(EVIL) == "Eve\\u001b[2J\\u001b[H\\u001b]0;pwned\\u0007"
    site = open_site()
    site.now = lambda: cli_clock.now
    names = [person.name for person in roll_call(site).people]
    site.store.close()
    assert names == ["Eve\\u001b[2J\\u001b[H\\u001b]0;pwned\\u0007 Mallory\\u202e"]
    with open_site().store.read() as session:  # stored as it came: only the showing escapes
        assert session.scalars(select(Member.name).where(Member.id > 1)).one() == EVIL


def test_a_name_typed_at_the_kiosk_loses_its_control_characters(site_dir, cli_clock):
    from access.services import day_passes
    from access.services.ledger import PaymentMethod

    site = open_site()
    site.now = lambda: cli_clock.now
    sold = day_passes.sell(site, cents=500, method=PaymentMethod.CASH, name=f"Eve{CLEAR}{FLIP} M")
    with site.store.read() as session:
        assert session.get_one(Member, sold.member_id).name == "Eve[2J[H M"
    site.store.close()
