"""Brent's root finder returns the float scipy.optimize.brentq returns, on the scrappage solve and
on functions that take each of its branches (secant, inverse quadratic, bisection)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from world.catalog import load_catalog
from world.lifespans import SCRAP_DATE_TOLERANCE_DAYS, LifeSpans
from world.odometer import YEAR_DAYS, Odometer, UsageCurve
from world.roots import brent_root

BEHAVIOUR = load_catalog().behaviour
PRIVATE = UsageCurve(BEHAVIOUR.private_annual_miles.by_age)


@given(
    age_years=st.floats(0, 40),
    miles=st.floats(0, 400_000),
    scale=st.floats(0.2, 5),
    amplitude=st.floats(0, 0.3),
    phase=st.floats(0, YEAR_DAYS),
    survival=st.floats(1e-12, 1, exclude_max=True),
)
def test_the_scrap_date_is_scipys(age_years, miles, scale, amplitude, phase, survival):
    lifespans = LifeSpans(BEHAVIOUR)
    in_service = -age_years * YEAR_DAYS
    odometer = Odometer(0.0, miles, PRIVATE, scale, in_service, amplitude, phase)
    vehicle = type("StandIn", (), {"in_service": in_service, "odometer": odometer})()
    target = lifespans.hazard(vehicle, 0.0) - math.log(survival)
    latest = in_service + BEHAVIOUR.scrappage.age.scale * YEAR_DAYS * target ** (
        1.0 / BEHAVIOUR.scrappage.age.shape
    )
    if lifespans.hazard(vehicle, 0.0) >= target or lifespans.hazard(vehicle, latest) < target:
        return  # no date to solve: reschedule_scrap does not call the solver

    def gap(at: float) -> float:
        return lifespans.hazard(vehicle, at) - target

    expected = brentq(gap, 0.0, latest, xtol=SCRAP_DATE_TOLERANCE_DAYS)
    assert brent_root(gap, 0.0, latest, SCRAP_DATE_TOLERANCE_DAYS) == expected


@settings(max_examples=1000)  # a branch can decide the last bit in about one case in a hundred
@given(
    root=st.floats(-100, 100),
    power=st.integers(1, 9),
    width=st.tuples(st.floats(1e-3, 1e3), st.floats(1e-3, 1e3)),
    xtol=st.sampled_from([1e-12, 1e-6, 0.01, 1.0]),
    wiggle=st.floats(0, 5),
)
def test_any_bracketed_root_is_scipys(root, power, width, xtol, wiggle):
    # odd powers of (x - root), flat near the root for high powers (bisection steps), plus a sine
    # that keeps f increasing for small wiggles and bends it (interpolation steps)
    def f(x: float) -> float:
        return (x - root) ** power + wiggle * math.sin(x - root) + 1e-3 * (x - root)

    below, above = root - width[0], root + width[1]
    if f(below) * f(above) > 0:
        return
    assert brent_root(f, below, above, xtol) == brentq(f, below, above, xtol=xtol)


def test_a_root_at_an_end_is_that_end():
    assert brent_root(lambda x: x - 2.0, 2.0, 5.0, 0.01) == 2.0
    assert brent_root(lambda x: x - 5.0, 2.0, 5.0, 0.01) == 5.0


def test_no_bracketed_root_is_an_error():
    with pytest.raises(ValueError, match="same sign"):
        brent_root(lambda x: x * x + 1, -1.0, 1.0, 0.01)
