from importlib import resources
from pathlib import Path

import pytest

from access.config import parse_config
from access.domain.ruleset import ResourceKind
from access.domain.ruleset_diff import diff_rules
from access.errors import FileInvalid
from access.rules_file import parse_rules

SAMPLE = resources.files("access.samples").joinpath("rules.toml").read_text()
NODES = {"entrance", "printer", "sewing"}


def problems_of(text: str, nodes=NODES) -> list[str]:
    with pytest.raises(FileInvalid) as caught:
        parse_rules(text, "rules.toml", nodes=nodes)
    return [str(p) for p in caught.value.problems]


def test_the_sample_rules_are_valid_and_describe_the_sample_site():
    rules = parse_rules(SAMPLE, "rules.toml", nodes=NODES)
    door = rules.resource("front-door")
    printer = rules.resource("3d-printer")
    assert door is not None and door.kind is ResourceKind.DOOR and door.checkin
    assert printer is not None and printer.skill == "3d-printing"
    assert printer.pricing is not None and printer.pricing.hourly_cents == 200
    assert printer.pricing.free_seconds == 300
    assert {g.name for g in rules.groups} == {"members", "volunteers", "trainers", "admins"}
    assert {p.name for p in rules.plans} == {"monthly", "day-pass"}
    assert rules.plan("day-pass").floor_cents == 0


def test_syntax_error_points_at_line_and_column():
    text = SAMPLE.replace('name = "members"\n', 'name = "members\n', 1)
    (problem,) = problems_of(text)
    line = text.splitlines().index('name = "members') + 1
    assert problem.startswith(f"rules.toml:{line}:")
    assert "TOML syntax" in problem


def test_unknown_group_names_the_entry_and_line_and_suggests():
    text = SAMPLE.replace('groups = ["volunteers"]', 'groups = ["volunteerz"]')
    (problem,) = problems_of(text)
    line = text.splitlines().index('groups = ["volunteerz"]') + 1
    assert problem == (
        f'rules.toml:{line}: [[rule]] "volunteers-door": unknown group "volunteerz" '
        '(did you mean "volunteers"?)'
    )


def test_every_problem_is_reported_at_once():
    text = (SAMPLE.replace('kind = "door"', 'kind = "dor"')
            .replace('node = "printer"', 'node = "printre"', 1)
            .replace('schedule = "opening-hours"', 'schedule = "opening-hour"', 1)
            .replace('hours = ["Mon-Fri 08:00-20:00"', 'hours = ["Mon-Fri 8-20"')
            .replace("block_minutes = 15", "block_minuts = 15"))
    found = problems_of(text)
    joined = "\n".join(found)
    assert len(found) == 5, joined
    assert '"kind" is "dor": one of door, machine (did you mean "door"?)' in joined
    assert 'unknown node "printre" (did you mean "printer"?)' in joined
    assert 'unknown schedule "opening-hour" (did you mean "opening-hours"?)' in joined
    assert '"Mon-Fri 8-20" is not an opening time' in joined
    assert 'unknown pricing key "block_minuts" (did you mean "block_minutes"?)' in joined


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("checkin = true", "checkin = true\nmax_session_minutes = 3"), "a door has no sessions"),
        (("floor = 0 ", "floor = 20 "), '"suggested" is below "floor"'),
        (("warn_minutes = 10", "warn_minutes = 500"), "must be shorter"),
        (("hourly = 2.00", "hourly = -2"), '"hourly" cannot be negative'),
        (("hourly = 2.00", "hourly = 2.005"), "is not an amount"),
        (('name = "admins"', 'name = "Admins!"'), "lower-case letters"),
        (('name = "volunteers"\n', 'name = "members"\n'), 'a second [[group]] is named "members"'),
        (("holidays = [2026-12-25", 'holidays = ["2026-12-25"'), "bare TOML dates"),
        (('plans = ["day-pass"]', 'plans = ["day-pas"]'), 'unknown plan "day-pas"'),
        (('name = "makers"\n', 'name = "makers"\nwho = "x"\n'), 'unknown key "who"'),
    ],
)
def test_semantic_problems(edit, message):
    text = SAMPLE.replace(*edit, 1)
    assert text != SAMPLE
    assert any(message in p for p in problems_of(text)), problems_of(text)


def test_rule_without_groups_or_plans_is_refused():
    text = SAMPLE + '\n[[rule]]\nname = "orphan"\nresources = ["front-door"]\n'
    assert any('"orphan": needs "groups" or "plans"' in p for p in problems_of(text))


def test_nodes_are_only_checked_when_known():
    text = SAMPLE.replace('node = "entrance"', 'node = "garage"')
    assert parse_rules(text, "rules.toml", nodes=None).resource("front-door").node == "garage"


def test_diff_lists_added_removed_and_changed_entries():
    old = parse_rules(SAMPLE, "rules.toml")
    text = (SAMPLE.replace("hourly = 2.00", "hourly = 3.00")
            .replace('[[rule]]\nname = "visitors-door"', '[[rule]]\nname = "guests-door"'))
    new = parse_rules(text, "rules.toml")
    changes = [str(c) for c in diff_rules(old, new)]
    assert '- rule "visitors-door"' in changes
    assert '+ rule "guests-door"' in changes
    printer = next(c for c in changes if c.startswith('~ resource "3d-printer"'))
    assert "hourly_cents=200" in printer and "hourly_cents=300" in printer
    assert diff_rules(new, new) == []


