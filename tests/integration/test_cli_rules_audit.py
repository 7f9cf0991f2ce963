import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cli_helpers import db_dump, run

pytestmark = pytest.mark.both_backends


def test_rules_check_of_the_sample_is_ok(site_dir):
    result = run("rules", "check")
    assert result.code == 0
    assert result.out.strip().endswith(
        "ok (4 groups, 2 plans, 3 resources, 2 schedules, 4 rules)")


def test_rules_check_lists_every_problem_one_per_line_then_exits_1(site_dir, tmp_path):
    bad = tmp_path / "bad.toml"
    text = (site_dir / "rules.toml").read_text()
    bad.write_text(text.replace('groups = ["volunteers"]', 'groups = ["volunteerz"]')
                   .replace('node = "entrance"', 'node = "entrence"'))
    result = run("rules", "check", str(bad))
    assert result.code == 1
    lines = result.err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{bad}:") and 'unknown node "entrence"' in lines[0]
    assert 'unknown group "volunteerz" (did you mean "volunteers"?)' in lines[1]
    assert lines[2] == "seuil: 2 problems, nothing changed"


def test_a_broken_rules_file_never_replaces_a_good_one(site_dir, db, tmp_path):
    before = db_dump(db)
    bad = tmp_path / "bad.toml"
    bad.write_text((site_dir / "rules.toml").read_text() + "\n[[rule]\nname = 'x'\n")
    result = run("rules", "apply", str(bad))
    assert result.code == 1 and "TOML syntax" in result.err
    assert db_dump(db) == before
    assert run("rules", "show").out.startswith("version 1")


def test_apply_shows_the_diff_dry_run_changes_nothing_then_applies(site_dir, db):
    rules = site_dir / "rules.toml"
    rules.write_text(rules.read_text().replace("hourly = 2.00", "hourly = 2.50"))
    before = db_dump(db)
    dry = run("rules", "apply", "--dry-run")
    assert dry.code == 0
    assert '~ resource "3d-printer": pricing' in dry.out
    assert "dry run: 1 change, nothing applied" in dry.out
    assert db_dump(db) == before
    applied = run("rules", "apply")
    assert "applied as version 2 (1 change)" in applied.out
    assert run("rules", "apply").out.strip() == "no changes: version 2 stays in force"


def test_removing_a_group_that_still_has_members_is_refused_whole(site_dir, db, ada):
    rules = site_dir / "rules.toml"
    text = rules.read_text()
    rules.write_text(text.replace('[[group]]\nname = "members"', '[[group]]\nname = "adherents"')
                     .replace('groups = ["members", "trainers"]', 'groups = ["adherents"]')
                     .replace('groups = ["members", "volunteers", "trainers"]',
                              'groups = ["adherents"]'))
    before = db_dump(db)
    result = run("rules", "apply")
    assert result.code == 1
    assert 'group "members" still has 1 member;' in result.err
    assert db_dump(db) == before


def test_explain_says_which_rule_allows_and_why_not(site_dir, ada):
    run("card", "enroll", "ada", "--uid", "04A1B2C3")
    allowed = run("rules", "explain", "--uid", "04A1B2C3", "front-door", "--at",
                  "2026-12-23T10:00", "--json")
    assert allowed.code == 0
    body = json.loads(allowed.out)
    assert (body["allowed"], body["reason"], body["rule"]) == (True, "allowed", "members-door")
    closed = run("rules", "explain", "--uid", "04A1B2C3", "front-door", "--at", "2026-12-24T21:30")
    assert closed.code == 1
    assert closed.out.startswith("DENIED: outside_hours (rule members-door)")
    assert "fr: « front-door » est fermé" in closed.out
    christmas = run("rules", "explain", "--member", "ada", "front-door", "--at",
                    "2026-12-25T10:00", "--json")
    assert json.loads(christmas.out)["reason"] == "holiday"
    printer = run("rules", "explain", "--member", "ada", "3d-printer", "--at",
                  "2026-12-23T10:00", "--json")
    assert json.loads(printer.out)["reason"] == "training_required"
    unknown = run("rules", "explain", "--uid", "0BADCAFE", "front-door", "--json")
    assert json.loads(unknown.out)["reason"] == "unknown_card"


