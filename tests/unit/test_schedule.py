from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from access.domain.schedule import Schedule, ScheduleError, SiteClock, TimeRange, parse_time_of_day

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


WEEKDAYS = Schedule.parse(["Mon-Fri 08:00-20:00", "Sat 10:00-18:00"])


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (paris(2026, 11, 23, 8, 0), True),  # Monday, opening minute
        (paris(2026, 11, 23, 7, 59), False),
        (paris(2026, 11, 23, 19, 59), True),
        (paris(2026, 11, 23, 20, 0), False),  # closing minute is closed
        (paris(2026, 11, 28, 10, 0), True),  # Saturday
        (paris(2026, 11, 28, 9, 0), False),
        (paris(2026, 11, 29, 12, 0), False),  # Sunday
    ],
)
def test_weekday_and_saturday_hours(moment, is_open):
    assert WEEKDAYS.is_open(moment) is is_open


def test_overnight_range_belongs_to_the_evening_it_opened():
    late = Schedule.parse(["Fri 20:00-02:00"])
    assert late.is_open(paris(2026, 11, 27, 23, 59))  # Friday night
    assert late.is_open(paris(2026, 11, 28, 0, 0))  # midnight: Saturday, still Friday's range
    assert late.is_open(paris(2026, 11, 28, 1, 59))
    assert not late.is_open(paris(2026, 11, 28, 2, 0))
    assert not late.is_open(paris(2026, 11, 27, 1, 0))  # Friday 01:00 belongs to Thursday night


def test_range_ending_at_midnight_includes_2359_not_0000():
    evening = Schedule.parse(["Mon 18:00-24:00"])
    assert evening.is_open(paris(2026, 11, 23, 23, 59))
    assert not evening.is_open(paris(2026, 11, 24, 0, 0))


def test_closed_date_closes_the_day_but_not_the_night_opened_before():
    late = Schedule.parse(["daily 20:00-02:00"], closed=[date(2026, 12, 25)])
    assert not late.is_open(paris(2026, 12, 25, 21, 0))
    assert late.is_open(paris(2026, 12, 25, 1, 0))  # Christmas Eve's night goes on
    assert not late.is_open(paris(2026, 12, 26, 1, 0))


def test_day_lists_and_french_names_and_wrapping_ranges():
    assert TimeRange.parse("Mon,Wed,Fri 09:00-12:00").days == {0, 2, 4}
    assert TimeRange.parse("lun-ven 09:00-12:00").days == {0, 1, 2, 3, 4}
    assert TimeRange.parse("Sat-Mon 09:00-12:00").days == {5, 6, 0}
    assert Schedule.parse(["always"]).is_open(paris(2026, 1, 1, 3, 0))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon-Fri 8-20", "is not an opening time"),
        ("Mno 08:00-20:00", "is not a day"),
        ("Mon 25:00-26:00", "is not a time of day"),
        ("Mon 10:00-10:00", "same minute"),
        ("Mon 10:61-11:00", "is not a time of day"),
    ],
)
def test_bad_ranges_say_how_to_write_them(text, message):
    with pytest.raises(ScheduleError, match=message):
        TimeRange.parse(text)


def test_parse_time_of_day():
    assert parse_time_of_day("04:00") == time(4, 0)
    with pytest.raises(ScheduleError):
        parse_time_of_day("4h")


CLOCK = SiteClock("Europe/Paris", time(4, 0))


def test_before_the_cutoff_belongs_to_the_previous_day():
    assert CLOCK.service_day(paris(2026, 11, 28, 3, 59)) == date(2026, 11, 27)
    assert CLOCK.service_day(paris(2026, 11, 28, 4, 0)) == date(2026, 11, 28)
    assert CLOCK.service_day(paris(2026, 11, 28, 0, 0)) == date(2026, 11, 27)


def test_day_pass_sold_in_the_evening_ends_at_next_cutoff():
    end = CLOCK.end_of_today(paris(2026, 11, 27, 22, 0))
    assert end == paris(2026, 11, 28, 4, 0)
    assert end.tzinfo is not None


def test_day_ends_on_dst_days_are_wall_clock_cutoffs():
    # Spring forward: 2026-03-29 02:00 -> 03:00 in Paris. The day is 23 hours long.
    start = CLOCK.day_start(date(2026, 3, 29))
    end = CLOCK.day_end(date(2026, 3, 29))
    assert start.astimezone(PARIS).hour == 4
    assert end.astimezone(PARIS).hour == 4
    assert CLOCK.day_end(date(2026, 3, 28)) - CLOCK.day_start(date(2026, 3, 28)) == timedelta(hours=23)
    # Fall back: 2026-10-25 03:00 -> 02:00. The day holding the change is 25 hours long.
    assert CLOCK.day_end(date(2026, 10, 24)) - CLOCK.day_start(date(2026, 10, 24)) == timedelta(hours=25)


