"""The odometer as an analytic function of time: no daily stepping.

miles(t) = m0 + r * [(t - t0) + A * P/2pi * (sin(w(t - phase)) - sin(w(t0 - phase)))], w = 2pi/P:
the owner's daily rate r, a seasonal swing of relative amplitude A < 1 over the year P, and a
per-vehicle phase. Its derivative r * (1 + A cos(...)) stays positive, so it never decreases and
can be inverted (time at which a mileage is reached) by a few Newton steps.
"""

from __future__ import annotations

import math

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
        if miles <= self.m0:
            return self.t0
        t = self.t0 + (miles - self.m0) / self.rate
        for _ in range(_NEWTON_STEPS):
            speed = self.rate * (1.0 + self.amplitude * math.cos(_OMEGA * (t - self.phase)))
            t -= (self.miles(t) - miles) / speed
        return max(t, self.t0)

    def continued(self, t: float, rate: float) -> Odometer:
        """The same odometer from time t on, driven at a new owner's rate."""
        return Odometer(t, self.miles(t), rate, self.amplitude, self.phase)
