"""One shard's world: its shops, owners and vehicles in a SimPy environment, and its history.

``build(scenario, seed, shard)`` lays out the world; ``World.run()`` yields each visit opened in
[start, end) as it closes. All randomness comes from ``Seeds(seed).child("shard", shard.key)``.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import simpy

from world.assembly import JobAssembler
from world.catalog import load_catalog
from world.identity import COMPANY_PLACES
from world.life_events import LifeEvents
from world.lifecycle import perform, vehicle_life
from world.maintenance import MaintenanceSchedule
from world.odometer import YEAR_DAYS
from world.population import Population
from world.seeding import Seeds
from world.shards import ShardSpec, shop_slots
from world.shops import Shop, make_shop
from world.sim_driver import run_in_chunks
from world.vehicles import Vehicle
from world.visit import Visit, WorldLedger
from world.wear import WearModel

DRAW_SEED_BATCH = 4096
ONE_MINUTE = timedelta(minutes=1)
GC_YOUNG_THRESHOLD = 10_000  # allocations between young collections while the world runs
SHOP_SUFFIX = {
    "independent": ("Auto Repair", "Automotive", "Auto Care", "Car Care Center", "Service Center"),
    "quick_lube": ("Quick Lube", "Express Oil", "Lube Center"),
}


class World:
    def __init__(self, scenario, seed: int, shard: ShardSpec) -> None:
        self.scenario = scenario
        self.shard = shard
        self.seeds = Seeds(seed).child("shard", shard.key)
        self.region = next(r for r in scenario.world.regions if r.id == shard.region_id)
        self.catalog = catalog = load_catalog()
        self.behaviour = behaviour = catalog.behaviour
        self.wear = WearModel(catalog, scenario.world.failure_rate_scale)
        self.dealer_capture = tuple(catalog.components[key].dealer_capture for key in self.wear.keys)
        self.schedule = MaintenanceSchedule(catalog)
        self.assembler = JobAssembler(catalog)
        self.comeback_scale = behaviour.comeback_scale.value * scenario.world.comeback_scale
        # a comeback redoes the repair; the fault was already diagnosed on the first visit
        self.repair_ops = {
            key: tuple(
                op
                for op in c.operations
                if catalog.operations[op].concern == key and catalog.operations[op].category != "diagnosis"
            )
            for key, c in catalog.components.items()
        }
        self.recall_list = list(catalog.recalls.values())
        self.mpi_share = catalog.inspections["multipoint_inspection"].share_of_dealer_visits or 0.0
        self.inspection_at_lube = catalog.inspections["state_inspection"].quick_lube
        self.state_inspection = self.region.state_inspection
        hours = behaviour.arrival_hours
        self.dropoff_window = tuple((c.hour * 60 + c.minute) / 1440 for c in hours.dropoff)
        self.waiter_window = tuple((c.hour * 60 + c.minute) / 1440 for c in hours.waiter)

        warmup_days = round(scenario.world.warmup_years * YEAR_DAYS)
        self.epoch = scenario.start - timedelta(days=warmup_days)
        self.zone = ZoneInfo(self.region.timezone)
        # Local wall-clock arithmetic: adding to an aware datetime keeps its zone and wall time.
        self._epoch_datetime = datetime(self.epoch.year, self.epoch.month, self.epoch.day, tzinfo=self.zone)
        self.start_t = float(warmup_days)
        self.end_t = float((scenario.end - self.epoch).days)
        self.recall_announced = [self.start_t + r.announced_days_after_start for r in self.recall_list]

        self.env = simpy.Environment()
        self._buffer: list[Visit] = []
        self._draw_seeds = self.seeds.rng("draw-seeds")
        self._seed_batch: list[int] = []
        self.customers = []
        self.retired = []
        self.alive: dict[int, Vehicle] = {}
        self.live_vehicles = 0
        self.target_vehicles = 0
        self._build_shops()
        self.life_events = LifeEvents(self)
        self.population = Population(self)
        self._build_organisations()
        self._populate()

    # --- layout -------------------------------------------------------------------------------

    def _build_shops(self) -> None:
        rng = self.seeds.py_random("shops")
        region = self.region
        tax = int(region.tax_rate * 10_000)
        self.shops: list[Shop] = []
        for number, slot in enumerate(shop_slots(self.scenario.world, self.shard)):
            place = COMPANY_PLACES[(number + rng.randrange(len(COMPANY_PLACES))) % len(COMPANY_PLACES)]
            if slot.kind == "dealer":
                name = f"{place} {' '.join(slot.brands[:2])}"
            elif slot.kind == "fleet_depot":
                name = f"{slot.fleet.replace('_', ' ').replace('-', ' ').title()} Fleet Depot"
            else:
                name = f"{place} {rng.choice(SHOP_SUFFIX[slot.kind])}"
            self.shops.append(
                make_shop(
                    self.env,
                    slot,
                    name,
                    self.catalog.shop_kinds[slot.kind],
                    rng,
                    region.timezone,
                    region.state,
                    region.id,
                    tax,
                    region.shops.bays_scale,
                    self.epoch.weekday(),
                    self.catalog.shop_kinds[slot.kind].rates_as_of,
                )
            )
        self.dealers = [s for s in self.shops if s.info.kind == "dealer"]
        self.independents = [s for s in self.shops if s.info.kind == "independent"]
        self.lubes = [s for s in self.shops if s.info.kind == "quick_lube"]
        self.repair_shops = self.dealers + self.independents
        self.dealers_by_brand: dict[str, list[Shop]] = {}
        for dealer in self.dealers:
            for brand in dealer.info.brands:
                self.dealers_by_brand.setdefault(brand, []).append(dealer)
        # An owner trades in where they buy the next vehicle: at a local dealer only as often as
        # the local dealers' brands sell (by the catalog's sales weights).
        total = sum(m.weight for m in self.catalog.models)
        local = sum(m.weight for m in self.catalog.models if m.make in self.dealers_by_brand)
        self.local_brand_share = local / total

    def _build_organisations(self) -> None:
        population = self.population
        self.used_departments = {
            dealer.info.shop_id: population.organisation(
                0.0, f"{dealer.info.name} Used Vehicle Dept", "dealer_used_department", 0, dealer.info.shop_id
            )
            for dealer in self.dealers
        }
        depots = {s.info.name: s for s in self.shops if s.info.kind == "fleet_depot"}
        self.fleets = []
        for number, account in enumerate(self.region.fleets):
            customer = population.organisation(
                0.0,
                population.people.company_name(),
                account.archetype,
                int(account.discount_percent * 100),
                f"F{number:02d}",
            )
            if account.maintained_at == "depot":
                depot_name = f"{account.name.replace('_', ' ').replace('-', ' ').title()} Fleet Depot"
                customer.fleet_shop = depots[depot_name]
            else:
                contractors = self.independents or self.repair_shops
                customer.fleet_shop = contractors[population.draws.randrange(len(contractors))]
            self.fleets.append((customer, account))
        self._fleet_miles = {
            id(customer): account.annual_miles or self.behaviour.fleet_annual_miles.range
            for customer, account in self.fleets
        }

    def fleet_miles(self, fleet) -> float:
        low, high = self._fleet_miles[id(fleet)]
        return low + self.population.draws.random() * (high - low)

    def _populate(self) -> None:
        population = self.population
        vehicles = []
        remaining = self.region.private_vehicles
        while remaining > 0:
            owner = population.private_customer(0.0)
            for _ in range(min(remaining, population.household_size())):
                vehicles.append(
                    population.vehicle(
                        0.0, owner, population.initial_private_age(), False, population.private_miles()
                    )
                )
                remaining -= 1
        low, high = self.behaviour.initial_fleet_age.range
        for customer, account in self.fleets:
            for _ in range(account.vehicles):
                age = low + population.draws.random() * (high - low)
                vehicles.append(population.vehicle(0.0, customer, age, True, self.fleet_miles(customer)))
        population.wear_in(vehicles, 0.0)
        for vehicle in vehicles:
            self.start(vehicle)
        self.target_vehicles = self.live_vehicles

    # --- running ------------------------------------------------------------------------------

    def start(self, vehicle: Vehicle) -> None:
        self.live_vehicles += 1
        self.alive[vehicle.serial] = vehicle
        self.env.process(vehicle_life(self, vehicle))

    def perform(self, vehicle: Vehicle, plan):
        return perform(self, vehicle, plan)

    def retire(self, vehicle: Vehicle, day: date) -> None:
        self.live_vehicles -= 1
        self.retired.append(vehicle.record(day))
        del self.alive[vehicle.serial]

    def depart(self, vehicle: Vehicle) -> None:
        """The vehicle leaves the region unscrapped (wholesaled to an out-of-region auction)."""
        self.live_vehicles -= 1
        self.retired.append(vehicle.record(None))
        del self.alive[vehicle.serial]

    def emit(self, visit: Visit) -> None:
        self._buffer.append(visit)

    def next_draw_seed(self) -> int:
        if not self._seed_batch:
            batch = self._draw_seeds.integers(0, 2**64, size=DRAW_SEED_BATCH, dtype=np.uint64)
            self._seed_batch = batch.tolist()[::-1]
        return self._seed_batch.pop()

    def day_of(self, t: float) -> date:
        return self.epoch + timedelta(days=math.floor(t))

    def local_datetime(self, t: float) -> datetime:
        # A whole number of minutes times a one-minute timedelta is exact, and cheaper to build.
        return self._epoch_datetime + ONE_MINUTE * round(t * 1440)

    @property
    def sim_date(self) -> date:
        return self.day_of(self.env.now)

    def run(self) -> Iterator[Visit]:
        """Visits opened in [start, end), in the order they close."""
        # The run allocates millions of short-lived objects (plans, events, records) among a large
        # long-lived world; at the default threshold of 700 allocations the cyclic collector's
        # young scans cost 10-15 % of the run (measured), so it runs less often meanwhile.
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], GC_YOUNG_THRESHOLD), *thresholds[1:])
        try:
            yield from run_in_chunks(self.env, self.end_t, self._buffer)
        finally:
            gc.set_threshold(*thresholds)
        # The run is over: vehicles still in the world become records, so their simulation state
        # (parts, services, odometer, about 1.5 KB each) is freed before the exporter writes
        # the ledger, which is when a shard's memory peaks.
        self.retired.extend(vehicle.record(None) for vehicle in self.alive.values())
        self.alive.clear()

    def ledger(self) -> WorldLedger:
        vehicles = self.retired + [vehicle.record(None) for vehicle in self.alive.values()]
        vehicles.sort(key=lambda record: record.info.vin)
        return WorldLedger(
            self.shard.index,
            tuple(s.info for s in self.shops),
            tuple(c.record() for c in self.customers),
            tuple(vehicles),
        )


def build(scenario, seed: int, shard: ShardSpec) -> World:
    return World(scenario, seed, shard)
