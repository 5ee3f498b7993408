"""A vehicle's state: identity, owner, odometer, component lives and service history.

Numeric per-component and per-service state lives in compact ``array`` rows (about 0.6 KB a
vehicle) because a region holds tens of thousands of vehicles for years. Times are simulated
days; failure points are miles or years depending on the component's basis.
"""

from __future__ import annotations

import math
from array import array
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from world.odometer import YEAR_DAYS, Odometer, times_at
from world.visit import Ownership, VehicleInfo, VehicleRecord

if TYPE_CHECKING:
    from world.behaviour_catalog import Behaviour
    from world.catalog import VehicleModel
    from world.customers import Customer
    from world.shops import Shop
    from world.wear import WearModel


class PendingComeback:
    __slots__ = ("at", "component", "shop", "ro_number", "episode_id", "pay_type")

    def __init__(
        self, at: float, component: int, shop: Shop, ro_number: str, episode_id: str, pay_type: str
    ) -> None:
        self.at = at
        self.component = component
        self.shop = shop
        self.ro_number = ro_number
        self.episode_id = episode_id
        self.pay_type = pay_type


class Vehicle:
    __slots__ = (
        "serial",
        "key",
        "info",
        "model",
        "in_service",
        "fleet",
        "owner",
        "owner_seq",
        "ownerships",
        "owned_since",
        "odometer",
        "last_out",
        "fitment",
        "fail_point",
        "delay",
        "lives",
        "comp_time",
        "fail_at",
        "fail_index",
        "svc_miles",
        "svc_time",
        "shop",
        "left_dealer",
        "visits",
        "life_at",
        "recalls",
        "comeback",
        "inspection_at",
        "episodes",
        "owned_since_day",
        "in_service_day",
        "scrap_at",
        "scrap_hazard",
        "maint_at",
        "maint_index",
    )

    def __init__(
        self,
        serial: int,
        key: int,
        info: VehicleInfo,
        model: VehicleModel,
        in_service: float,
        fleet: bool,
        odometer: Odometer,
        fitment: int,
    ) -> None:
        self.serial = serial
        self.key = key
        self.info = info
        self.model = model
        self.in_service = in_service
        self.fleet = fleet
        self.owner: Customer | None = None
        self.owner_seq = 0
        self.ownerships: list[Ownership] = []
        self.owned_since = 0.0
        self.odometer = odometer
        self.last_out = int(odometer.m0)
        self.fitment = fitment  # the index of its build spec (world.specs): its parts and book hours
        self.fail_point = array("d")
        self.delay = array("f")
        self.lives = array("H")
        self.comp_time = array("d")
        # the earliest of comp_time and its first index, kept by ``set_failure_times`` and
        # ``set_failure_time``: every turn of the vehicle's process asks for it
        self.fail_at = math.inf
        self.fail_index = -1
        self.svc_miles = array("f")
        self.svc_time = array("f")
        self.shop: Shop | None = None  # the repair shop the owner uses for this vehicle
        self.left_dealer = False
        self.visits = 0
        self.life_at = math.inf
        self.recalls: list[tuple[float, int]] | None = None  # (visit time, campaign index)
        self.comeback: PendingComeback | None = None
        self.inspection_at = math.inf
        self.episodes = 0
        self.scrap_at = math.inf
        self.scrap_hazard = math.inf  # the cumulative scrappage hazard at which it is scrapped
        self.maint_at = math.inf
        self.maint_index = -1
        self.owned_since_day: date | None = None
        self.in_service_day: date | None = None

    # --- time and wear -------------------------------------------------------------------------

    def age_years(self, t: float) -> float:
        return (t - self.in_service) / YEAR_DAYS

    def point(self, wear: WearModel, index: int, t: float) -> float:
        return self.odometer.miles(t) if wear.by_miles[index] else self.age_years(t)

    def failure_time(self, wear: WearModel, index: int) -> float:
        point = self.fail_point[index]
        if point == math.inf:
            return math.inf
        onset = self.odometer.time_at(point) if wear.by_miles[index] else self.in_service + point * YEAR_DAYS
        return onset + self.delay[index]

    def onset_passed(self, wear: WearModel, index: int, t: float) -> bool:
        return self.fail_point[index] <= self.point(wear, index, t)

    def next_failure(self) -> tuple[float, int]:
        """(time, component index) of the earliest failure time, the first index on a tie."""
        return self.fail_at, self.fail_index

    def set_failure_times(self, times: array) -> None:
        """Every component's failure time (``failure_time``) at once."""
        self.comp_time = times
        self.fail_at = best = min(times)
        self.fail_index = times.index(best)

    def set_failure_time(self, index: int, at: float) -> None:
        """One component's failure time: the earliest is rescanned only when it moves later."""
        self.comp_time[index] = at
        best, first = self.fail_at, self.fail_index
        if at < best or (at == best and index < first):
            self.fail_at, self.fail_index = at, index
        elif index == first and at > best:
            self.set_failure_times(self.comp_time)

    def renew(
        self, wear: WearModel, index: int, t: float, miles: float, decline: float, behaviour: Behaviour
    ) -> None:
        """A new part went in at t, with the odometer at ``miles``: draw its life and when its
        failure will bring the owner in."""
        occurrence = self.lives[index]
        self.lives[index] = min(occurrence + 1, 65_535)
        key = self.key
        point = (miles if wear.by_miles[index] else self.age_years(t)) + wear.life(key, index, occurrence)
        self.fail_point[index] = point
        self.delay[index] = wear.delay(key, index, occurrence, decline, behaviour)
        self.set_failure_time(index, self.failure_time(wear, index))

    # --- ownership -----------------------------------------------------------------------------

    def take_owner(self, owner: Customer, t: float, day: date) -> None:
        self.owner = owner
        self.owner_seq += 1
        self.owned_since = t
        self.owned_since_day = day
        owner.vehicle_count += 1

    def release_owner(self, day: date, reason: str) -> Customer:
        owner = self.owner
        self.ownerships.append(Ownership(owner.snapshot.customer_uuid, self.owned_since_day, day, reason))
        owner.vehicle_count -= 1
        self.owner = None
        return owner

    def record(self, scrapped: date | None) -> VehicleRecord:
        ownerships = list(self.ownerships)
        if self.owner is not None:
            ownerships.append(Ownership(self.owner.snapshot.customer_uuid, self.owned_since_day, None, None))
        return VehicleRecord(self.info, self.in_service_day, scrapped, tuple(ownerships))


