"""The odometer as an analytic function of time: no daily stepping.

miles(t) = m0 + r * [(t - t0) + A * P/2pi * (sin(w(t - phase)) - sin(w(t0 - phase)))], w = 2pi/P:
the owner's daily rate r, a seasonal swing of relative amplitude A < 1 over the year P, and a
per-vehicle phase. Its derivative r * (1 + A cos(...)) stays positive, so it never decreases and
can be inverted (time at which a mileage is reached) by a few Newton steps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

YEAR_DAYS = 365.25
_OMEGA = 2.0 * math.pi / YEAR_DAYS
_NEWTON_STEPS = 4


class Odometer:
    __slots__ = ("t0", "m0", "rate", "amplitude", "phase", "_sin0")

    def __init__(self, t0: float, m0: float, rate: float, amplitude: float, phase: float) -> None:
        self.t0 = t0
        self.m0 = m0
        self.rate = rate
        self.amplitude = amplitude
        self.phase = phase
        self._sin0 = math.sin(_OMEGA * (t0 - phase))

    def miles(self, t: float) -> float:
        swing = self.amplitude / _OMEGA * (math.sin(_OMEGA * (t - self.phase)) - self._sin0)
        return self.m0 + self.rate * ((t - self.t0) + swing)

    def time_at(self, miles: float) -> float:
        """The time at which the odometer reads ``miles`` (t0 if already past)."""
        m0, t0, rate, amplitude, phase = self.m0, self.t0, self.rate, self.amplitude, self.phase
        if miles <= m0:
            return t0
        t = t0 + (miles - m0) / rate
        swing_scale = amplitude / _OMEGA
        for _ in range(_NEWTON_STEPS):
            # miles(t) inlined: this inversion runs for every mileage-based due date
            angle = _OMEGA * (t - phase)
            reading = m0 + rate * ((t - t0) + swing_scale * (math.sin(angle) - self._sin0))
            t -= (reading - miles) / (rate * (1.0 + amplitude * math.cos(angle)))
        return max(t, t0)

    def continued(self, t: float, rate: float) -> Odometer:
        """The same odometer from time t on, driven at a new owner's rate."""
        return Odometer(t, self.miles(t), rate, self.amplitude, self.phase)


def times_at(odometers: Sequence[Odometer], miles: np.ndarray) -> np.ndarray:
    """``Odometer.time_at`` of every reading in row i of ``miles`` on ``odometers[i]``, at once.

    The same float operations in the same order, element by element (numpy's float64 sin and
    cos agree with ``math``'s), so each time equals the scalar one. Readings must be finite.
    """
    t0, m0, rate, amplitude, phase, sin0 = np.array(
        [(o.t0, o.m0, o.rate, o.amplitude, o.phase, o._sin0) for o in odometers]
    ).T[:, :, np.newaxis]
    ahead = miles > m0
    # Readings already passed keep t0; they take the first guess m0 so the steps stay finite.
    target = np.where(ahead, miles, m0)
    t = t0 + (target - m0) / rate
    swing_scale = amplitude / _OMEGA
    for _ in range(_NEWTON_STEPS):
        angle = _OMEGA * (t - phase)
        reading = m0 + rate * ((t - t0) + swing_scale * (np.sin(angle) - sin0))
        t = t - (reading - target) / (rate * (1.0 + amplitude * np.cos(angle)))
    return np.where(ahead, np.maximum(t, t0), t0)
