"""Business hours: when a shop is open, and how work hours map onto its calendar.

Simulated time is a float count of days since the run's epoch, read as the region's local wall
clock (so 8:30 is always 8:30 whatever the UTC offset; the zone is attached only on output).
"""

from __future__ import annotations

import math
from datetime import time


def _day_fraction(clock: time) -> float:
    return (clock.hour * 60 + clock.minute) / 1440.0


class BusinessHours:
    """A weekly schedule: per weekday (Monday = 0) an (open, close) pair of day fractions, or None,
    and the days (since the epoch) the shop closes whatever the weekday: its holidays."""

    __slots__ = ("epoch_weekday", "week", "closed", "_days_to_open")

    def __init__(
        self,
        week: list[tuple[time, time] | None],
        epoch_weekday: int,
        closed: frozenset[int] = frozenset(),
    ) -> None:
        if all(day is None for day in week):
            raise ValueError("a shop must open on at least one day of the week")
        self.week = tuple(
            None if day is None else (_day_fraction(day[0]), _day_fraction(day[1])) for day in week
        )
        self.epoch_weekday = epoch_weekday
        self.closed = closed
        # Per weekday, days until the first open day from it (0 if it opens): every visit asks.
        self._days_to_open = tuple(
            next(offset for offset in range(7) if self.week[(weekday + offset) % 7] is not None)
            for weekday in range(7)
        )

    def hours_on(self, day: int) -> tuple[float, float] | None:
        if day in self.closed:
            return None
        return self.week[(self.epoch_weekday + day) % 7]

    def next_open(self, t: float) -> float:
        """The earliest instant >= t at which the shop is open."""
        day = math.floor(t)
        hours = self.hours_on(day)
        if hours is not None and t < day + hours[1]:
            return max(t, day + hours[0])
        day = self.open_day_on_or_after(day + 1)
        return day + self.week[(self.epoch_weekday + day) % 7][0]

    def open_day_on_or_after(self, day: int) -> int:
        day += self._days_to_open[(self.epoch_weekday + day) % 7]
        while day in self.closed:
            day += 1
            day += self._days_to_open[(self.epoch_weekday + day) % 7]
        return day

    def add_work(self, start: float, hours: float) -> float:
        """When ``hours`` of work started at ``start`` (an open instant) are done, counting open time only."""
        remaining = hours / 24.0
        t = start
        day = math.floor(t)
        week, epoch_weekday = self.week, self.epoch_weekday
        while True:
            closing = day + week[(epoch_weekday + day) % 7][1]
            if t + remaining <= closing:
                return t + remaining
            remaining -= closing - t
            # the work goes on when the shop next opens (what ``next_open`` gives at closing time)
            day = self.open_day_on_or_after(day + 1)
            t = day + week[(epoch_weekday + day) % 7][0]

    def after_business_days(self, t: float, days: int, fraction: float) -> float:
        """An instant ``days`` open days after t's day, ``fraction`` of the way through that day's hours."""
        day = math.floor(t)
        for _ in range(days):
            day = self.open_day_on_or_after(day + 1)
        opening, closing = self.hours_on(day)
        return max(t, day + opening + fraction * (closing - opening))
