"""Business hours, the analytic odometer and counter-based draws."""

from __future__ import annotations

import math
from datetime import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from world import crn
from world.business_hours import BusinessHours
from world.odometer import FLAT, YEAR_DAYS, Odometer, UsageCurve, times_at

WEEK = [(time(8), time(17))] * 5 + [(time(8), time(12)), None]


@given(start=st.floats(0, 3000), hours=st.floats(0.1, 40))
def test_work_is_counted_in_open_time_only(start, hours):
    business = BusinessHours(WEEK, epoch_weekday=0)
    begin = business.next_open(start)
    finish = business.add_work(begin, hours)
    assert finish >= begin >= start
    day = math.floor(finish)
    opening, closing = business.hours_on(day)
    assert day + opening - 1e-9 <= finish <= day + closing + 1e-9
    assert finish - begin >= hours / 24 - 1e-9


def test_sunday_is_closed_and_saturday_short():
    business = BusinessHours(WEEK, epoch_weekday=0)
    assert business.next_open(6.5) == 7 + 8 / 24
    assert business.add_work(5 + 11 / 24, 2) == pytest.approx(7 + 9 / 24)


def _earliest_open_by_scan(business: BusinessHours, t: float) -> float:
    """The definition of next_open, one day at a time: the first open day whose closing is after t."""
    day = math.floor(t)
    for offset in range(8):
        hours = business.hours_on(day + offset)
        if hours is not None and t < day + offset + hours[1]:
            return max(t, day + offset + hours[0])
    raise AssertionError("no open day in a week")


@given(
    open_days=st.lists(st.booleans(), min_size=7, max_size=7).filter(any),
    opening=st.integers(6, 10),
    closing=st.integers(12, 20),
    epoch_weekday=st.integers(0, 6),
    t=st.floats(0, 3000),
)
def test_next_open_is_the_first_open_instant(open_days, opening, closing, epoch_weekday, t):
    week = [(time(opening), time(closing)) if is_open else None for is_open in open_days]
    business = BusinessHours(week, epoch_weekday)
    assert business.next_open(t) == _earliest_open_by_scan(business, t)
    day = business.open_day_on_or_after(math.floor(t))
    assert business.hours_on(day) is not None
    assert all(business.hours_on(earlier) is None for earlier in range(math.floor(t), day))


# Annual miles falling with age, steeply at first and then slowly, flat after 30 years.
AGING = UsageCurve([(0.0, 14000.0), (2.0, 13000.0), (10.0, 9000.0), (30.0, 5000.0)])
curves = st.sampled_from([AGING, FLAT])


@given(
    curve=curves,
    scale=st.floats(0.2, 60_000),
    age=st.floats(0, 40),
    amplitude=st.floats(0, 0.5),
    phase=st.floats(0, 365),
    a=st.floats(0, 15_000),
    b=st.floats(0, 15_000),
)
def test_odometer_never_decreases_and_inverts(curve, scale, age, amplitude, phase, a, b):
    odometer = Odometer(0.0, 1000.0, curve, scale, -age * YEAR_DAYS, amplitude, phase)
    low, high = sorted((a, b))
    assert odometer.miles(low) <= odometer.miles(high)
    target = odometer.miles(high)
    assert odometer.time_at(target) == pytest.approx(high, abs=1e-3)


def test_usage_curve_integrates_and_inverts_its_rate():
    # The integral of the piecewise-linear rate, by the trapezoids of its points: 27,000 miles in
    # the first two years, 88,000 to age 10, then 140,000 more to age 30 and 5,000 a year after.
    for years, miles in ((2, 27_000), (10, 115_000), (30, 255_000), (32, 265_000)):
        assert AGING.total(years * YEAR_DAYS) == pytest.approx(miles)
        assert AGING.age_at(miles) == pytest.approx(years * YEAR_DAYS)
    assert AGING.rate(6 * YEAR_DAYS) * YEAR_DAYS == pytest.approx(11_000)


def test_an_aging_vehicle_drives_fewer_miles_a_year():
    odometer = Odometer(0.0, 0.0, AGING, 1.0, 0.0, 0.08, 0.0)
    years = [odometer.miles((age + 1) * YEAR_DAYS) - odometer.miles(age * YEAR_DAYS) for age in range(35)]
    assert all(later < earlier for earlier, later in zip(years[:30], years[1:30], strict=False))
    assert years[0] == pytest.approx(13_750, rel=0.01)
    assert years[34] == pytest.approx(5_000, rel=0.01)


