"""How long a vehicle lives and how long each owner keeps it: the dates of its next life event."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import world.crn as crn
from world.behaviour_catalog import Behaviour
from world.odometer import YEAR_DAYS
from world.roots import brent_root

if TYPE_CHECKING:
    from world.vehicles import Vehicle

SCRAPPAGE_STREAM = crn.stream("vehicle", "scrappage")
TENURE_STREAM = crn.stream("ownership", "tenure")
SCRAP_DATE_TOLERANCE_DAYS = 0.01


class LifeSpans:
    __slots__ = (
        "_age_shape",
        "_age_scale_days",
        "_miles_shape",
        "_miles_scale",
        "_tenure",
        "_fleet_cycle",
        "_min_tenure_days",
    )

    def __init__(self, behaviour: Behaviour) -> None:
        scrappage = behaviour.scrappage
        self._age_shape, self._age_scale_days = scrappage.age.shape, scrappage.age.scale * YEAR_DAYS
        self._miles_shape, self._miles_scale = scrappage.miles.shape, scrappage.miles.scale
        self._tenure = behaviour.ownership_years
        self._fleet_cycle = behaviour.fleet_replacement_age.range
        self._min_tenure_days = behaviour.min_tenure_days.value

    def hazard(self, vehicle: Vehicle, t: float) -> float:
        """The cumulative scrappage hazard at t: wear-out by age and by miles, competing."""
        age_days = max(0.0, t - vehicle.in_service)
        by_age = (age_days / self._age_scale_days) ** self._age_shape
        return by_age + self._miles_hazard(vehicle.odometer.miles(t))

    def mileage_survival(self, miles: float) -> float:
        """The chance that the mileage risk alone left a vehicle on the road to ``miles``."""
        return math.exp(-self._miles_hazard(miles))

    def _miles_hazard(self, miles: float) -> float:
        return (miles / self._miles_scale) ** self._miles_shape

    def schedule_scrap(self, vehicle: Vehicle, t: float) -> None:
        """Scrappage drawn conditional on the vehicle having survived to its current age and miles.

        The draw is kept as the cumulative hazard at which the vehicle is scrapped, so that a new
        owner's driving moves the date (``reschedule_scrap``) without a new draw.
        """
        u = crn.uniform(vehicle.key, SCRAPPAGE_STREAM)
        vehicle.scrap_hazard = self.hazard(vehicle, t) - math.log(u)
        self.reschedule_scrap(vehicle, t)

    def reschedule_scrap(self, vehicle: Vehicle, t: float) -> None:
        """The time from t on at which the cumulative hazard reaches the vehicle's draw."""
        target = vehicle.scrap_hazard
        if self.hazard(vehicle, t) >= target:  # it wore out on a dealer's lot, where no owner scraps it
            vehicle.scrap_at = t
            return
        # By age alone the hazard reaches the draw here; the miles only bring the date forward.
        latest = vehicle.in_service + self._age_scale_days * target ** (1.0 / self._age_shape)
        vehicle.scrap_at = brent_root(
            lambda at: self.hazard(vehicle, at) - target, t, latest, SCRAP_DATE_TOLERANCE_DAYS
        )

    def schedule_tenure(self, vehicle: Vehicle, t: float) -> None:
        """The end of the current owner's tenure (or the scrappage, if sooner)."""
        u = crn.uniform(vehicle.key, TENURE_STREAM, vehicle.owner_seq)
        if vehicle.fleet:
            low, high = self._fleet_cycle
            end = max(t + self._min_tenure_days, vehicle.in_service + (low + u * (high - low)) * YEAR_DAYS)
        else:
            tenure = self._tenure
            end = t + max(
                self._min_tenure_days, tenure.scale * (-math.log(u)) ** (1.0 / tenure.shape) * YEAR_DAYS
            )
        vehicle.life_at = min(end, vehicle.scrap_at)
