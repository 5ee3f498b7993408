"""Making people and vehicles: private owners, fleets, dealers' used-vehicle departments, and the
vehicles they own, from the catalog's models and the behaviour rates.

Creation draws (ages, models, mileage rates, identities) come from the shard's sequential streams
in creation order; everything a vehicle later decides uses its own counter-based key.
"""

from __future__ import annotations

import bisect
import itertools
import math
from typing import TYPE_CHECKING

import numpy as np

from world import crn
from world.customers import Customer, organisation_snapshot, person_snapshot
from world.identity import IdentityPool
from world.initial_wear import InitialWear
from world.odometer import YEAR_DAYS, Odometer
from world.planning import BASIC_WARRANTY, dealer_preference
from world.vehicles import Vehicle, refresh_failure_times
from world.vin_factory import VinFactory
from world.visit import VehicleInfo

if TYPE_CHECKING:
    from world.catalog import VehicleModel
    from world.world import World

MIN_MODEL_YEAR = 1981
MAX_AGE_YEARS = 30.0
DELIVERY_MILES = (5, 40)
HOUSEHOLD_VEHICLES = ((1, 0.55), (2, 0.33), (3, 0.12))  # rationale: US households, ~1.9 vehicles each
WEAR_BATCH = 128  # vehicles worn in per numpy pass: amortises call overhead, bounds the arrays


