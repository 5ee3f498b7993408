"""The odometer as an analytic function of time: no daily stepping.

A vehicle's mean daily miles follow a usage curve of its age (``UsageCurve``: the catalog's annual
miles by vehicle age, piecewise linear between its points), scaled by the owner's persistent
multiplier, with a seasonal swing of relative amplitude A < 1 over the year P and a per-vehicle
phase. The swing runs the curve on a warped clock tau(t) = t + A * P/2pi * sin(w(t - phase)),
w = 2pi/P, whose rate 1 + A cos(...) stays positive:

miles(t) = m0 + scale * (F(tau(t) - in_service) - F(tau(t0) - in_service)),

F being the curve's integral. Both are increasing, so the odometer never decreases, and it inverts
exactly: F by the quadratic formula on its segment, the clock by a few Newton steps.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

import numpy as np

YEAR_DAYS = 365.25
_OMEGA = 2.0 * math.pi / YEAR_DAYS
_NEWTON_STEPS = 4


class UsageCurve:
    """Mean miles a day by age (days in service): linear between the points, flat after the last.

    ``total(x)`` is the integral from in-service to age x, ``age_at(total)`` its inverse.
    """

    __slots__ = ("ages", "rates", "slopes", "totals")

    def __init__(self, annual_miles_by_age: Sequence[tuple[float, float]]) -> None:
        """``annual_miles_by_age``: (age in years, miles a year) points, the first at age 0, ages
        increasing, miles positive (as the catalog checks)."""
        ages = [age * YEAR_DAYS for age, _ in annual_miles_by_age]
        rates = [miles / YEAR_DAYS for _, miles in annual_miles_by_age]
        slopes, totals = [], [0.0]
        for a0, a1, r0, r1 in zip(ages, ages[1:], rates, rates[1:], strict=False):
            slopes.append((r1 - r0) / (a1 - a0))
            totals.append(totals[-1] + (r0 + r1) / 2 * (a1 - a0))
        self.ages = tuple(ages)
        self.rates = tuple(rates)
        self.slopes = (*slopes, 0.0)
        self.totals = tuple(totals)

    def rate(self, age_days: float) -> float:
        k = max(bisect.bisect_right(self.ages, age_days) - 1, 0)
        return self.rates[k] + self.slopes[k] * (age_days - self.ages[k])

    def total(self, age_days: float) -> float:
        # Before age 0 (the seasonal clock runs up to P/2pi * A days either way): the first segment, extended.
        k = max(bisect.bisect_right(self.ages, age_days) - 1, 0)
        d = age_days - self.ages[k]
        return self.totals[k] + d * (self.rates[k] + 0.5 * self.slopes[k] * d)

    def age_at(self, total: float) -> float:
        k = max(bisect.bisect_right(self.totals, total) - 1, 0)
        rate, excess = self.rates[k], total - self.totals[k]
        # 0.5 g d^2 + r d = excess, in the form that stays exact for a flat segment (g = 0)
        return self.ages[k] + 2.0 * excess / (rate + math.sqrt(rate * rate + 2.0 * self.slopes[k] * excess))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return np.array(self.ages), np.array(self.rates), np.array(self.slopes), np.array(self.totals)


FLAT = UsageCurve([(0.0, 1.0)])  # one mile a year at any age: a fleet's duty cycle is its scale


class Odometer:
    __slots__ = ("t0", "m0", "curve", "scale", "in_service", "amplitude", "phase", "_swing", "_total0")

    def __init__(
        self,
        t0: float,
        m0: float,
        curve: UsageCurve,
        scale: float,
        in_service: float,
        amplitude: float,
        phase: float,
    ) -> None:
        self.t0 = t0
        self.m0 = m0
        self.curve = curve
        self.scale = scale
        self.in_service = in_service
        self.amplitude = amplitude
        self.phase = phase
        self._swing = amplitude / _OMEGA  # the warped clock's lead at the peak of the season, days
        self._total0 = curve.total(self._clock(t0) - in_service)

    def _clock(self, t: float) -> float:
        return t + self._swing * math.sin(_OMEGA * (t - self.phase))

    def miles(self, t: float) -> float:
        # the clock inlined: a visit reads the odometer several times
        clock = t + self._swing * math.sin(_OMEGA * (t - self.phase))
        return self.m0 + self.scale * (self.curve.total(clock - self.in_service) - self._total0)

    def time_at(self, miles: float) -> float:
        """The time at which the odometer reads ``miles`` (t0 if already past)."""
        if miles <= self.m0:
            return self.t0
        clock = self.in_service + self.curve.age_at(self._total0 + (miles - self.m0) / self.scale)
        amplitude, phase, swing = self.amplitude, self.phase, self._swing
        t = clock
        for _ in range(_NEWTON_STEPS):
            angle = _OMEGA * (t - phase)
            t -= (t + swing * math.sin(angle) - clock) / (1.0 + amplitude * math.cos(angle))
        return max(t, self.t0)

    def continued(self, t: float, curve: UsageCurve, scale: float) -> Odometer:
        """The same odometer from time t on, driven on a new owner's curve and scale."""
        return Odometer(t, self.miles(t), curve, scale, self.in_service, self.amplitude, self.phase)


def times_at(odometers: Sequence[Odometer], miles: np.ndarray) -> np.ndarray:
    """``Odometer.time_at`` of every reading in row i of ``miles`` on ``odometers[i]``, at once.

    The same float operations in the same order, element by element (numpy's float64 sin, cos
    and sqrt agree with ``math``'s), so each time equals the scalar one. Readings must be finite.
    """
    t0, m0, scale, in_service, amplitude, phase, total0 = np.array(
        [(o.t0, o.m0, o.scale, o.in_service, o.amplitude, o.phase, o._total0) for o in odometers]
    ).T[:, :, np.newaxis]
    ahead = miles > m0
    # Readings already passed keep t0; they take the reading m0 so that the steps stay finite.
    total = total0 + (np.where(ahead, miles, m0) - m0) / scale
    age = np.empty_like(total)
    for curve in {id(o.curve): o.curve for o in odometers}.values():
        rows = np.array([o.curve is curve for o in odometers])
        ages, rates, slopes, totals = curve.arrays()
        part = total[rows]
        k = np.maximum(np.searchsorted(totals, part, side="right") - 1, 0)
        rate, excess = rates[k], part - totals[k]
        age[rows] = ages[k] + 2.0 * excess / (rate + np.sqrt(rate * rate + 2.0 * slopes[k] * excess))
    clock = in_service + age
    swing_scale = amplitude / _OMEGA
    t = clock
    for _ in range(_NEWTON_STEPS):
        angle = _OMEGA * (t - phase)
        t = t - (t + swing_scale * np.sin(angle) - clock) / (1.0 + amplitude * np.cos(angle))
    return np.where(ahead, np.maximum(t, t0), t0)
