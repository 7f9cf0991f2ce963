"""Pricing rules, by example and by property (hypothesis)."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from access.domain.pricing import (
    FREE,
    Grant,
    Pricing,
    Use,
    discounted,
    price_in_order,
    price_session,
)

PRINTER = Pricing(hourly_cents=200, block_minutes=15, minimum_cents=50, free_seconds=300,
                  daily_cap_cents=1200)

pricings = st.builds(
    Pricing,
    session_fee_cents=st.integers(0, 2_000),
    hourly_cents=st.integers(0, 10_000),
    block_minutes=st.sampled_from([0, 1, 5, 15, 30, 60]),
    minimum_cents=st.integers(0, 2_000),
    free_seconds=st.integers(0, 1_800),
    daily_cap_cents=st.none() | st.integers(0, 20_000),
)
durations = st.integers(0, 24 * 3600)
percents = st.integers(0, 100)


# --- examples -------------------------------------------------------------------------------

def test_a_short_session_is_free():
    assert price_session(PRINTER, 299) == FREE


def test_started_blocks_are_charged():
    # 16 minutes = two quarter hours at 2.00/h = 1.00
    assert price_session(PRINTER, 16 * 60).cents == 100
    assert price_session(PRINTER, 30 * 60).cents == 100
    assert price_session(PRINTER, 30 * 60 + 1).cents == 150


def test_the_minimum_applies():
    assert price_session(PRINTER, 6 * 60).cents == 50


def test_per_second_pricing_rounds_half_up():
    per_second = Pricing(hourly_cents=100, block_minutes=0)
    assert price_session(per_second, 18).cents == 1  # 0.5 cent -> 1
    assert price_session(per_second, 17).cents == 0
    assert price_session(per_second, 3600).cents == 100


def test_session_fee_is_added():
    assert price_session(Pricing(session_fee_cents=30, hourly_cents=120, block_minutes=60), 60).cents == 150


def test_discount_comes_off():
    assert price_session(PRINTER, 60 * 60, discount_percent=25).cents == 150


def test_daily_cap_bounds_the_day():
    assert price_session(PRINTER, 8 * 3600).cents == 1200
    charge = price_session(PRINTER, 2 * 3600, spent_today_cents=1000)
    assert (charge.full_cents, charge.cents, charge.capped) == (400, 200, True)


def test_prepaid_hours_are_used_first_then_money():
    charge = price_session(PRINTER, 90 * 60, prepaid_seconds=3600)
    assert (charge.prepaid_seconds, charge.cents) == (3600, 100)
    fully = price_session(PRINTER, 45 * 60, prepaid_seconds=3600)
    assert (fully.prepaid_seconds, fully.cents) == (45 * 60, 0)


def test_free_resources_cost_nothing():
    assert price_session(None, 3600) == FREE
    assert price_session(Pricing(hourly_cents=0), 3600) == FREE


def test_prepaid_time_bought_after_a_session_does_not_pay_for_it():
    t0 = datetime(2026, 11, 23, 10, tzinfo=UTC)
    day = date(2026, 11, 23)
    uses = [Use("a", day, t0 + timedelta(hours=1), 3600), Use("b", day, t0 + timedelta(hours=3), 3600)]
    charges = price_in_order(PRINTER, uses, grants=[Grant(t0 + timedelta(hours=2), 3600)])
    assert [c.prepaid_seconds for c in charges] == [0, 3600]
    assert [c.cents for c in charges] == [200, 0]


# --- properties -----------------------------------------------------------------------------

@given(pricings, durations, percents, st.integers(0, 10 * 3600), st.integers(0, 30_000))
def test_never_negative(pricing, seconds, percent, prepaid, spent):
    charge = price_session(pricing, seconds, discount_percent=percent, prepaid_seconds=prepaid,
                           spent_today_cents=spent)
    assert charge.cents >= 0
    assert charge.full_cents >= charge.cents
    assert 0 <= charge.prepaid_seconds <= charge.billed_seconds


@given(pricings, durations, durations, percents, st.integers(0, 10 * 3600), st.integers(0, 30_000))
def test_monotonic_in_duration(pricing, a, b, percent, prepaid, spent):
    shorter, longer = sorted((a, b))
    kwargs = {"discount_percent": percent, "prepaid_seconds": prepaid, "spent_today_cents": spent}
    assert price_session(pricing, shorter, **kwargs).cents <= price_session(pricing, longer, **kwargs).cents


@given(pricings, durations)
def test_block_rounding(pricing, seconds):
    charge = price_session(pricing, seconds)
    block = pricing.block_minutes * 60
    if charge.billed_seconds and block:
        assert charge.billed_seconds % block == 0
        assert seconds <= charge.billed_seconds < seconds + block
        # every second of the same started block costs the same
        first_of_block = max(charge.billed_seconds - block + 1, pricing.free_seconds)
        assert price_session(pricing, first_of_block).cents == charge.cents
    if charge.billed_seconds and not block:
        assert charge.billed_seconds == seconds


@given(pricings, st.lists(durations, max_size=12), percents)
def test_a_day_never_costs_more_than_the_cap(pricing, seconds, percent):
    day = date(2026, 11, 23)
    end = datetime(2026, 11, 23, 23, tzinfo=UTC)
    uses = [Use(str(i), day, end, s, percent) for i, s in enumerate(seconds)]
    charges = price_in_order(pricing, uses)
    if pricing.daily_cap_cents is not None:
        assert sum(c.cents for c in charges) <= pricing.daily_cap_cents
    uncapped = price_in_order(Pricing(**{**_fields(pricing), "daily_cap_cents": None}), uses)
    assert sum(c.cents for c in charges) <= sum(c.cents for c in uncapped)


@given(pricings, durations, st.integers(0, 10 * 3600))
def test_prepaid_hours_are_used_before_money(pricing, seconds, prepaid):
    charge = price_session(pricing, seconds, prepaid_seconds=prepaid)
    if charge.cents > 0:  # money is only charged once the prepaid time is used up
        assert charge.prepaid_seconds == min(prepaid, charge.billed_seconds)
        assert prepaid < charge.billed_seconds
    if prepaid >= charge.billed_seconds:
        assert charge.cents == 0
    assert charge.cents <= price_session(pricing, seconds).cents


@given(st.integers(0, 1_000_000), percents, percents)
def test_a_bigger_discount_never_costs_more(cents, a, b):
    low, high = sorted((a, b))
    assert 0 <= discounted(cents, high) <= discounted(cents, low) <= cents


def _fields(pricing: Pricing) -> dict:
    return {name: getattr(pricing, name) for name in Pricing.__slots__}