class Population:
    def __init__(self, world: World) -> None:
        self.world = world
        seeds = world.seeds
        region = world.region
        phone_mode = world.scenario.export.phone_mode
        self.draws = seeds.py_random("population")
        self.keys = seeds.py_random("vehicle-keys")
        self.people = IdentityPool(
            seeds.rng("identity", "people"), region.state, region.area_codes, phone_mode
        )
        self.movers = IdentityPool(
            seeds.rng("identity", "movers"), region.state, region.area_codes, phone_mode
        )
        self.vins = VinFactory(world.shard.index)
        self.serials = itertools.count()
        self._by_year: dict[tuple[int, bool], tuple[list[VehicleModel], list[float]]] = {}
        behaviour = world.behaviour
        self.compliance = behaviour.compliance.classes
        self.move_rate = behaviour.move_per_year.value
        self.initial_wear = InitialWear(
            world.wear, behaviour.defer_days.value, behaviour.defer_probability_scale.value
        )

    # --- customers ------------------------------------------------------------------------------

    def private_customer(self, t: float) -> Customer:
        draws = self.draws
        pick = draws.random()
        chosen = self.compliance[-1]
        for cls in self.compliance:
            pick -= cls.share
            if pick < 0:
                chosen = cls
                break
        stretch = chosen.stretch[0] + draws.random() * (chosen.stretch[1] - chosen.stretch[0])
        customer = Customer(
            self.keys.getrandbits(64),
            person_snapshot(self.people),
            "private_owner",
            stretch,
            chosen.decline,
            self.move_rate,
            t,
        )
        lubes = self.world.lubes
        if lubes and draws.random() < self.world.behaviour.quick_lube_preference.value:
            customer.lube_shop = lubes[draws.randrange(len(lubes))]
        self.world.customers.append(customer)
        return customer

    def organisation(self, t: float, name: str, archetype: str, discount_bp: int, po_prefix: str) -> Customer:
        fleet = self.world.behaviour.fleet_compliance
        stretch = fleet.stretch[0] + self.draws.random() * (fleet.stretch[1] - fleet.stretch[0])
        customer = Customer(
            self.keys.getrandbits(64),
            organisation_snapshot(self.people, name, discount_bp),
            archetype,
            stretch,
            fleet.decline,
            0.0,
            t,
        )
        customer.po_prefix = po_prefix
        self.world.customers.append(customer)
        return customer

    def household_size(self) -> int:
        pick = self.draws.random()
        for size, share in HOUSEHOLD_VEHICLES:
            pick -= share
            if pick < 0:
                return size
        return HOUSEHOLD_VEHICLES[-1][0]

    # --- vehicles -------------------------------------------------------------------------------

    def _models(self, year: int, fleet: bool) -> tuple[list[VehicleModel], list[float]]:
        cached = self._by_year.get((year, fleet))
        if cached is None:
            models = [
                m
                for m in self.world.catalog.models
                if m.first_year <= year
                and (m.last_year is None or year <= m.last_year)
                and (m.fleet or not fleet)
            ]
            cached = (models, list(itertools.accumulate(m.weight for m in models)))
            self._by_year[year, fleet] = cached
        return cached

    def vehicle(
        self, t: float, owner: Customer, age_years: float, fleet: bool, annual_miles: float
    ) -> Vehicle:
        """A vehicle entering the world at t, already ``age_years`` old, owned by ``owner``; its
        parts' wear is set by ``wear_in`` before it starts."""
        world = self.world
        draws = self.draws
        age_years = min(age_years, MAX_AGE_YEARS)
        in_service = t - age_years * YEAR_DAYS
        in_service_day = world.day_of(in_service)
        year = max(MIN_MODEL_YEAR, in_service_day.year)
        models, cumulative = self._models(year, fleet)
        model = models[bisect.bisect_right(cumulative, draws.random() * cumulative[-1])]
        info = VehicleInfo(
            self.vins.vin(model.make, model.model, year), year, model.make, model.model, model.segment
        )
        daily = annual_miles / YEAR_DAYS
        behaviour = world.behaviour
        noise = behaviour.daily_noise.value
        amplitude = behaviour.seasonal_amplitude.value * (1 + noise * (2 * draws.random() - 1))
        phase = draws.random() * noise * YEAR_DAYS
        miles_now = draws.randint(*DELIVERY_MILES) + daily * age_years * YEAR_DAYS * (
            1 + noise * (2 * draws.random() - 1)
        )
        vehicle = Vehicle(
            next(self.serials),
            self.keys.getrandbits(64),
            info,
            model,
            in_service,
            fleet,
            Odometer(t, miles_now, daily, amplitude, phase),
        )
        vehicle.in_service_day = in_service_day
        vehicle.take_owner(owner, t, world.day_of(t))
        world.schedule.start(vehicle, t, [draws.random() for _ in world.schedule.keys])
        vehicle.maint_at, vehicle.maint_index = world.schedule.next_due(vehicle)
        self._recalls(vehicle, t)
        if world.state_inspection:
            vehicle.inspection_at = t + draws.random() * YEAR_DAYS
        vehicle.shop = self.first_shop(vehicle, t)
        world.life_events.schedule_scrap(vehicle, t)
        world.life_events.schedule_tenure(vehicle, t)
        return vehicle

    def wear_in(self, vehicles: list[Vehicle], t: float) -> None:
        """The wear history of vehicles entering the world together at t (their draws are their
        own, so batching them changes nothing but the cost)."""
        wear = self.world.wear
        for first in range(0, len(vehicles), WEAR_BATCH):
            batch = vehicles[first : first + WEAR_BATCH]
            points, lives, delays = self.initial_wear.states(
                [vehicle.key for vehicle in batch],
                [vehicle.odometer.miles(t) for vehicle in batch],
                [vehicle.age_years(t) for vehicle in batch],
                [vehicle.owner.decline for vehicle in batch],
            )
            np.minimum(lives, 65_535, out=lives)
            for vehicle, row_points, row_lives, row_delays in zip(
                batch, points.tolist(), lives.tolist(), delays.tolist(), strict=True
            ):
                vehicle.fail_point.extend(row_points)
                vehicle.lives.extend(row_lives)
                vehicle.delay.extend(row_delays)
            refresh_failure_times(batch, wear)

    def _recalls(self, vehicle: Vehicle, t: float) -> None:
        world = self.world
        info = vehicle.info
        completion = world.behaviour.recall_completion.value
        mean_delay = world.behaviour.recall_delay_days.value
        for campaign, recall in enumerate(world.recall_list):
            if not recall.covers(info.make, info.model, info.year):
                continue
            respond_u, delay_u = crn.uniforms(vehicle.key, crn.RECALL + campaign, 0, 2)
            if respond_u >= completion:
                continue
            at = max(world.recall_announced[campaign], t) - math.log(delay_u) * mean_delay
            vehicle.recalls = (vehicle.recalls or []) + [(at, campaign)]

    def first_shop(self, vehicle: Vehicle, t: float):
        """The repair shop a new owner picks for this vehicle: the brand's dealer or an independent."""
        world = self.world
        dealers = world.dealers_by_brand.get(vehicle.info.make)
        age = vehicle.age_years(t)
        preference = dealer_preference(world, age)
        pick = self.draws.random()
        vehicle.left_dealer = age >= BASIC_WARRANTY[0]
        if dealers and (pick < preference or not world.independents):
            return dealers[vehicle.key % len(dealers)]
        if world.independents:
            return world.independents[self.draws.randrange(len(world.independents))]
        return world.repair_shops[self.draws.randrange(len(world.repair_shops))]

    def private_miles(self) -> float:
        spec = self.world.behaviour.private_annual_miles
        return spec.median * math.exp(spec.sigma * self.draws.gauss(0.0, 1.0))

    def initial_private_age(self) -> float:
        spec = self.world.behaviour.initial_private_age
        return self.draws.gammavariate(spec.shape, spec.mean / spec.shape)

    def replacement_age(self) -> float:
        behaviour = self.world.behaviour
        if self.draws.random() < behaviour.replacement_new_share.value:
            return 0.0
        low, high = behaviour.replacement_used_age.range
        return low + self.draws.random() * (high - low)
