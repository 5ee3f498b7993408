"""Life events of vehicles: private sales, trade-ins with dealer reconditioning, fleet cycling and
scrappage, with new vehicles entering so that the population stays about constant.

A trade-in or a fleet disposal brings a replacement in while the old vehicle lives on. Fleets
remarket through auctions and part of the trade-ins are wholesaled too, so those vehicles leave
the region (unless it is short of vehicles); the rest are reconditioned and sold to a local.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from world import crn
from world.odometer import YEAR_DAYS
from world.planning import FAILURE, JobSpec, VisitPlan, set_timing
from world.vehicles import refresh_failure_times

if TYPE_CHECKING:
    from datetime import date

    from world.vehicles import Vehicle
    from world.world import World

RECON_LEAD_DAYS = (1.0, 5.0)
LOT_DAYS = (7.0, 45.0)
MIN_TENURE_DAYS = 30.0


class LifeEvents:
    def __init__(self, world: World) -> None:
        self.world = world
        behaviour = world.behaviour
        self.scrappage = behaviour.scrappage_age
        self.tenure = behaviour.ownership_years
        self.fleet_cycle = behaviour.fleet_replacement_age.range
        self.trade_in_share = behaviour.trade_in_share.value
        self.wholesale_share = behaviour.trade_in_wholesale_share.value

    def schedule_scrap(self, vehicle: Vehicle, t: float) -> None:
        """Scrappage age drawn conditional on the vehicle having survived to its current age."""
        shape, scale = self.scrappage.shape, self.scrappage.scale
        age = max(0.0, vehicle.age_years(t))
        u = crn.uniform(vehicle.key, crn.SCRAP)
        scrap_age = scale * ((age / scale) ** shape - math.log(u)) ** (1.0 / shape)
        vehicle.scrap_at = vehicle.in_service + scrap_age * YEAR_DAYS

    def schedule_tenure(self, vehicle: Vehicle, t: float) -> None:
        u = crn.uniform(vehicle.key, crn.OWNER, vehicle.owner_seq)
        if vehicle.fleet:
            low, high = self.fleet_cycle
            end = max(t + MIN_TENURE_DAYS, vehicle.in_service + (low + u * (high - low)) * YEAR_DAYS)
        else:
            end = t + max(
                MIN_TENURE_DAYS, self.tenure.scale * (-math.log(u)) ** (1.0 / self.tenure.shape) * YEAR_DAYS
            )
        vehicle.life_at = min(end, vehicle.scrap_at)

    def happen(self, vehicle: Vehicle):
        """SimPy sub-process for the vehicle's due life event; returns whether it stays in the world."""
        world = self.world
        env = world.env
        # A life event that fell due while the vehicle was in a shop is dated when it fell due, so
        # that the length of that visit cannot move it (common random numbers across runs).
        t = min(env.now, vehicle.life_at)
        day = world.day_of(t)
        if vehicle.scrap_at <= vehicle.life_at:
            owner = vehicle.release_owner(day, "scrapped")
            world.retire(vehicle, day)
            if owner.kind == "fleet" or world.live_vehicles < world.target_vehicles:
                self._replace_for(owner, t)
            return False
        if vehicle.fleet:
            return self._hand_on(vehicle, day, t, "sold")
        trade_u, dealer_u, lead_u, lot_u, wholesale_u = crn.uniforms(
            vehicle.key, crn.OWNER + 1, vehicle.owner_seq, 5
        )
        if trade_u < self.trade_in_share and dealer_u >= world.local_brand_share:
            return self._hand_on(vehicle, day, t, "traded_in")  # at a dealer outside the market
        if trade_u < self.trade_in_share:
            dealer = world.dealers[int(dealer_u / world.local_brand_share * len(world.dealers))]
            seller = vehicle.release_owner(day, "traded_in")
            self._replace_for(seller, t)
            if wholesale_u < self.wholesale_share and world.live_vehicles > world.target_vehicles:
                world.depart(vehicle)
                return False
            vehicle.take_owner(world.used_departments[dealer.info.shop_id], t, day)
            vehicle.fleet = False
            vehicle.life_at = math.inf
            plan = self._recon_plan(
                vehicle,
                dealer,
                max(env.now, t + RECON_LEAD_DAYS[0] + lead_u * (RECON_LEAD_DAYS[1] - RECON_LEAD_DAYS[0])),
            )
            vehicle.visits += 1
            if plan.arrival >= world.end_t:
                return False
            yield env.timeout(plan.arrival - env.now)
            # The sale date is fixed at trade-in, not counted from the end of the reconditioning,
            # so the work found on the lift cannot shift the sale (and the draws made at it).
            sale_at = plan.arrival + LOT_DAYS[0] + lot_u * (LOT_DAYS[1] - LOT_DAYS[0])
            yield from world.perform(vehicle, plan)
            yield env.timeout(max(0.0, sale_at - env.now))
            vehicle.release_owner(world.day_of(sale_at), "sold")
            self.sell(vehicle, sale_at)
            return True
        vehicle.release_owner(day, "sold")
        self.sell(vehicle, t)
        return True

    def _hand_on(self, vehicle: Vehicle, day: date, t: float, reason: str) -> bool:
        """The owner parts with the vehicle and buys another; the vehicle leaves the region while the
        population is over its target, else a local buyer takes it. True while it stays."""
        world = self.world
        self._replace_for(vehicle.release_owner(day, reason), t)
        if world.live_vehicles > world.target_vehicles:
            world.depart(vehicle)
            return False
        self.sell(vehicle, t)
        return True

    def sell(self, vehicle: Vehicle, t: float) -> None:
        """A private buyer takes the vehicle: new owner, new driving pattern, new shop habits."""
        world = self.world
        population = world.population
        buyer = population.private_customer(t)
        vehicle.fleet = False
        vehicle.take_owner(buyer, t, world.day_of(t))
        vehicle.odometer = vehicle.odometer.continued(t, population.private_miles() / YEAR_DAYS)
        refresh_failure_times([vehicle], world.wear)
        vehicle.maint_at, vehicle.maint_index = world.schedule.next_due(vehicle)
        vehicle.shop = population.first_shop(vehicle, t)
        self.schedule_tenure(vehicle, t)

    def _replace_for(self, owner, t: float) -> None:
        """The owner buys a newer vehicle (a fleet: a new one of its models)."""
        world = self.world
        population = world.population
        if owner.kind == "fleet" and owner.archetype != "dealer_used_department":
            vehicle = population.vehicle(t, owner, 0.0, True, world.fleet_miles(owner))
        else:
            vehicle = population.vehicle(
                t, owner, population.replacement_age(), False, population.private_miles()
            )
        population.wear_in([vehicle], t)
        world.start(vehicle)

    def _recon_plan(self, vehicle: Vehicle, dealer, t: float) -> VisitPlan:
        """Used-car reconditioning: inspection, every failed part, due services, all internal pay."""
        world = self.world
        plan = VisitPlan(dealer, vehicle.owner, "reconditioning")
        plan.jobs.append(
            JobSpec("internal", "reconditioning", "used_vehicle_recon", None, ("used_vehicle_recon",))
        )
        wear = world.wear
        for index, key in enumerate(wear.keys):
            if vehicle.onset_passed(wear, index, t):
                plan.components.append(index)
                plan.jobs.append(
                    JobSpec(
                        "internal",
                        FAILURE,
                        key,
                        wear.symptom(vehicle.key, index, vehicle.lives[index]),
                        world.repair_ops[key],
                    )
                )
        miles = vehicle.odometer.miles(t)
        schedule = world.schedule
        for index in schedule.due_soon(vehicle, t, miles, False):
            plan.services.append(index)
            plan.jobs.append(
                JobSpec("internal", "maintenance", schedule.keys[index], None, schedule.op_ids[index])
            )
        # Keyed by ownership, not by visit count: the sale date derives from this arrival and must
        # not depend on how many visits the vehicle happened to have before.
        set_timing(world, vehicle, plan, t, crn.OWNER + 2, vehicle.owner_seq)
        plan.settle()
        return plan