def test_explain_tells_a_member_paid_ahead_when_the_membership_starts(site_dir):
    assert run("member", "add", "Noa Early", "--group", "members", "--plan", "monthly",
               "--from", "2027-03-01").code == 0
    early = run("rules", "explain", "--member", "noa", "front-door", "--at", "2027-02-15T10:00")
    assert early.code == 1
    assert early.out.startswith("DENIED: membership_not_started")
    assert "en: Your membership starts on 1 Mar 2027. Until then, take a day pass." in early.out
    body = json.loads(run("rules", "explain", "--member", "noa", "front-door", "--at",
                          "2027-02-15T10:00", "--json").out)
    assert body["until"].startswith("2027-03-01T")
    started = run("rules", "explain", "--member", "noa", "front-door", "--at", "2027-03-01T10:00")
    assert started.code == 0, started.out


def test_explain_of_an_unknown_resource_suggests_one(site_dir, ada):
    result = run("rules", "explain", "--member", "ada", "3d-priner")
    assert result.code == 1
    assert 'unknown resource "3d-priner" (did you mean "3d-printer"?)' in result.err


def test_explain_of_an_unknown_resource_under_json_has_the_shape_of_any_answer(site_dir, ada):
    known = json.loads(run("rules", "explain", "--member", "ada", "front-door", "--json").out)
    result = run("rules", "explain", "--member", "ada", "3d-priner", "--json")
    assert result.code == 1
    body = json.loads(result.out)
    assert set(body) == set(known)
    assert (body["allowed"], body["reason"], body["resource"]) == (
        False, "unknown_resource", "3d-priner")
    assert 'did you mean "3d-printer"?' in result.err


def test_explain_on_a_holiday_says_it_is_one_and_which(site_dir, ada):
    # Friday 25 Dec 2026, 14:00: within the opening hours, but a holiday of the sample rules.
    result = run("rules", "explain", "--member", "ada", "front-door", "--at", "2026-12-25T14:00")
    assert result.code == 1
    assert result.out.startswith("DENIED: holiday (rule members-door)"), result.out
    assert "en: \u201cfront-door\u201d is closed on 25 Dec 2026, a holiday." in result.out
    assert "fr: « front-door » est fermé le 25 déc. 2026, jour férié." in result.out


def test_audit_records_who_changed_what(site_dir, ada, monkeypatch):
    monkeypatch.setenv("SUDO_USER", "camille")
    run("card", "enroll", "ada", "--uid", "04A1B2C3")
    entries = json.loads(run("audit", "--json").out)
    assert [e["action"] for e in entries] == ["rules.apply", "member.add", "card.enroll"]
    assert entries[-1]["actor"].startswith("camille")
    assert entries[-1]["target"] == "card #1"
    assert set(entries[0]) == {"id", "ts", "actor", "action", "target", "details"}
    assert json.loads(run("audit", "--json", "--since", "2099-01-01").out) == []
    assert json.loads(run("audit", "--json", "--limit", "1").out)[0]["action"] == "card.enroll"


def test_usage_errors_exit_2_with_usage(site_dir, db):
    before = db_dump(db)
    for argv in (["membr", "list"], ["member", "add"], ["card", "enroll", "ada"],
                 ["rules", "explain", "front-door"], ["audit", "--limit", "many"]):
        result = run(*argv)
        assert result.code == 2, argv
        assert "usage: seuil" in result.err
    assert db_dump(db) == before


def test_no_config_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SEUIL_CONFIG", str(tmp_path / "nope.toml"))
    result = run("member", "list")
    assert result.code == 1
    assert result.err.splitlines()[0] == f"seuil: no config at {tmp_path / 'nope.toml'}"
    assert "seuil init DIR" in result.err


