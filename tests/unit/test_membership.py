from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from access.domain.membership import MembershipStatus, add_months, standing, window
from access.domain.ruleset import PlanDef, PlanPeriod
from access.domain.schedule import SiteClock
from access.domain.snapshot import MembershipWindow

PARIS = ZoneInfo("Europe/Paris")
CLOCK = SiteClock("Europe/Paris", time(4, 0))
MONTHLY = PlanDef("monthly", PlanPeriod.MONTH)
DAY = PlanDef("day-pass", PlanPeriod.DAY)
YEARLY = PlanDef("yearly", PlanPeriod.YEAR)


def test_add_months_clamps_to_the_end_of_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


@pytest.mark.parametrize(("first", "last"), [
    (date(2027, 1, 27), date(2027, 2, 26)),
    (date(2027, 1, 28), date(2027, 2, 27)),
    # 29-31 February do not exist: those months run to the end of February, not all to the 27th.
    (date(2027, 1, 29), date(2027, 2, 28)),
    (date(2027, 1, 31), date(2027, 2, 28)),
    (date(2028, 1, 29), date(2028, 2, 28)),  # a leap year has the 29th: its eve
    (date(2028, 1, 30), date(2028, 2, 29)),
    (date(2027, 3, 31), date(2027, 4, 30)),
])
def test_a_month_from_a_date_the_next_month_lacks_runs_to_that_months_end(first, last):
    now = datetime(2027, 1, 1, 12, 0, tzinfo=PARIS)
    _, end = window(MONTHLY, CLOCK, now, first_day=first)
    assert CLOCK.last_day(end) == last


def test_a_year_from_29_february_runs_to_28_february():
    now = datetime(2028, 2, 1, 12, 0, tzinfo=PARIS)
    _, end = window(YEARLY, CLOCK, now, first_day=date(2028, 2, 29))
    assert CLOCK.last_day(end) == date(2029, 2, 28)


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


# --- where a member stands: one rule for decisions, the CLI and the kiosk ----------------------

_UTC = ZoneInfo("UTC")
_JAN, _FEB, _MAR = (datetime(2026, m, 1, tzinfo=_UTC) for m in (1, 2, 3))


def test_standing_prefers_an_open_ended_membership_then_the_one_that_ends_last():
    short, open_ended = MembershipWindow("day-pass", _JAN, _FEB), MembershipWindow("honorary", _JAN, None)
    assert standing([short, open_ended], _JAN).current is open_ended
    longer = MembershipWindow("monthly", _JAN, _MAR)
    assert standing([longer, short], _JAN).current is longer


def test_a_membership_paid_ahead_is_upcoming_before_an_older_one_that_ended():
    ended, ahead = MembershipWindow("monthly", _JAN, _FEB), MembershipWindow("monthly", _MAR, None)
    found = standing([ended, ahead], _FEB)
    assert (found.status, found.current) == (MembershipStatus.UPCOMING, ahead)
    assert standing([ended], _MAR).status is MembershipStatus.EXPIRED


def test_suspension_overrides_and_no_membership_is_none():
    paid = MembershipWindow("monthly", _JAN, _MAR)
    assert standing([paid], _FEB, suspended=True).status is MembershipStatus.SUSPENDED
    assert standing([paid], _FEB, suspended=True).current is paid
    assert standing([], _FEB) == standing((), _FEB)
    assert standing([], _FEB).status is MembershipStatus.NONE
