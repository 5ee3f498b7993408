"""Who is in the world: every customer made, the vehicles alive and the records of those gone, and
the population target that replacements keep the vehicle count near."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from world.visit import VehicleRecord

if TYPE_CHECKING:
    from world.customers import Customer
    from world.vehicles import Vehicle


class Census:
    __slots__ = ("customers", "alive", "retired", "live_vehicles", "target_vehicles")

    def __init__(self) -> None:
        self.customers: list[Customer] = []
        self.alive: dict[int, Vehicle] = {}
        self.retired: list[VehicleRecord] = []
        self.live_vehicles = 0
        self.target_vehicles = 0

    def register(self, customer: Customer) -> None:
        self.customers.append(customer)

    def enter(self, vehicle: Vehicle) -> None:
        self.live_vehicles += 1
        self.alive[vehicle.serial] = vehicle

    def set_target(self) -> None:
        """The vehicles alive now are the population the world keeps to."""
        self.target_vehicles = self.live_vehicles

    @property
    def over_target(self) -> bool:
        return self.live_vehicles > self.target_vehicles

    @property
    def under_target(self) -> bool:
        return self.live_vehicles < self.target_vehicles

    def retire(self, vehicle: Vehicle, day: date) -> None:
        """The vehicle is scrapped on ``day``."""
        self._leave(vehicle, day)

    def depart(self, vehicle: Vehicle) -> None:
        """The vehicle leaves the region unscrapped (wholesaled to an out-of-region auction)."""
        self._leave(vehicle, None)

    def _leave(self, vehicle: Vehicle, scrapped: date | None) -> None:
        self.live_vehicles -= 1
        self.retired.append(vehicle.record(scrapped))
        del self.alive[vehicle.serial]

    def close(self) -> None:
        """The run is over: vehicles still in the world become records, so their simulation state
        (parts, services, odometer, about 1.5 KB each) is freed before the ledger is written."""
        self.retired.extend(vehicle.record(None) for vehicle in self.alive.values())
        self.alive.clear()

    def vehicle_records(self) -> list[VehicleRecord]:
        """Every vehicle's record, by VIN."""
        vehicles = self.retired + [vehicle.record(None) for vehicle in self.alive.values()]
        vehicles.sort(key=lambda record: record.info.vin)
        return vehicles