def test_database_url_override_from_the_environment(site_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SEUIL_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    result = run("member", "list")
    assert result.code == 1 and "no tables yet" in result.err
    assert run("db", "upgrade").code == 0
    assert run("db", "status").code == 0
    assert (tmp_path / "other.db").exists()


def test_bash_completion_script_is_valid_bash_and_knows_the_commands():
    result = run("completion", "bash")
    assert result.code == 0
    assert '["seuil member"]="add list show edit renew suspend resume erase"' in result.out
    assert '["seuil rules explain"]="' in result.out and "--uid" in result.out
    bash = shutil.which("bash")
    assert bash
    checked = subprocess.run([bash, "-n"], input=result.out, text=True, capture_output=True)
    assert checked.returncode == 0, checked.stderr
    words = subprocess.run(
        [bash, "-c", result.out + '\nCOMP_WORDS=(seuil rules ex); COMP_CWORD=2; _seuil; '
         'echo "${COMPREPLY[@]}"'], text=True, capture_output=True)
    assert words.stdout.split() == ["explain"]
    top = subprocess.run(
        [bash, "-c", result.out + '\nCOMP_WORDS=(seuil tra); COMP_CWORD=1; _seuil; '
         'echo "${COMPREPLY[@]}"'], text=True, capture_output=True)
    assert top.stdout.split() == ["training"]


def test_the_installed_console_script_runs(site_dir):
    script = Path(sys.executable).with_name("seuil")
    assert script.exists(), "the package is not installed in this environment"
    env = {**os.environ, "SEUIL_CONFIG": str(site_dir / "seuil.toml")}
    listed = subprocess.run([str(script), "member", "list", "--json"], env=env,
                            capture_output=True, text=True, check=False)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    typo = subprocess.run([str(script), "memebr"], env=env, capture_output=True, text=True)
    assert typo.returncode == 2 and "invalid choice" in typo.stderr


def test_the_rules_in_force_are_read_through_one_use_case(site_dir, tmp_path):
    from access.bootstrap import open_site
    from access.services import rules

    site = open_site()
    try:
        current = rules.current(site)
        assert current.rules.resource("3d-printer") is not None
        assert rules.entrance_node(site) == "entrance"
        changed = tmp_path / "rules.toml"
        changed.write_text((site_dir / "rules.toml").read_text().replace('hourly = 2.00', 'hourly = 3.00'))
        assert run("rules", "apply", str(changed)).code == 0
        assert rules.current(site).version > current.version
    finally:
        site.store.close()


def test_explain_tells_a_member_gone_for_years_when_the_membership_ended(site_dir):
    # The snapshot keeps each member's last membership however old (not only 400 days).
    assert run("member", "add", "Old Timer", "--group", "members", "--plan", "monthly",
               "--from", "2020-01-01", "--until", "2020-12-31").code == 0
    gone = run("rules", "explain", "--member", "old", "front-door", "--at", "2026-12-23T10:00")
    assert gone.code == 1
    assert gone.out.startswith("DENIED: membership_expired")
    assert "en: Your membership ended on 31 Dec 2020." in gone.out, gone.out
    body = json.loads(run("rules", "explain", "--member", "old", "front-door", "--at",
                          "2026-12-23T10:00", "--json").out)
    assert body["until"].startswith("2021-01-01T")


def test_a_rules_file_nested_thousands_deep_is_refused_in_one_line(site_dir, db, tmp_path):
    before = db_dump(db)
    deep = tmp_path / "deep.toml"
    deep.write_text((site_dir / "rules.toml").read_text()
                    + "\n[[schedule]]\nname = \"deep\"\nhours = " + "[" * 3000 + "]" * 3000 + "\n")
    for action in ("check", "apply"):
        result = run("rules", action, str(deep))
        assert result.code == 1
        lines = result.err.splitlines()
        assert len(lines) == 2 and lines[1] == "seuil: 1 problem, nothing changed", result.err
        assert lines[0].startswith(f"{deep}:") and "nested" in lines[0]
    assert db_dump(db) == before


def test_a_rules_file_too_big_for_the_snapshot_is_refused_before_anything_changes(
        site_dir, db, tmp_path):
    from access.bus.schemas import MAX_SNAPSHOT_BYTES

    before = db_dump(db)
    big = tmp_path / "big.toml"
    big.write_text((site_dir / "rules.toml").read_text() + "# " + "x" * MAX_SNAPSHOT_BYTES + "\n")
    result = run("rules", "apply", str(big))
    assert result.code == 1
    assert len(result.err.splitlines()) == 2 and "bytes" in result.err, result.err[:300]
    assert db_dump(db) == before


def test_the_second_pass_through_the_autumn_hour_is_named_with_its_offset(site_dir, ada):
    # 2026-10-25: 02:30 happens twice in Paris. Plain --at means the first (summer time).
    def at(moment: str) -> str:
        return json.loads(run("rules", "explain", "--member", "ada", "front-door", "--at",
                              moment, "--json").out)["at"]
    assert at("2026-10-25T02:30") == "2026-10-25T02:30:00+02:00"
    assert at("2026-10-25T02:30+01:00") == "2026-10-25T02:30:00+01:00"
