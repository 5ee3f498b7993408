"""Business hours: when a shop is open, and how work hours map onto its calendar.

Simulated time is a float count of days since the run's epoch, read as the region's local wall
clock (so 8:30 is always 8:30 whatever the UTC offset; the zone is attached only on output).
"""

from __future__ import annotations

import math
from datetime import time

MAX_SEARCH_DAYS = 14


def _day_fraction(clock: time) -> float:
    return (clock.hour * 60 + clock.minute) / 1440.0


class BusinessHours:
    """A weekly schedule: per weekday (Monday = 0) an (open, close) pair of day fractions, or None."""

    __slots__ = ("epoch_weekday", "week")

    def __init__(self, week: list[tuple[time, time] | None], epoch_weekday: int) -> None:
        if all(day is None for day in week):
            raise ValueError("a shop must open on at least one day of the week")
        self.week = tuple(
            None if day is None else (_day_fraction(day[0]), _day_fraction(day[1])) for day in week
        )
        self.epoch_weekday = epoch_weekday

    def hours_on(self, day: int) -> tuple[float, float] | None:
        return self.week[(self.epoch_weekday + day) % 7]

    def next_open(self, t: float) -> float:
        """The earliest instant >= t at which the shop is open."""
        day = math.floor(t)
        for offset in range(MAX_SEARCH_DAYS):
            hours = self.week[(self.epoch_weekday + day + offset) % 7]
            if hours is None:
                continue
            opening, closing = day + offset + hours[0], day + offset + hours[1]
            if t < closing:
                return max(t, opening)
        raise AssertionError("unreachable: some weekday is open")

    def open_day_on_or_after(self, day: int) -> int:
        for offset in range(MAX_SEARCH_DAYS):
            if self.week[(self.epoch_weekday + day + offset) % 7] is not None:
                return day + offset
        raise AssertionError("unreachable: some weekday is open")

    def add_work(self, start: float, hours: float) -> float:
        """When ``hours`` of work started at ``start`` (an open instant) are done, counting open time only."""
        remaining = hours / 24.0
        t = start
        while True:
            t = self.next_open(t)
            closing = math.floor(t) + self.week[(self.epoch_weekday + math.floor(t)) % 7][1]
            if t + remaining <= closing:
                return t + remaining
            remaining -= closing - t
            t = closing

    def after_business_days(self, t: float, days: int, fraction: float) -> float:
        """An instant ``days`` open days after t's day, ``fraction`` of the way through that day's hours."""
        day = math.floor(t)
        for _ in range(days):
            day = self.open_day_on_or_after(day + 1)
        opening, closing = self.hours_on(day)
        return max(t, day + opening + fraction * (closing - opening))
