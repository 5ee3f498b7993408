"""Life events of vehicles: private sales, trade-ins with dealer reconditioning, fleet cycling and
scrappage, with new vehicles entering so that the population stays about constant.

A trade-in or a fleet disposal brings a replacement in while the old vehicle lives on. Fleets
remarket through auctions and part of the trade-ins are wholesaled too, so those vehicles leave
the region (unless it is short of vehicles); the rest are reconditioned and sold to a local.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

import simpy

import world.crn as crn
from world.behaviour_catalog import Behaviour
from world.calendar import Calendar
from world.census import Census
from world.customers import Customer
from world.lifespans import LifeSpans
from world.market import Market
from world.planning import VisitPlanner
from world.population import Population
from world.vehicles import Vehicle, refresh_failure_times
from world.workshop import Workshop

# trade-in or not, which dealer, reconditioning lead, days on the lot, wholesale: per ownership
SALE_STREAM = crn.stream("ownership", "sale")


class LifeEvents:
    __slots__ = (
        "env",
        "calendar",
        "market",
        "used_departments",
        "census",
        "population",
        "planner",
        "workshop",
        "lifespans",
        "start",
        "_trade_in_share",
        "_wholesale_share",
        "_recon_lead_days",
        "_lot_days",
    )

    def __init__(
        self,
        env: simpy.Environment,
        calendar: Calendar,
        behaviour: Behaviour,
        market: Market,
        used_departments: dict[str, Customer],
        census: Census,
        population: Population,
        planner: VisitPlanner,
        workshop: Workshop,
        lifespans: LifeSpans,
        start: Callable[[Vehicle], None],
    ) -> None:
        """``used_departments``: each dealer's used-vehicle department, by shop id; ``start``
        puts a vehicle entering the world (a replacement) on the road."""
        self.env = env
        self.calendar = calendar
        self.market = market
        self.used_departments = used_departments
        self.census = census
        self.population = population
        self.planner = planner
        self.workshop = workshop
        self.lifespans = lifespans
        self.start = start
        self._trade_in_share = behaviour.trade_in_share.value
        self._wholesale_share = behaviour.trade_in_wholesale_share.value
        self._recon_lead_days = behaviour.reconditioning_lead_days.range
        self._lot_days = behaviour.used_lot_days.range

    def happen(self, vehicle: Vehicle):
        """SimPy sub-process for the vehicle's due life event; returns whether it stays in the world."""
        env = self.env
        calendar = self.calendar
        census = self.census
        market = self.market
        # A life event that fell due while the vehicle was in a shop is dated when it fell due, so
        # that the length of that visit cannot move it (common random numbers across runs).
        t = min(env.now, vehicle.life_at)
        day = calendar.day_of(t)
        if vehicle.scrap_at <= vehicle.life_at:
            owner = vehicle.release_owner(day, "scrapped")
            census.retire(vehicle, day)
            if owner.kind == "fleet" or census.under_target:
                self._replace_for(owner, t)
            return False
        if vehicle.fleet:
            return self._hand_on(vehicle, day, t, "sold")
        trade_u, dealer_u, lead_u, lot_u, wholesale_u = crn.uniforms(
            vehicle.key, SALE_STREAM, vehicle.owner_seq, 5
        )
        if trade_u < self._trade_in_share and dealer_u >= market.local_brand_share:
            return self._hand_on(vehicle, day, t, "traded_in")  # at a dealer outside the market
        if trade_u < self._trade_in_share:
            dealer = market.dealers[int(dealer_u / market.local_brand_share * len(market.dealers))]
            seller = vehicle.release_owner(day, "traded_in")
            self._replace_for(seller, t)
            if wholesale_u < self._wholesale_share and census.over_target:
                census.depart(vehicle)
                return False
            vehicle.take_owner(self.used_departments[dealer.info.shop_id], t, day)
            vehicle.fleet = False
            vehicle.life_at = math.inf
            lead_low, lead_high = self._recon_lead_days
            plan = self.planner.reconditioning(
                vehicle, dealer, max(env.now, t + lead_low + lead_u * (lead_high - lead_low))
            )
            vehicle.visits += 1
            if plan.arrival >= calendar.end_t:
                return False
            yield env.timeout(plan.arrival - env.now)
            # The sale date is fixed at trade-in, not counted from the end of the reconditioning,
            # so the work found on the lift cannot shift the sale (and the draws made at it).
            lot_low, lot_high = self._lot_days
            sale_at = plan.arrival + lot_low + lot_u * (lot_high - lot_low)
            yield from self.workshop.perform(vehicle, plan)
            yield env.timeout(max(0.0, sale_at - env.now))
            vehicle.release_owner(calendar.day_of(sale_at), "sold")
            self.sell(vehicle, sale_at)
            return True
        vehicle.release_owner(day, "sold")
        self.sell(vehicle, t)
        return True

    def _hand_on(self, vehicle: Vehicle, day: date, t: float, reason: str) -> bool:
        """The owner parts with the vehicle and buys another; the vehicle leaves the region while the
        population is over its target, else a local buyer takes it. True while it stays."""
        self._replace_for(vehicle.release_owner(day, reason), t)
        if self.census.over_target:
            self.census.depart(vehicle)
            return False
        self.sell(vehicle, t)
        return True

    def sell(self, vehicle: Vehicle, t: float) -> None:
        """A private buyer takes the vehicle: new owner, new driving pattern, new shop habits."""
        population = self.population
        buyer = population.private_customer(t)
        vehicle.fleet = False
        vehicle.take_owner(buyer, t, self.calendar.day_of(t))
        vehicle.odometer = vehicle.odometer.continued(
            t, population.private_curve, population.usage_scale(vehicle.key, vehicle.owner_seq)
        )
        refresh_failure_times([vehicle], self.planner.wear)
        vehicle.maint_at, vehicle.maint_index = self.planner.schedule.next_due(vehicle)
        vehicle.shop = population.first_shop(vehicle, t)
        self.lifespans.reschedule_scrap(vehicle, t)
        self.lifespans.schedule_tenure(vehicle, t)

    def _replace_for(self, owner: Customer, t: float) -> None:
        """The owner buys a newer vehicle (a fleet: a new one of its models)."""
        population = self.population
        if owner.kind == "fleet" and owner.archetype != "dealer_used_department":
            vehicle = population.vehicle(t, owner, 0.0, True)
        else:
            vehicle = population.vehicle(t, owner, population.replacement_age(), False)
        population.wear_in([vehicle], t)
        self.start(vehicle)
