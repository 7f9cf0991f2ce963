"""The dashboard's and the home screen's words with real numbers: plurals through Babel's rules,
descriptions instead of ids, the time left, the chart against capacity, today's hours."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from access.domain.ruleset import ResourceDef, ResourceKind, RuleDef, RuleSet, ScheduleDef
from access.services.screens.dashboard import Present, node_names, opening_hours
from kiosk import strings
from kiosk.dashboard import DashboardModel
from kiosk.sample_day import busy_day

AFTERNOON = datetime(2026, 11, 18, 14, 40, tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris"))  # a Wednesday


def model_with(make_ctx, language, *, crowded=False, count=None):
    model = DashboardModel(make_ctx(language=language))
    facts, states, status = busy_day(AFTERNOON, crowded=crowded)
    if count is not None:
        board = facts.board
        facts.board.present[:] = board.present[:count]
    model.facts = facts
    model.states = {state.resource: state for state in states}
    model.nodes = status
    model.render()
    return model.state


@pytest.mark.parametrize(("language", "count", "home", "others"), [
    ("fr", 1, "1 / 20 présent", ""),
    ("fr", 0, "0 / 20 présent", None),
    ("fr", 17, "17 / 20 présents", "+ 4 autres"),
    ("en", 1, "1 / 20 in", ""),
    ("en", 17, "17 / 20 in", "+ 4 others"),
])
def test_counts_are_worded_by_babels_plural_rules(make_ctx, language, count, home, others):
    state = model_with(make_ctx, language, count=count)
    assert state["homeCount"] == home
    if others is not None:
        assert state["others"] == others
    assert state["countBig"] == f"{count} / 20"


def test_one_other_is_singular_and_one_person_on_the_roll_call(make_ctx):
    state = model_with(make_ctx, "fr", count=14)  # 13 named, one who did not opt in
    assert state["others"] == "+ 1 autre"
    assert strings.plural("dash.roll_call_title", "en", 1) == "Fire roll-call: 1 person"
    assert strings.plural("dash.roll_call_title", "fr", 1) == "Appel incendie\u00a0: 1 personne"


def test_a_busy_day_reads_seventeen_of_twenty_and_six_machines_by_their_descriptions(make_ctx):
    state = model_with(make_ctx, "fr")
    assert state["countBig"] == "17 / 20" and state["countCaption"] == "personnes présentes · 3 places libres"
    machines = {m["name"]: m for m in state["machines"]}
    assert len(machines) == 6
    printer = machines["Prusa MK4 (imprimante 3D)"]
    assert printer["title"] == "Utilisée" and printer["detail"] == "Marie-Clémentine · reste 1 h 25"
    assert "depuis 13:30" in printer["spoken"]
    assert machines["Station de soudure"]["title"] == "Hors service"
    assert machines["Brodeuse Brother PE800"]["title"] == "Libre"
    assert state["offline"] == "Hors ligne\u00a0: Découpeuse laser Trotec Speedy 100"
    assert state["homeMachines"] == "4 machines en marche"


def test_a_crowded_day_says_full_and_by_how_many(make_ctx):
    state = model_with(make_ctx, "en", crowded=True)
    assert state["countBig"] == "30 / 32" and state["countCaption"] == "people in · 2 desks free"
    assert len(state["names"]) == 30 and state["others"] == ""
    facts, _, _ = busy_day(AFTERNOON)
    extra = [Present(100 + i, None, AFTERNOON) for i in range(5)]
    facts.board.present.extend(extra)  # 22 in for 20 desks
    model = DashboardModel(make_ctx(language="en"))
    model.facts = facts
    model.render()
    assert model.state["countBig"] == "22 / 20" and model.state["full"] is True
    assert model.state["countCaption"] == "people in · Full · 2 more than the desks"


def test_the_chart_is_scaled_to_capacity_with_now_at_twenty_to_four(make_ctx):
    state = model_with(make_ctx, "fr")
    assert state["capacityLevel"] == 1.0 and state["capacityLabel"] == "20 places"
    assert max(bar["today"] for bar in state["bars"]) == pytest.approx(17 / 20)
    hours = [bar["hour"] for bar in state["bars"]]
    assert state["nowAt"] == pytest.approx((hours.index("15") + 40 / 60) / len(hours))
    assert [bar["future"] for bar in state["bars"]].index(True) == hours.index("16")


def test_home_shows_todays_hours(make_ctx, site):
    model = DashboardModel(make_ctx(language="fr"))
    model.refresh()  # the sample site: a Wednesday, doors 08:00-20:00 for day passes
    assert model.state["hoursToday"] == "Ouvert aujourd'hui 08:00\u201320:00"


def test_opening_hours_are_those_of_the_day_pass_at_the_check_in_door_and_holidays_close():
    door = ResourceDef("front-door", ResourceKind.DOOR, "entrance", "Porte d'entrée", checkin=True)
    printer = ResourceDef("3d-printer", ResourceKind.MACHINE, "printer", "Prusa MK4")
    rules = RuleSet(resources=(door, printer),
                    schedules=(ScheduleDef("day", ("Mon-Fri 09:00-18:00", "Sat 10:00-13:00")),
                               ScheduleDef("late", ("Mon-Sun 07:00-23:00",))),
                    rules=(RuleDef("visitors", ("front-door",), plans=("day-pass",), schedule="day"),
                           RuleDef("volunteers", ("front-door",), groups=("volunteers",), schedule="late")),
                    holidays=(date(2026, 12, 25),))
    assert opening_hours(rules, "day-pass", date(2026, 11, 18)) == ((540, 1080),)
    assert opening_hours(rules, "day-pass", date(2026, 11, 21)) == ((600, 780),)
    assert opening_hours(rules, "day-pass", date(2026, 11, 22)) == ()  # a Sunday
    assert opening_hours(rules, "day-pass", date(2026, 12, 25)) == ()
    assert opening_hours(rules, "nobody", date(2026, 11, 22)) == ((420, 1380),)  # any rule at the door
    assert node_names(rules, {"entrance": "", "printer": "", "spare": "Spare reader"}) == \
        {"entrance": "Porte d'entrée", "printer": "Prusa MK4", "spare": "Spare reader"}


def test_a_machine_left_for_more_than_an_hour_reads_in_hours(make_ctx):
    from access.bus.schemas import ResourceState

    model = DashboardModel(make_ctx(language="en"))
    facts, _, _ = busy_day(AFTERNOON)
    model.facts = facts
    for minutes, said in ((59, "59 min left"), (61, "1 h 01 left"), (240, "4 h 00 left")):
        model.states = {"cnc": ResourceState(resource="cnc", node="cnc", ts=AFTERNOON, state="in_use",
                                             since=AFTERNOON, until=AFTERNOON + timedelta(minutes=minutes))}
        model.render()
        cnc = next(m for m in model.state["machines"] if m["name"].startswith("Fraiseuse"))
        assert cnc["detail"] == said  # its user did not opt in to be named
