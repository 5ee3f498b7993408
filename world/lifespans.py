"""How long a vehicle lives and how long each owner keeps it: the dates of its next life event."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import world.crn as crn
from world.behaviour_catalog import Behaviour
from world.odometer import YEAR_DAYS

if TYPE_CHECKING:
    from world.vehicles import Vehicle

SCRAPPAGE_STREAM = crn.stream("vehicle", "scrappage")
TENURE_STREAM = crn.stream("ownership", "tenure")


class LifeSpans:
    __slots__ = ("_scrappage", "_tenure", "_fleet_cycle", "_min_tenure_days")

    def __init__(self, behaviour: Behaviour) -> None:
        self._scrappage = behaviour.scrappage_age
        self._tenure = behaviour.ownership_years
        self._fleet_cycle = behaviour.fleet_replacement_age.range
        self._min_tenure_days = behaviour.min_tenure_days.value

    def schedule_scrap(self, vehicle: Vehicle, t: float) -> None:
        """Scrappage age drawn conditional on the vehicle having survived to its current age."""
        shape, scale = self._scrappage.shape, self._scrappage.scale
        age = max(0.0, vehicle.age_years(t))
        u = crn.uniform(vehicle.key, SCRAPPAGE_STREAM)
        scrap_age = scale * ((age / scale) ** shape - math.log(u)) ** (1.0 / shape)
        vehicle.scrap_at = vehicle.in_service + scrap_age * YEAR_DAYS

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
