"""The vehicle process: wait for the next need, go to the shop, and live through ownership changes.

One SimPy process per vehicle. It sleeps until the earliest of its scheduled needs (a failure the
owner acts on, a due service, a recall notice, a comeback, an inspection) or its next life event
(sale, trade-in, fleet cycle, scrappage), so the number of events is a few per visit.
"""

from __future__ import annotations

import simpy

from world.life_events import LifeEvents
from world.planning import VisitPlanner
from world.vehicles import Vehicle
from world.visit_plan import next_need
from world.workshop import Workshop


class VehicleLife:
    __slots__ = ("env", "end_t", "planner", "workshop", "life_events")

    def __init__(
        self,
        env: simpy.Environment,
        end_t: float,
        planner: VisitPlanner,
        workshop: Workshop,
        life_events: LifeEvents,
    ) -> None:
        self.env = env
        self.end_t = end_t
        self.planner = planner
        self.workshop = workshop
        self.life_events = life_events

    def run(self, vehicle: Vehicle):
        """SimPy process of one vehicle, until it leaves the world or the run ends."""
        env = self.env
        end_t = self.end_t
        plan_visit = self.planner.plan
        while True:
            need_at, reason, index = next_need(vehicle)
            if vehicle.life_at <= need_at:
                if vehicle.life_at >= end_t:
                    return
                yield env.timeout(max(0.0, vehicle.life_at - env.now))
                alive = yield from self.life_events.happen(vehicle)
                if not alive:
                    return
                continue
            if need_at >= end_t:
                return
            plan = plan_visit(vehicle, reason, index, max(need_at, env.now))
            vehicle.visits += 1
            if plan is None:
                vehicle.recalls = None
                continue
            if plan.arrival >= end_t:
                return
            yield env.timeout(plan.arrival - env.now)
            yield from self.workshop.perform(vehicle, plan)