@given(
    odometers=st.lists(
        st.tuples(
            st.floats(0, 3000),
            st.floats(0, 300_000),
            curves,
            st.floats(0.2, 60_000),
            st.floats(-15_000, 0),
            st.floats(0, 0.5),
            st.floats(0, 365),
        ),
        min_size=1,
        max_size=4,
    ),
    readings=st.lists(st.floats(0, 400_000), min_size=3, max_size=3),
)
def test_odometer_inversions_at_once_equal_the_scalar_ones(odometers, readings):
    built = [Odometer(*parameters) for parameters in odometers]
    miles = np.array([readings] * len(built))
    at_once = times_at(built, miles)
    for row, odometer in enumerate(built):
        assert at_once[row].tolist() == [odometer.time_at(reading) for reading in readings]


def test_continued_odometer_keeps_the_reading():
    odometer = Odometer(0.0, 500.0, FLAT, 11_000.0, 0.0, 0.08, 10.0)
    later = odometer.continued(100.0, FLAT, 22_000.0)
    assert later.miles(100.0) == odometer.miles(100.0)
    assert later.miles(110.0) > odometer.miles(110.0)


@given(key=st.integers(0, 2**64 - 1), stream=st.integers(0, 2**64 - 1), counter=st.integers(0, 2**20))
def test_counter_draws_are_uniforms_fixed_by_their_address(key, stream, counter):
    u = crn.uniform(key, stream, counter)
    assert 0 < u < 1
    assert u == crn.uniform(key, stream, counter)
    assert u != crn.uniform(key, stream, counter + 1)
    assert all(0 < x < 1 for x in crn.uniforms(key, stream, counter, 4))


def test_a_decisions_sub_draws_are_the_pinned_uniforms_one_at_a_time():
    # Pinned: the values every dataset was drawn with; a decision may draw any one sub-draw alone.
    stream = crn.stream("visit", "timing")
    pinned = [
        0.58940697018499,
        0.07473669128119781,
        0.5461148507170921,
        0.7749736450725841,
        0.2684935218774451,
    ]
    assert crn.uniforms(12345, stream, 7, 5) == pinned
    address = crn.decision(12345, stream, 7)
    assert [crn.sub_uniform(address, index) for index in (4, 0, 2)] == [pinned[4], pinned[0], pinned[2]]
    # past the eighth sub-draw and at the largest key, stream and counter the masks still hold
    assert crn.sub_uniform(crn.decision(2**64 - 1, 2**64 - 1, 2**20), 8) == 0.8763719323631254


def test_counter_draws_look_uniform():
    draws = [crn.uniform(12345, crn.stream("component", "battery", "life"), i) for i in range(20_000)]
    assert abs(sum(draws) / len(draws) - 0.5) < 0.01
    assert sum(1 for u in draws if u < 0.1) / len(draws) < 0.11


@given(
    keys=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=5),
    addresses=st.lists(st.integers(0, 2**64 - 1), min_size=2, max_size=2),
    counter=st.integers(0, 2**16),
)
def test_array_draws_match_the_scalar_draws_for_many_keys(keys, addresses, counter):
    key_column = np.array(keys, dtype=np.uint64)[:, np.newaxis]
    streams = np.array(addresses, dtype=np.uint64)
    counters = np.full(1, counter, dtype=np.uint64)
    single = crn.uniform_array(key_column, streams, counters)
    first, second = crn.uniforms_array(key_column, streams, counters, 2)
    for row, key in enumerate(keys):
        for column, address in enumerate(addresses):
            assert single[row, column] == crn.uniform(key, address, counter)
            assert [first[row, column], second[row, column]] == crn.uniforms(key, address, counter, 2)


def test_streams_are_addressed_by_a_stable_hash_of_their_name():
    # Pinned: blake2b of the name, the same in every process and Python version (the built-in
    # hash() of a str is salted per process and would change every run's draws).
    assert crn.stream("component", "battery", "life") == 0xC6FAE7606968CA4E
    assert crn.stream("visit", "shop_choice") != crn.stream("visit", "timing")
    # a path is not its parts run together
    assert crn.stream("service", "oil_change") != crn.stream("service", "oil", "change")
    assert crn.stream("recall", 1) != crn.stream("recall", "1")


@given(
    closed=st.frozensets(st.integers(0, 60), max_size=25),
    epoch_weekday=st.integers(0, 6),
    t=st.floats(0, 50),
    hours=st.floats(0.1, 40),
    back_order=st.integers(0, 5),
)
def test_closed_days_are_skipped_like_a_closed_weekday(closed, epoch_weekday, t, hours, back_order):
    business = BusinessHours(WEEK, epoch_weekday, closed)

    def open_on(day: int) -> bool:
        return day not in closed and WEEK[(epoch_weekday + day) % 7] is not None

    begin = business.next_open(t)
    assert open_on(math.floor(begin))
    day = business.open_day_on_or_after(math.floor(t))
    assert open_on(day) and not any(open_on(earlier) for earlier in range(math.floor(t), day))
    finish = business.add_work(begin, hours)
    assert open_on(math.floor(finish))
    assert open_on(math.floor(business.after_business_days(finish, back_order, 0.5)))
