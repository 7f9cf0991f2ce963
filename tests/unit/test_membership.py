from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from access.domain.membership import add_months, window
from access.domain.ruleset import PlanDef, PlanPeriod
from access.domain.schedule import SiteClock

PARIS = ZoneInfo("Europe/Paris")
CLOCK = SiteClock("Europe/Paris", time(4, 0))
MONTHLY = PlanDef("monthly", PlanPeriod.MONTH)
DAY = PlanDef("day-pass", PlanPeriod.DAY)
YEARLY = PlanDef("yearly", PlanPeriod.YEAR)


def test_add_months_clamps_to_the_end_of_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_monthly_plan_bought_now_runs_to_the_eve_of_next_month_at_cutoff():
    now = datetime(2026, 11, 22, 15, 0, tzinfo=PARIS)
    start, end = window(MONTHLY, CLOCK, now)
    assert start == now
    assert end == datetime(2026, 12, 22, 4, 0, tzinfo=PARIS)


def test_day_pass_bought_after_midnight_ends_at_this_mornings_next_cutoff():
    now = datetime(2026, 11, 22, 1, 30, tzinfo=PARIS)  # still Saturday's service day
    _, end = window(DAY, CLOCK, now)
    assert end == datetime(2026, 11, 22, 4, 0, tzinfo=PARIS)


def test_explicit_until_includes_that_whole_day_and_future_start_begins_at_cutoff():
    now = datetime(2026, 11, 22, 15, 0, tzinfo=PARIS)
    start, end = window(YEARLY, CLOCK, now, first_day=date(2027, 1, 1), until_day=date(2027, 6, 30))
    assert start == datetime(2027, 1, 1, 4, 0, tzinfo=PARIS)
    assert end == datetime(2027, 7, 1, 4, 0, tzinfo=PARIS)
    with pytest.raises(ValueError, match="before it starts"):
        window(YEARLY, CLOCK, now, first_day=date(2027, 1, 1), until_day=date(2026, 12, 1))
