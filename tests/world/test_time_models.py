"""Business hours, the analytic odometer and counter-based draws."""

from __future__ import annotations

import math
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from world import crn
from world.business_hours import BusinessHours
from world.odometer import Odometer

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


@given(
    rate=st.floats(5, 200),
    amplitude=st.floats(0, 0.5),
    phase=st.floats(0, 365),
    a=st.floats(0, 5000),
    b=st.floats(0, 5000),
)
def test_odometer_never_decreases_and_inverts(rate, amplitude, phase, a, b):
    odometer = Odometer(0.0, 1000.0, rate, amplitude, phase)
    low, high = sorted((a, b))
    assert odometer.miles(low) <= odometer.miles(high) + 1e-6
    target = odometer.miles(high)
    assert abs(odometer.time_at(target) - high) < 1e-3


def test_continued_odometer_keeps_the_reading():
    odometer = Odometer(0.0, 500.0, 30.0, 0.08, 10.0)
    later = odometer.continued(100.0, 60.0)
    assert later.miles(100.0) == odometer.miles(100.0)
    assert later.miles(110.0) > odometer.miles(110.0)


@given(key=st.integers(0, 2**64 - 1), stream=st.integers(0, 2**20), counter=st.integers(0, 2**20))
def test_counter_draws_are_uniforms_fixed_by_their_address(key, stream, counter):
    u = crn.uniform(key, stream, counter)
    assert 0 < u < 1
    assert u == crn.uniform(key, stream, counter)
    assert u != crn.uniform(key, stream, counter + 1)
    assert all(0 < x < 1 for x in crn.uniforms(key, stream, counter, 4))


def test_counter_draws_look_uniform():
    draws = [crn.uniform(12345, crn.LIFE, i) for i in range(20_000)]
    assert abs(sum(draws) / len(draws) - 0.5) < 0.01
    assert sum(1 for u in draws if u < 0.1) / len(draws) < 0.11
