"""One shard's world: its shops, owners and vehicles in a SimPy environment, and its history.

``build(scenario, seed, shard)`` lays out the world; ``World.run()`` yields each visit opened in
[start, end) as it closes. All randomness comes from ``Seeds(seed).child("shard", shard.key)``.

``World`` is the composition root: it builds the fixed parts (the calendar, the market of shops,
the catalog's models of wear, maintenance and book hours) and hands each behaviour only what it
needs — shop choice, warranty, visit planning, the workshop, life events, the population — then
runs the vehicles' processes. No behaviour holds the world.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date

import simpy

from world.assembly import JobAssembler
from world.calendar import Calendar
from world.catalog import load_catalog
from world.census import Census
from world.citations import CitationHabits
from world.fitment import Fitter
from world.identity import IdentityPool
from world.life_events import LifeEvents
from world.lifecycle import VehicleLife
from world.lifespans import LifeSpans
from world.maintenance import MaintenanceSchedule
from world.market import build_market
from world.odometer import YEAR_DAYS
from world.planning import VisitPlanner
from world.population import Population
from world.seeding import Seeds
from world.shards import ShardSpec, shop_slots
from world.shop_choice import ShopChoice
from world.shop_records import ShopRecords
from world.sim_driver import run_in_chunks
from world.specs import SpecBook
from world.vehicles import Vehicle
from world.vin_factory import VinFactory
from world.visit import Visit, WorldLedger
from world.warranty import WarrantyPolicy
from world.wear import WearModel
from world.workshop import DrawSeeds, Workshop

GC_YOUNG_THRESHOLD = 10_000  # allocations between young collections while the world runs


class World:
    def __init__(self, scenario, seed: int, shard: ShardSpec) -> None:
        self.shard = shard
        seeds = Seeds(seed).child("shard", shard.key)
        self.region = region = next(r for r in scenario.world.regions if r.id == shard.region_id)
        self.catalog = catalog = load_catalog()
        behaviour = catalog.behaviour
        self.env = env = simpy.Environment()
        self.calendar = calendar = Calendar(
            scenario.start, scenario.end, round(scenario.world.warmup_years * YEAR_DAYS), region.timezone
        )
        self.market = market = build_market(
            env,
            shop_slots(scenario.world, shard),
            region,
            catalog,
            seeds.py_random("shops"),
            calendar,
            Seeds(seed).py_random("depot-names"),
        )
        wear = WearModel(catalog, scenario.world.failure_rate_scale)
        specs = SpecBook(catalog.specs, catalog.fitment.requires)
        schedule = MaintenanceSchedule(catalog, specs)
        assembler = JobAssembler(
            Fitter(catalog, specs), frozenset(catalog.bundles.lube_technicians.operations)
        )
        recall_announced = tuple(
            float((recall.announced - calendar.epoch).days) for recall in catalog.recalls.values()
        )
        choice = ShopChoice(
            market, behaviour, tuple(catalog.components[key].dealer_capture for key in wear.keys), wear.keys
        )
        self.planner = planner = VisitPlanner(
            catalog,
            choice,
            WarrantyPolicy(behaviour.warranty, wear.coverage),
            wear,
            schedule,
            assembler,
            recall_announced,
            region.state_inspection,
        )
        self.census = census = Census()
        lifespans = LifeSpans(behaviour)
        phone_mode = scenario.export.phone_mode
        population = Population(
            seeds.py_random("population"),
            seeds.py_random("vehicle-keys"),
            IdentityPool(seeds.rng("identity", "people"), region.state, region.area_codes, phone_mode),
            VinFactory(shard.index),
            catalog,
            wear,
            schedule,
            calendar,
            market,
            choice,
            lifespans,
            census,
            recall_announced,
            region.state_inspection,
            specs,
        )
        identity = scenario.world.identity
        self.shop_records = shop_records = (
            ShopRecords(seeds, identity.typo_rate) if identity.customer_ids == "per_shop" else None
        )
        self._buffer: list[Visit] = []
        workshop = Workshop(
            env,
            calendar,
            wear,
            schedule,
            behaviour,
            scenario.world.comeback_scale,
            IdentityPool(seeds.rng("identity", "movers"), region.state, region.area_codes, phone_mode),
            shop_records,
            self._buffer.append,
            DrawSeeds(seeds.rng("draw-seeds")),
            CitationHabits(seeds.integer("citation-habits"), behaviour.comeback_citation.value),
        )
        used_departments = population.used_departments()
        fleets = population.fleets(region.fleets)
        life_events = LifeEvents(
            env,
            calendar,
            behaviour,
            market,
            used_departments,
            census,
            population,
            planner,
            workshop,
            lifespans,
            self.start,
        )
        self._lives = VehicleLife(env, calendar.end_t, planner, workshop, life_events)
        for vehicle in population.initial_vehicles(region.private_vehicles, fleets):
            self.start(vehicle)
        census.set_target()

    def start(self, vehicle: Vehicle) -> None:
        """The vehicle enters the world and its process begins."""
        self.census.enter(vehicle)
        self.env.process(self._lives.run(vehicle))

    @property
    def sim_date(self) -> date:
        return self.calendar.day_of(self.env.now)

    def run(self) -> Iterator[Visit]:
        """Visits opened in [start, end), in the order they close."""
        # The run allocates millions of short-lived objects (plans, events, records) among a large
        # long-lived world; at the default threshold of 700 allocations the cyclic collector's
        # young scans cost 10-15 % of the run (measured), so it runs less often meanwhile.
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], GC_YOUNG_THRESHOLD), *thresholds[1:])
        try:
            yield from run_in_chunks(self.env, self.calendar.end_t, self._buffer)
        finally:
            gc.set_threshold(*thresholds)
        self.census.close()

    def ledger(self) -> WorldLedger:
        return WorldLedger(
            self.shard.index,
            tuple(s.info for s in self.market.shops),
            tuple(c.record() for c in self.census.customers),
            tuple(self.census.vehicle_records()),
            self.shop_records.truth() if self.shop_records is not None else (),
        )


def build(scenario, seed: int, shard: ShardSpec) -> World:
    return World(scenario, seed, shard)
