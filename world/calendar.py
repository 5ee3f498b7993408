"""Simulated time: days since the world's epoch (the start of the warm-up), and their wall-clock
dates in the region's zone. The export window is [start_t, end_t)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

ONE_MINUTE = timedelta(minutes=1)


class Calendar:
    __slots__ = ("epoch", "zone", "start_t", "end_t", "_epoch_datetime")

    def __init__(self, start: date, end: date, warmup_days: int, timezone: str) -> None:
        self.epoch = start - timedelta(days=warmup_days)
        self.zone = ZoneInfo(timezone)
        # Local wall-clock arithmetic: adding to an aware datetime keeps its zone and wall time.
        self._epoch_datetime = datetime(self.epoch.year, self.epoch.month, self.epoch.day, tzinfo=self.zone)
        self.start_t = float(warmup_days)
        self.end_t = float((end - self.epoch).days)

    def day_of(self, t: float) -> date:
        return self.epoch + timedelta(days=math.floor(t))

    def local_datetime(self, t: float) -> datetime:
        # A whole number of minutes times a one-minute timedelta is exact, and cheaper to build.
        return self._epoch_datetime + ONE_MINUTE * round(t * 1440)

    def holidays(self, names: Iterable[str], observed: bool) -> frozenset[int]:
        """The days of the named US federal holidays (en_US names of the ``holidays`` package) from
        the epoch's year to the year after the end (work can close after it); ``observed``: with the
        weekday a weekend holiday is observed on."""
        years = range(self.epoch.year, self.day_of(self.end_t).year + 2)
        table = holidays.country_holidays("US", years=years, observed=observed, language="en_US")
        # "startswith" also finds the "<name> (observed)" entries, present only when observed is True.
        days = (day for name in names for day in table.get_named(name, lookup="startswith"))
        return frozenset((day - self.epoch).days for day in days)