def test_cutoff_inside_the_spring_gap_is_still_a_real_instant():
    clock = SiteClock("Europe/Paris", time(2, 30))  # does not exist on 2026-03-29
    start = clock.day_start(date(2026, 3, 29))
    assert start.tzinfo is UTC
    assert clock.service_day(start + timedelta(minutes=1)) == date(2026, 3, 29)


def test_opening_hours_follow_the_wall_clock_across_dst():
    early = Schedule.parse(["daily 08:00-09:00"])
    # 08:30 local is 07:30 UTC in winter and 06:30 UTC in summer.
    assert early.is_open(CLOCK.local(datetime(2026, 3, 28, 7, 30, tzinfo=UTC)))
    assert early.is_open(CLOCK.local(datetime(2026, 3, 30, 6, 30, tzinfo=UTC)))
    assert not early.is_open(CLOCK.local(datetime(2026, 3, 30, 7, 30, tzinfo=UTC)))


def test_the_repeated_hour_in_autumn_is_open_both_times():
    night = Schedule.parse(["Sun 02:00-03:00"])
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
    assert night.is_open(CLOCK.local(first))
    assert night.is_open(CLOCK.local(second))


def test_the_missing_hour_in_spring_never_opens():
    night = Schedule.parse(["Sun 02:00-03:00"])
    for minutes in range(0, 180, 10):
        moment = datetime(2026, 3, 29, 0, 0, tzinfo=UTC) + timedelta(minutes=minutes)
        assert not night.is_open(CLOCK.local(moment))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        CLOCK.service_day(datetime(2026, 1, 1, 12, 0))


# One rule for the day's start: a service day begins at the first instant whose wall-clock
# time reaches the cut-off (the moment the clocks jump past it in spring; its first pass in
# autumn), and every instant belongs to the day whose [start, end) holds it.
DST_NIGHTS = [datetime(2026, 3, 28, 20, 0, tzinfo=UTC), datetime(2026, 10, 24, 20, 0, tzinfo=UTC)]
CUTOFFS = [time(0, 0), time(2, 0), time(2, 30), time(2, 59), time(3, 0), time(4, 0)]


@pytest.mark.parametrize("cutoff", CUTOFFS, ids=str)
@pytest.mark.parametrize("night", DST_NIGHTS, ids=["spring", "autumn"])
def test_every_instant_of_a_dst_night_belongs_to_the_day_that_holds_it(night, cutoff):
    clock = SiteClock("Europe/Paris", cutoff)
    previous = None
    for minutes in range(0, 12 * 60, 5):
        moment = night + timedelta(minutes=minutes)
        day = clock.service_day(moment)
        assert clock.day_start(day) <= moment < clock.day_end(day), (moment, day)
        assert clock.end_of_today(moment) > moment  # a day pass never ends before it starts
        assert previous is None or day >= previous  # the day never goes back
        previous = day


def test_a_cutoff_in_the_spring_gap_starts_the_day_when_the_clocks_jump():
    clock = SiteClock("Europe/Paris", time(2, 30))
    jump = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 CET becomes 03:00 CEST
    assert clock.day_start(date(2026, 3, 29)) == jump
    assert clock.service_day(jump) == date(2026, 3, 29)
    assert clock.service_day(jump - timedelta(microseconds=1)) == date(2026, 3, 28)
    # Yesterday's memberships end exactly when today's day passes start.
    assert clock.day_end(date(2026, 3, 28)) == jump


def test_a_day_pass_sold_in_the_second_pass_of_the_autumn_hour_lasts_until_next_cutoff():
    clock = SiteClock("Europe/Paris", time(2, 30))
    first_pass = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    sold = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)  # 02:10 CET, after the clocks went back
    assert clock.day_start(date(2026, 10, 25)) == first_pass
    assert clock.service_day(sold) == date(2026, 10, 25)
    assert clock.end_of_today(sold) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)


def test_holidays_are_calendar_dates_even_for_a_named_24_7_schedule():
    # Decided (docs/cli.md): dates in rules.toml are calendar dates, like its hours; the
    # cut-off is about memberships, day passes and visits. So a named 24/7 schedule closes at
    # midnight on 25 Dec and reopens at midnight, not at the 04:00 cut-off.
    round_the_clock = Schedule.parse(["always"], closed=[date(2026, 12, 25)])
    assert round_the_clock.is_open(paris(2026, 12, 24, 23, 59))
    assert not round_the_clock.is_open(paris(2026, 12, 25, 0, 0))
    assert not round_the_clock.is_open(paris(2026, 12, 25, 23, 59))
    assert round_the_clock.is_open(paris(2026, 12, 26, 0, 0))
    assert round_the_clock.closed_on(paris(2026, 12, 25, 0, 0)) == date(2026, 12, 25)
