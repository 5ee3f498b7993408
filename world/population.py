"""Making people and vehicles: private owners, fleets, dealers' used-vehicle departments, and the
vehicles they own, from the catalog's models and the behaviour rates.

Creation draws (ages, models, mileage rates, identities) come from the shard's sequential streams
in creation order; everything a vehicle later decides uses its own counter-based key.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from datetime import date
from statistics import NormalDist

import numpy as np

import world.crn as crn
from world.calendar import Calendar
from world.catalog import Catalog, Recall, VehicleModel
from world.census import Census
from world.config import FleetAccountConfig
from world.customers import Customer, organisation_snapshot, person_snapshot
from world.identity import IdentityPool
from world.initial_wear import InitialWear
from world.lifespans import LifeSpans
from world.maintenance import MaintenanceSchedule
from world.market import Market
from world.odometer import FLAT, YEAR_DAYS, Odometer, UsageCurve
from world.shop_choice import ShopChoice
from world.specs import SpecBook
from world.vehicles import Vehicle, refresh_failure_times
from world.vin_factory import VinFactory
from world.visit import VehicleInfo
from world.wear import WearModel

WEAR_BATCH = 128  # vehicles worn in per numpy pass: amortises call overhead, bounds the arrays
# An owner's annual-miles multiplier, per vehicle and ownership, so that a vehicle driven hard
# stays driven hard for as long as its owner keeps it.
USAGE_STREAM = crn.stream("vehicle", "annual_miles")
HISTORY_STREAM = crn.stream("vehicle", "annual_miles", "history")
_STANDARD_NORMAL = NormalDist()
# The multiplier's lognormal is cut at this quantile: no owner drives more than about four times the
# mean for the vehicle's age (~50k mi a year when new: rideshare and long-commute extremes).
USAGE_QUANTILE_CAP = 0.9999


class Population:
    """Creates the world's customers and vehicles; every one made is registered in the census."""

    def __init__(
        self,
        draws: random.Random,
        keys: random.Random,
        people: IdentityPool,
        vins: VinFactory,
        catalog: Catalog,
        wear: WearModel,
        schedule: MaintenanceSchedule,
        calendar: Calendar,
        market: Market,
        choice: ShopChoice,
        lifespans: LifeSpans,
        census: Census,
        recall_announced: tuple[float, ...],
        state_inspection: bool,
        specs: SpecBook,
    ) -> None:
        """``draws``: the sequential stream of creation draws; ``keys``: the stream of customers'
        and vehicles' counter-based keys; ``people``: the identities of new customers; ``specs``:
        chooses each vehicle's build."""
        self.draws = draws
        self.keys = keys
        self.people = people
        self.vins = vins
        self.serials = itertools.count()
        self.catalog = catalog
        self.wear = wear
        self.schedule = schedule
        self.calendar = calendar
        self.market = market
        self.choice = choice
        self.lifespans = lifespans
        self.census = census
        self.recalls: tuple[Recall, ...] = tuple(catalog.recalls.values())
        self.recall_announced = recall_announced
        # whether the owner responds to the campaign, and when: per vehicle
        self._recall_streams = tuple(crn.stream("recall", recall.campaign_id) for recall in self.recalls)
        self._campaigns_by_model_year: dict[tuple[str, str, int], tuple[int, ...]] = {}
        self.state_inspection = state_inspection
        self.specs = specs
        self._lacking_components: dict[int, tuple[int, ...]] = {}
        self._by_year: dict[tuple[int, bool], tuple[list[VehicleModel], list[float]]] = {}
        self._fleet_miles: dict[int, tuple[float, float]] = {}
        behaviour = self.behaviour = catalog.behaviour
        self.compliance = behaviour.compliance.classes
        self.move_rate = behaviour.move_per_year.value
        self.households = behaviour.household_vehicles.sizes
        self.delivery_miles = tuple(int(miles) for miles in behaviour.delivery_miles.range)
        self.private_curve = UsageCurve(behaviour.private_annual_miles.by_age)
        self._usage_sigma = behaviour.private_annual_miles.sigma
        self._floor_year = min(model.first_year for model in catalog.models)
        self._floor_t = float((date(self._floor_year, 1, 1) - calendar.epoch).days)
        bands = behaviour.registration_age.bands
        self._age_edges = np.array([0.0] + [band.years[1] for band in bands])
        self._age_cumulative = np.concatenate(([0.0], np.cumsum([band.share for band in bands])))
        self.initial_wear = InitialWear(
            wear, behaviour.defer_days.value, behaviour.defer_probability_scale.value
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
        lubes = self.market.lubes
        if lubes and draws.random() < self.behaviour.quick_lube_preference.value:
            customer.lube_shop = lubes[draws.randrange(len(lubes))]
        self.census.register(customer)
        return customer

    def organisation(self, t: float, name: str, archetype: str, discount_bp: int, po_prefix: str) -> Customer:
        fleet = self.behaviour.fleet_compliance
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
        self.census.register(customer)
        return customer

    def used_departments(self) -> dict[str, Customer]:
        """Each dealer's used-vehicle department (the owner of its trade-ins), by shop id."""
        return {
            dealer.info.shop_id: self.organisation(
                0.0, f"{dealer.info.name} Used Vehicle Dept", "dealer_used_department", 0, dealer.info.shop_id
            )
            for dealer in self.market.dealers
        }

    def fleets(self, accounts: Sequence[FleetAccountConfig]) -> list[tuple[Customer, FleetAccountConfig]]:
        """The region's fleet accounts as customers, each with the shop that maintains it."""
        market = self.market
        fleets = []
        for number, account in enumerate(accounts):
            customer = self.organisation(
                0.0,
                self.people.company_name(),
                account.archetype,
                int(account.discount_percent * 100),
                f"F{number:02d}",
            )
            if account.maintained_at == "depot":
                customer.fleet_shop = market.depots[account.name]
            else:
                contractors = market.independents or market.repair_shops
                customer.fleet_shop = contractors[self.draws.randrange(len(contractors))]
            self._fleet_miles[id(customer)] = account.annual_miles or self.behaviour.fleet_annual_miles.range
            fleets.append((customer, account))
        return fleets

    def fleet_miles(self, fleet: Customer) -> float:
        low, high = self._fleet_miles[id(fleet)]
        return low + self.draws.random() * (high - low)

    def household_size(self) -> int:
        pick = self.draws.random()
        for size in self.households:
            pick -= size.share
            if pick < 0:
                return size.vehicles
        return self.households[-1].vehicles

    def initial_vehicles(
        self, private_vehicles: int, fleets: list[tuple[Customer, FleetAccountConfig]]
    ) -> list[Vehicle]:
        """The vehicles on the road when the world begins (t = 0), worn in."""
        vehicles = []
        remaining = private_vehicles
        while remaining > 0:
            owner = self.private_customer(0.0)
            for _ in range(min(remaining, self.household_size())):
                vehicles.append(self.vehicle(0.0, owner, self.initial_private_age(0.0), False))
                remaining -= 1
        low, high = self.behaviour.initial_fleet_age.range
        for customer, account in fleets:
            for _ in range(account.vehicles):
                age = low + self.draws.random() * (high - low)
                vehicles.append(self.vehicle(0.0, customer, age, True))
        self.wear_in(vehicles, 0.0)
        return vehicles

    # --- vehicles -------------------------------------------------------------------------------

    def _models(self, year: int, fleet: bool) -> tuple[list[VehicleModel], list[float]]:
        cached = self._by_year.get((year, fleet))
        if cached is None:
            models = [
                m
                for m in self.catalog.models
                if m.first_year <= year
                and (m.last_year is None or year <= m.last_year)
                and (m.fleet or not fleet)
            ]
            cached = (models, list(itertools.accumulate(m.weight for m in models)))
            self._by_year[year, fleet] = cached
        return cached

    def vehicle(self, t: float, owner: Customer, age_years: float, fleet: bool) -> Vehicle:
        """A vehicle entering the world at t, already ``age_years`` old, owned by ``owner`` (a
        fleet vehicle runs its account's duty cycle); its parts' wear is set by ``wear_in``."""
        calendar = self.calendar
        schedule = self.schedule
        draws = self.draws
        in_service = t - age_years * YEAR_DAYS
        in_service_day = calendar.day_of(in_service)
        # Only a scenario whose warm-up starts before the catalog's first model year asks for more.
        year = max(self._floor_year, in_service_day.year)
        models, cumulative = self._models(year, fleet)
        model = models[bisect.bisect_right(cumulative, draws.random() * cumulative[-1])]
        behaviour = self.behaviour
        noise = behaviour.daily_noise.value
        amplitude = behaviour.seasonal_amplitude.value * (1 + noise * (2 * draws.random() - 1))
        phase = draws.random() * noise * YEAR_DAYS
        key = self.keys.getrandbits(64)
        fitment, trim = self.specs.choose(model, year, fleet, key)
        vin = self.vins.vin(model.make, model.model, year, trim.name, trim.engine.code)
        info = VehicleInfo(vin, year, model.make, model.model, model.segment, self.specs.spec(fitment))
        if fleet:
            curve, scale = FLAT, self.fleet_miles(owner)
            past_miles = scale * age_years
        else:
            curve, scale = self.private_curve, self.usage_scale(key, 1)
            past_miles = self.past_miles(key, t - in_service)
        miles_now = draws.randint(*self.delivery_miles) + past_miles
        vehicle = Vehicle(
            next(self.serials),
            key,
            info,
            model,
            in_service,
            fleet,
            Odometer(t, miles_now, curve, scale, in_service, amplitude, phase),
            fitment,
        )
        vehicle.in_service_day = in_service_day
        vehicle.take_owner(owner, t, calendar.day_of(t))
        schedule.start(vehicle, t, [draws.random() for _ in schedule.keys])
        vehicle.maint_at, vehicle.maint_index = schedule.next_due(vehicle)
        self._recalls(vehicle, t)
        if self.state_inspection:
            vehicle.inspection_at = t + draws.random() * YEAR_DAYS
        vehicle.shop = self.first_shop(vehicle, t)
        self.lifespans.schedule_scrap(vehicle, t)
        self.lifespans.schedule_tenure(vehicle, t)
        return vehicle

    def wear_in(self, vehicles: list[Vehicle], t: float) -> None:
        """The wear history of vehicles entering the world together at t (their draws are their
        own, so batching them changes nothing but the cost)."""
        wear = self.wear
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
                for index in self._lacking(vehicle.fitment):
                    vehicle.fail_point[index] = math.inf
                vehicle.lives.extend(row_lives)
                vehicle.delay.extend(row_delays)
            refresh_failure_times(batch, wear)

    def _lacking(self, fitment: int) -> tuple[int, ...]:
        """The components (wear indices) a build lacks, which never fail on it."""
        lacking = self._lacking_components.get(fitment)
        if lacking is None:
            absent = self.specs.lacks(fitment)
            lacking = tuple(index for index, key in enumerate(self.wear.keys) if key in absent)
            self._lacking_components[fitment] = lacking
        return lacking

    def _recalls(self, vehicle: Vehicle, t: float) -> None:
        info = vehicle.info
        completion = self.behaviour.recall_completion.value
        mean_delay = self.behaviour.recall_delay_days.value
        for campaign in self._campaigns(info.make, info.model, info.year):
            respond_u, delay_u = crn.uniforms(vehicle.key, self._recall_streams[campaign], 0, 2)
            if respond_u >= completion:
                continue
            # The owner acts on the notice once the campaign and the vehicle both exist: a response
            # due before the vehicle entered the world was done by then (the delay is memoryless,
            # so one still open at t keeps the same law).
            at = max(self.recall_announced[campaign], vehicle.in_service) - math.log(delay_u) * mean_delay
            if at < t:
                continue
            vehicle.recalls = (vehicle.recalls or []) + [(at, campaign)]

    def _campaigns(self, make: str, model: str, year: int) -> tuple[int, ...]:
        """The recall campaigns (indices) covering a model year, worked out once per model year."""
        campaigns = self._campaigns_by_model_year.get((make, model, year))
        if campaigns is None:
            campaigns = tuple(
                campaign for campaign, recall in enumerate(self.recalls) if recall.covers(make, model, year)
            )
            self._campaigns_by_model_year[make, model, year] = campaigns
        return campaigns

    def first_shop(self, vehicle: Vehicle, t: float):
        """The repair shop a new owner picks for this vehicle: the brand's dealer or an independent."""
        return self.choice.first_shop(vehicle, t, self.draws)

    def usage_scale(self, key: int, ownership: int) -> float:
        """The multiplier of the mean annual miles by age that an ownership of the vehicle drives:
        lognormal with mean 1, drawn once per ownership."""
        return self._lognormal(crn.uniform(key, USAGE_STREAM, ownership))

    def past_miles(self, key: int, age_days: float) -> float:
        """What the owners before a private vehicle entered the world drove: a multiple of the mean
        curve, drawn among the vehicles of its age that the mileage hazard of scrappage left on the
        road (rejection on the vehicle's own counter), so no survivor's odometer is implausible."""
        mean = self.private_curve.total(age_days)
        attempt = 0
        while True:
            scale_u, keep_u = crn.uniforms(key, HISTORY_STREAM, attempt, 2)
            miles = self._lognormal(scale_u) * mean
            if keep_u < self.lifespans.mileage_survival(miles):
                return miles
            attempt += 1

    def _lognormal(self, u: float) -> float:
        return usage_multiplier(self._usage_sigma, u * USAGE_QUANTILE_CAP)

    def initial_private_age(self, t: float) -> float:
        """An age from the registration-age mix, among the ages whose in-service year the catalog
        has models for (the mix renormalised over them: no older vehicle piles up at the floor)."""
        oldest = max(0.0, (t - self._floor_t) / YEAR_DAYS)
        edges, cumulative = self._age_edges, self._age_cumulative
        top = float(np.interp(oldest, edges, cumulative))
        return float(np.interp(self.draws.random() * top, cumulative, edges))

    def replacement_age(self) -> float:
        behaviour = self.behaviour
        if self.draws.random() < behaviour.replacement_new_share.value:
            return 0.0
        low, high = behaviour.replacement_used_age.range
        return low + self.draws.random() * (high - low)


def usage_multiplier(sigma: float, quantile: float) -> float:
    """The multiplier of the mean annual miles at this quantile of a lognormal of mean 1."""
    return math.exp(sigma * _STANDARD_NORMAL.inv_cdf(quantile) - sigma * sigma / 2)