def test_config_problems_point_at_their_lines(tmp_path: Path):
    text = '[site]\nname = "x"\ntimezone = "Europe/Pariss"\ncapacty = 3\n'
    with pytest.raises(FileInvalid) as caught:
        parse_config(text, "seuil.toml", tmp_path, env={})
    found = sorted(str(p) for p in caught.value.problems)
    assert found == [
        'seuil.toml:3: site.timezone: unknown timezone "Europe/Pariss" (write it like Europe/Paris)',
        'seuil.toml:4: site.capacty: unknown key (did you mean "capacity"?)',
    ]


def test_config_defaults_env_overrides_and_relative_sqlite(tmp_path: Path):
    config = parse_config("", "seuil.toml", tmp_path, env={})
    assert config.database_url == f"sqlite:///{tmp_path.resolve()}/seuil.db"
    assert config.clock.cutoff.hour == 4
    overridden = parse_config("", "seuil.toml", tmp_path,
                              env={"SEUIL_DATABASE_URL": "sqlite:////x/y.db",
                                   "SEUIL_MQTT_URL": "mqtt://127.0.0.1:1999"})
    assert overridden.database_url == "sqlite:////x/y.db"
    assert overridden.mqtt.url == "mqtt://127.0.0.1:1999"


def test_config_amounts_are_read_in_currency_units(tmp_path: Path):
    config = parse_config("[site]\ncredit_floor = -10.5\n", "seuil.toml", tmp_path, env={})
    assert config.site.credit_floor == -1050


def test_a_node_drives_one_resource_only():
    text = SAMPLE.replace('node = "sewing"', 'node = "printer"')
    found = problems_of(text)
    assert len(found) == 1
    assert '[[resource]] "sewing-machine": node "printer" already drives "3d-printer"' in found[0]


def test_node_pins_are_read_and_checked(tmp_path: Path):
    text = """
[nodes.printer]
reader = "mfrc522"
relay = { pin = 17, active_high = false }
button = { pin = "GPIO23" }
mfrc522 = { reset_pin = 25, poll_interval_s = 0.1 }

[nodes.door]
reader = "hid"
relay = { pin = 18 }
unlock_seconds = 0
hid = { device = "/dev/input/by-id/usb-reader-event-kbd", format = "octal" }
"""
    with pytest.raises(FileInvalid) as error:
        parse_config(text, "seuil.toml", tmp_path, env={})
    messages = [str(p) for p in error.value.problems]
    assert any("nodes.door.unlock_seconds" in m and "greater than 0" in m for m in messages)
    assert any("nodes.door.hid.format" in m for m in messages)
    good = parse_config(text.replace("unlock_seconds = 0", "unlock_seconds = 3")
                        .replace('"octal"', '"decimal-lsb"'), "seuil.toml", tmp_path, env={})
    printer = good.node("printer")
    assert (printer.relay.pin, printer.relay.active_high) == (17, False)
    assert printer.button.pin == "GPIO23"
    assert printer.button.pull_up


def test_a_schedule_named_always_is_refused_at_its_line():
    # It would shadow the reserved 24/7 name: rules using it opened on a Sunday at 03:00.
    text = SAMPLE.replace('schedule = "opening-hours"', 'schedule = "always"')
    text = text.replace('name = "opening-hours"', 'name = "always"', 1)
    (problem,) = problems_of(text)
    line = text.splitlines().index('name = "always"') + 1
    assert problem.startswith(f'rules.toml:{line}: [[schedule]] "always": "always" is reserved')


def test_a_hash_inside_a_string_keeps_every_later_line_number():
    # A volunteer's description: "#" and "[" inside quotes are text, not a comment or an array.
    text = (SAMPLE.replace("Paying members: desks, meeting room and trained machines",
                           "Members [desk #2]")
            .replace('groups = ["volunteers"]', 'groups = ["volunteerz"]'))
    (problem,) = problems_of(text)
    line = text.splitlines().index('groups = ["volunteerz"]') + 1
    assert problem.startswith(f"rules.toml:{line}: ")


def test_a_hash_in_a_multi_line_string_keeps_later_line_numbers():
    text = SAMPLE.replace('description = "Front door"',
                          'description = """Front door\n[back #3"""')
    text = text.replace('groups = ["volunteers"]', 'groups = ["volunteerz"]')
    (problem,) = problems_of(text)
    line = text.splitlines().index('groups = ["volunteerz"]') + 1
    assert problem.startswith(f"rules.toml:{line}: ")


def test_an_array_left_open_at_the_end_points_at_the_last_line():
    text = SAMPLE + '\n[[rule]]\nname = "late"\nallow = [\n\n'
    (problem,) = problems_of(text)
    line = text.splitlines().index("allow = [") + 1
    assert problem.startswith(f"rules.toml:{line}: ")
    assert "end of document" not in problem


def test_a_bad_pricing_value_points_at_its_own_line():
    text = SAMPLE.replace("block_minutes = 15 ", "block_minutes = -15 ")
    (problem,) = problems_of(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("block_minutes"))
    assert problem.startswith(f'rules.toml:{line}: [[resource]] "3d-printer": "block_minutes"')


def test_the_largest_rules_file_leaves_the_snapshot_room_for_members_and_cards():
    from access.bus.schemas import MAX_SNAPSHOT_BYTES
    from access.rules_file import MAX_RULES_BYTES

    assert MAX_RULES_BYTES * 16 <= MAX_SNAPSHOT_BYTES
