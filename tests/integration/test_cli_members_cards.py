import json
import os
import stat
from pathlib import Path

import pytest

from tests.integration.cli_helpers import all_rows, db_dump, run

pytestmark = pytest.mark.both_backends


def test_init_writes_a_working_site_with_private_secret(site_dir, backend):
    assert stat.S_IMODE(os.stat(site_dir / "secret.key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(site_dir / "seuil.toml").st_mode) == 0o640
    if backend == "sqlite":  # the database file: never world-readable
        assert stat.S_IMODE(os.stat(site_dir / "seuil.db").st_mode) == 0o640
    assert 'name = "La Ruche"' in (site_dir / "seuil.toml").read_text()
    assert 'id = "la-ruche"' in (site_dir / "seuil.toml").read_text()
    show = run("rules", "show")
    assert show.code == 0 and show.out.startswith("version 1")


def test_init_refuses_to_overwrite_and_changes_nothing(site_dir, db):
    before = db_dump(db)
    secret = (site_dir / "secret.key").read_text()
    result = run("init", str(site_dir))
    assert result.code == 1
    assert "refusing to overwrite" in result.err
    assert (site_dir / "secret.key").read_text() == secret
    assert db_dump(db) == before


def test_admin_adds_a_member_and_finds_them_by_prefix_email_and_id(ada):
    listed = json.loads(run("member", "list", "--json").out)
    assert [m["name"] for m in listed] == ["Ada Lovelace"]
    member = listed[0]
    assert set(member) == {"id", "name", "email", "groups", "status", "plan", "valid_until",
                           "show_on_dashboard"}
    assert (member["status"], member["plan"], member["groups"]) == ("active", "monthly", ["members"])
    for ref in ("ADA", "ada@example.org", f"#{member['id']}", str(member["id"]), "lovel"):
        shown = run("member", "show", ref, "--json")
        assert shown.code == 0, shown.err
        assert json.loads(shown.out)["email"] == "ada@example.org"


def test_until_date_includes_that_whole_day_up_to_the_cutoff(ada):
    detail = json.loads(run("member", "show", "ada", "--json").out)
    assert detail["memberships"][0]["valid_until"] == "2100-01-01T03:00:00+00:00"  # 04:00 Paris
    assert run("member", "list").out.splitlines()[1].endswith("monthly  2099-12-31")


def test_unknown_member_is_one_line_and_changes_nothing(ada, db):
    before = db_dump(db)
    result = run("card", "enroll", "Zoe", "--uid", "04A1B2C3")
    assert result.code == 1
    assert result.err.splitlines() == ['seuil: no member matches "Zoe"',
                                       "  hint: see `seuil member list`"]
    assert db_dump(db) == before


def test_ambiguous_prefix_lists_the_candidates_but_a_whole_word_wins(ada):
    run("member", "add", "Adam Smith")
    result = run("member", "show", "ad")
    assert result.code == 1
    assert 'seuil: "ad" matches 2 members: Ada Lovelace (#1), Adam Smith (#2)' in result.err
    assert json.loads(run("member", "show", "ADA", "--json").out)["name"] == "Ada Lovelace"
    assert json.loads(run("member", "show", "adam", "--json").out)["name"] == "Adam Smith"
    assert run("member", "add", "Élodie Durand").code == 0
    assert json.loads(run("member", "show", "elo", "--json").out)["name"] == "Élodie Durand"


def test_duplicate_email_is_refused(ada, db):
    before = db_dump(db)
    result = run("member", "add", "Ada Bis", "--email", "ADA@example.org")
    assert result.code == 1
    assert "already the email of Ada Lovelace" in result.err
    assert db_dump(db) == before


def test_unknown_group_and_plan_suggest_the_right_one(site_dir, db):
    before = db_dump(db)
    group = run("member", "add", "Bob", "--group", "volunteerz")
    plan = run("member", "add", "Bob", "--plan", "montly")
    assert 'unknown group "volunteerz" (did you mean "volunteers"?)' in group.err
    assert 'unknown plan "montly" (did you mean "monthly"?)' in plan.err
    assert (group.code, plan.code) == (1, 1)
    assert db_dump(db) == before


def test_card_enroll_then_duplicate_card_is_refused(ada, db):
    first = run("card", "enroll", "ada", "--uid", "04:a1:b2:c3", "--label", "blue fob")
    assert first.code == 0 and "enrolled card #1" in first.out
    run("member", "add", "Bob Martin")
    before = db_dump(db)
    again = run("card", "enroll", "bob", "--uid", "04A1B2C3")
    assert again.code == 1
    assert again.err.splitlines()[0] == (
        "seuil: this card is already enrolled to Ada Lovelace (#1), status active")
    assert db_dump(db) == before


def test_malformed_uid_is_one_line_and_changes_nothing(ada, db):
    before = db_dump(db)
    result = run("card", "enroll", "ada", "--uid", "04A1B2")
    assert result.code == 1
    assert result.err.strip() == (
        'seuil: "04A1B2" is 6 hex digits; a card UID is 8, 14 or 20 (4, 7 or 10 bytes)')
    assert db_dump(db) == before


def test_uids_are_never_stored_in_clear(ada, db):
    # (the sample rules.toml quotes 04A1B2C3 in a comment, so use a UID found nowhere else)
    assert run("card", "enroll", "ada", "--uid", "5E:11:7C:9D").code == 0
    rows = all_rows(db)
    assert "card_hash" not in rows and "cards: (1," in rows
    assert "5E117C9D" not in rows.upper()
    if db.startswith("sqlite:///"):  # the files themselves, WAL included
        files = Path(db.removeprefix("sqlite:///")).parent.glob("seuil.db*")
        raw = b"".join(f.read_bytes() for f in files)
        assert raw
        assert b"5E117C9D" not in raw.upper()
        assert bytes.fromhex("5E117C9D") not in raw


def test_lost_card_is_denied_then_found_again(ada):
    run("card", "enroll", "ada", "--uid", "04A1B2C3")
    assert run("card", "lost", "04A1B2C3").code == 0
    denied = run("rules", "explain", "--uid", "04A1B2C3", "front-door", "--at",
                 "2026-11-23T10:00", "--json")
    assert denied.code == 1
    assert json.loads(denied.out)["reason"] == "card_revoked"
    assert run("card", "found", "#1").code == 0
    assert run("rules", "explain", "--uid", "04A1B2C3", "front-door", "--at",
               "2026-11-23T10:00").code == 0
    assert run("card", "revoke", "04A1B2C3").code == 0
    again = run("card", "found", "04A1B2C3")
    assert again.code == 1 and "is revoked; it cannot become active" in again.err
    listed = json.loads(run("card", "list", "--json").out)
    assert [(c["status"], c["label"]) for c in listed] == [("revoked", "")]
    assert set(listed[0]) == {"id", "member_id", "member", "status", "label", "enrolled_at",
                              "fingerprint"}


def test_suspend_and_resume(ada):
    run("card", "enroll", "ada", "--uid", "04A1B2C3")
    assert run("member", "suspend", "ada", "--reason", "unpaid").code == 0
    result = run("rules", "explain", "--uid", "04A1B2C3", "front-door", "--at", "2026-11-23T10:00",
                 "--json")
    assert json.loads(result.out)["reason"] == "member_suspended"
    assert run("member", "suspend", "ada").code == 1
    assert run("member", "resume", "ada").code == 0
    assert json.loads(run("member", "show", "ada", "--json").out)["status"] == "active"


def test_edit_groups_and_dashboard_opt_in(ada):
    result = run("member", "edit", "ada", "--add-group", "volunteers", "--show-on-dashboard")
    assert result.code == 0, result.err
    detail = json.loads(run("member", "show", "ada", "--json").out)
    assert detail["groups"] == ["members", "volunteers"]
    assert detail["show_on_dashboard"] is True
    assert run("member", "edit", "ada").code == 1  # nothing to change
    assert run("member", "edit", "ada", "--remove-group", "admins").code == 1


def test_renew_adds_a_period(site_dir):
    run("member", "add", "Vic Visitor", "--plan", "day-pass")
    run("member", "renew", "vic", "--plan", "monthly", "--from", "2099-01-01")
    detail = json.loads(run("member", "show", "vic", "--json").out)
    assert [m["plan"] for m in detail["memberships"]] == ["day-pass", "monthly"]
    assert detail["memberships"][1]["valid_until"].startswith("2099-02-01T03:00")


def test_training_grant_list_revoke(ada):
    run("member", "add", "Grace Hopper", "--group", "trainers")
    granted = run("training", "grant", "ada", "3d-printing", "--by", "grace",
                  "--expires", "2099-06-30")
    assert granted.code == 0, granted.err
    rows = json.loads(run("training", "list", "--json").out)
    assert [(r["member"], r["skill"], r["granted_by"], r["valid"]) for r in rows] == [
        ("Ada Lovelace", "3d-printing", "Grace Hopper", True)]
    typo = run("training", "grant", "ada", "3d-printng")
    assert typo.code == 1 and '(did you mean "3d-printing"?)' in typo.err
    assert run("training", "revoke", "ada", "3d-printing").code == 0
    assert run("training", "revoke", "ada", "3d-printing").code == 1
    assert json.loads(run("training", "list", "--json").out) == []


def test_bad_dates_and_amounts_are_invalid_input(ada, db):
    before = db_dump(db)
    assert "is not a date" in run("member", "renew", "ada", "--plan", "monthly",
                                  "--until", "31/12/2026").err
    assert "is not an amount" in run("member", "renew", "ada", "--plan", "monthly",
                                     "--paid", "lots").err
    assert db_dump(db) == before


@pytest.mark.both_backends
def test_an_id_too_large_for_any_database_is_a_one_line_error(ada):
    for ref in ("99999999999999999999", "#99999999999999999999"):
        result = run("member", "show", ref)
        assert result.code == 1
        assert result.err.splitlines() == ["seuil: no member has id 99999999999999999999"]


def test_adding_a_name_that_exists_in_other_case_asks_for_same_name_ok(ada, db):
    before = db_dump(db)
    result = run("member", "add", "ada lovelace", "--group", "members")
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        'seuil: "Ada Lovelace" (#1) already has that name; to add another person of the same '
        "name, add --same-name-ok")
    assert db_dump(db) == before
    assert run("member", "show", "Ada Lovelace").code == 0  # still one Ada
    renamed = run("member", "add", "Grace Hopper")
    assert renamed.code == 0
    assert run("member", "edit", "grace", "--name", "ADA LOVELACE").code == 1
    assert run("member", "add", "ada lovelace", "--same-name-ok").code == 0


def test_a_card_id_typed_without_its_hash_is_told_to_write_it_with_one(ada, db):
    run("card", "enroll", "ada", "--uid", "04A1B2C3")
    before = db_dump(db)
    result = run("card", "lost", "1")
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        'seuil: "1" is not a card UID; card ids are written with a # (did you mean "#1"?)')
    assert db_dump(db) == before
    assert run("card", "lost", "#1").code == 0


def test_init_in_a_relative_folder_prints_an_export_that_survives_a_cd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEUIL_DATABASE_URL", raising=False)
    result = run("init", "mysite", "--site-name", "La Ruche")
    assert result.code == 0, result.err
    assert f"  export SEUIL_CONFIG={tmp_path / 'mysite' / 'seuil.toml'}" in result.out.splitlines()


def test_a_member_without_a_plan_is_said_to_have_no_membership(site_dir):
    result = run("member", "add", "Root Admin", "--group", "admins")
    assert result.code == 0, result.err
    assert result.out.strip() == "added Root Admin (#1): no membership"


def test_a_member_says_what_they_help_with_and_a_typo_changes_nothing(ada):
    result = run("member", "edit", "ada", "--ask-me-about", "3D printing, sewing")
    assert result.code == 0, result.err
    assert "ask me about: 3D printing, sewing" in run("member", "show", "ada").out
    bad = run("member", "edit", "ada", "--ask-me-about", ", ".join(f"topic {i}" for i in range(6)))
    assert bad.code == 1 and bad.err.count("\n") == 1 and "at most 5 topics" in bad.err
    assert "ask me about: 3D printing, sewing" in run("member", "show", "ada").out