def refresh_failure_times(vehicles: list[Vehicle], wear: WearModel) -> None:
    """Every component's failure time (``Vehicle.failure_time``) of these vehicles, at once: on
    entering the world, and after the odometer changed course (a new owner).

    A vehicle has a mileage-based failure point per component, each needing an odometer
    inversion; numpy does them all in one pass, with the same float operations as the scalar
    path (``times_at``), so the times are identical. For one vehicle (a sale, a replacement) the
    scalar path costs half of numpy's per-call overhead.
    """
    if len(vehicles) == 1:
        vehicle = vehicles[0]
        vehicle.set_failure_times(
            array("d", [vehicle.failure_time(wear, index) for index in range(len(wear.by_miles))])
        )
        return
    points = np.array([vehicle.fail_point for vehicle in vehicles])
    # The array stores delays as float32; the scalar path adds them widened back to float64.
    delays = np.array([vehicle.delay for vehicle in vehicles], dtype=np.float32).astype(np.float64)
    by_miles = np.array(wear.by_miles)
    finite = np.isfinite(points)
    mileage = by_miles & finite
    in_service = np.array([vehicle.in_service for vehicle in vehicles])[:, np.newaxis]
    onset = np.where(by_miles, 0.0, in_service + points * YEAR_DAYS)
    rows, columns = np.nonzero(mileage)
    if len(rows):
        readings = np.where(mileage, points, 0.0)
        by_odometer = times_at([vehicle.odometer for vehicle in vehicles], readings)
        onset[rows, columns] = by_odometer[rows, columns]
    times = np.where(finite, onset + delays, math.inf)
    for vehicle, row in zip(vehicles, times.tolist(), strict=True):
        vehicle.set_failure_times(array("d", row))
