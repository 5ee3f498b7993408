"""Maintenance schedules: each service is due by miles or months, whichever comes first, stretched
by the owner's compliance. Only services that bring an owner in by themselves (an oil change, a
timing belt) are scheduled, and only the earliest of them; the advisor adds the other services that
are due or nearly due as extra jobs on the visit they come in for.
"""

from __future__ import annotations

import math

from world.catalog import Catalog
from world.odometer import YEAR_DAYS
from world.specs import SpecBook
from world.vehicles import Vehicle

MONTH_DAYS = YEAR_DAYS / 12
NOT_APPLICABLE = math.inf


class MaintenanceSchedule:
    __slots__ = (
        "keys",
        "op_ids",
        "miles",
        "days",
        "quick_lube",
        "triggers",
        "trigger_set",
        "trigger_keys",
        "window",
        "_specs",
        "_lacking",
        "_rows",
        "_quick_lube_rows",
    )

    def __init__(self, catalog: Catalog, specs: SpecBook) -> None:
        """``specs``: the builds, some of which lack a service (no timing belt on a chain engine)."""
        services = list(catalog.services.values())
        self.keys = tuple(s.key for s in services)
        self.op_ids = tuple((s.operation,) for s in services)  # one shared tuple per service's jobs
        self.miles = tuple(float(s.interval_miles) for s in services)
        self.days = tuple(s.interval_months * MONTH_DAYS for s in services)
        self.quick_lube = tuple(s.quick_lube for s in services)
        # (index, interval miles, interval days) of every service and of the quick-lube ones: the
        # rows ``due_soon`` walks on every visit
        self._rows = tuple(zip(range(len(services)), self.miles, self.days, strict=True))
        self._quick_lube_rows = tuple(row for row in self._rows if self.quick_lube[row[0]])
        self.triggers = tuple(index for index, s in enumerate(services) if s.triggers_visit)
        self.trigger_set = frozenset(self.triggers)
        self.trigger_keys = frozenset(self.keys[index] for index in self.triggers)
        self._specs = specs
        self._lacking: dict[int, tuple[int, ...]] = {}  # by fitment: the services the build lacks
        self.window = catalog.behaviour.add_due_window.value

    def start(self, vehicle: Vehicle, t: float, fraction_done: list[float]) -> None:
        """Service history of a vehicle entering the world at t: each service last done a fraction
        of its (stretched) interval ago, so that due dates do not fall in lockstep."""
        stretch = vehicle.owner.stretch
        miles_now = vehicle.odometer.miles(t)
        age_days = t - vehicle.in_service
        vehicle.svc_miles.extend(
            max(0.0, miles_now - f * m * stretch) for f, m in zip(fraction_done, self.miles, strict=True)
        )
        vehicle.svc_time.extend(
            t - min(age_days, f * d * stretch) for f, d in zip(fraction_done, self.days, strict=True)
        )
        lacking = self._lacking.get(vehicle.fitment)
        if lacking is None:
            absent = self._specs.lacks(vehicle.fitment)
            lacking = tuple(index for index, key in enumerate(self.keys) if key in absent)
            self._lacking[vehicle.fitment] = lacking
        for index in lacking:
            vehicle.svc_miles[index] = NOT_APPLICABLE

    def next_due(self, vehicle: Vehicle) -> tuple[float, int]:
        """(time, service index) of the earliest due visit-triggering service; one odometer
        inversion per call."""
        stretch = vehicle.owner.stretch
        best_miles, by_miles = math.inf, -1
        best_time, by_time = math.inf, -1
        svc_miles, svc_time = vehicle.svc_miles, vehicle.svc_time
        for index in self.triggers:
            done_miles = svc_miles[index]
            if done_miles == NOT_APPLICABLE:
                continue
            done_time = svc_time[index]
            due_miles = done_miles + self.miles[index] * stretch
            if due_miles < best_miles:
                best_miles, by_miles = due_miles, index
            due_time = done_time + self.days[index] * stretch
            if due_time < best_time:
                best_time, by_time = due_time, index
        if by_miles < 0:
            return math.inf, -1
        miles_time = vehicle.odometer.time_at(best_miles)
        return (miles_time, by_miles) if miles_time <= best_time else (best_time, by_time)

    def moved_by(self, done: list[int], declined: list[str]) -> bool:
        """Whether a visit that did these services and declined these items (catalog keys) can
        have moved ``next_due``: only a visit-triggering service's history feeds it."""
        return not self.trigger_set.isdisjoint(done) or not self.trigger_keys.isdisjoint(declined)

    def due_soon(self, vehicle: Vehicle, t: float, miles: float, quick_lube_only: bool) -> list[int]:
        """Services due by t within the advisor's window of their interval."""
        stretch = vehicle.owner.stretch
        ahead = 1.0 - self.window
        svc_miles, svc_time = vehicle.svc_miles, vehicle.svc_time
        due = []
        for index, interval_miles, interval_days in self._quick_lube_rows if quick_lube_only else self._rows:
            done_miles = svc_miles[index]
            if done_miles == NOT_APPLICABLE:
                continue
            if (
                miles - done_miles >= interval_miles * stretch * ahead
                or t - svc_time[index] >= interval_days * stretch * ahead
            ):
                due.append(index)
        return due

    def done(self, vehicle: Vehicle, services: tuple[int, ...], t: float, miles: float) -> None:
        """The services (indices) a visit did at t, with the odometer at ``miles``."""
        svc_miles, svc_time = vehicle.svc_miles, vehicle.svc_time
        for index in services:
            svc_miles[index] = miles
            svc_time[index] = t

    def declined(self, vehicle: Vehicle, index: int, t: float, miles: float) -> None:
        """A declined service comes up again once the owner has driven another window's worth."""
        stretch = vehicle.owner.stretch
        ahead = 1.0 - self.window
        vehicle.svc_miles[index] = max(vehicle.svc_miles[index], miles - self.miles[index] * stretch * ahead)
        vehicle.svc_time[index] = max(vehicle.svc_time[index], t - self.days[index] * stretch * ahead)
