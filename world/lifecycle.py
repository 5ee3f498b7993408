"""The vehicle process: wait for the next need, go to the shop, and live through ownership changes.

One SimPy process per vehicle. It sleeps until the earliest of its scheduled needs (a failure the
owner acts on, a due service, a recall notice, a comeback, an inspection) or its next life event
(sale, trade-in, fleet cycle, scrappage), so the number of events is a few per visit.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from world import crn
from world.planning import COMEBACK, FAILURE, VisitPlan, next_need, plan_visit
from world.vehicles import PendingComeback
from world.visit import Visit, VisitTruth

if TYPE_CHECKING:
    from world.vehicles import Vehicle
    from world.world import World

BUSY_QUEUE_FACTOR = 2  # a customer told the shop is booked this deep comes back another day
MAX_TEST_DRIVE_MILES = 12
RECON_LEAD_DAYS = (1, 5)
LOT_DAYS = (7, 45)
INSPECTION_DAYS = 365.0


def vehicle_life(world: World, vehicle: Vehicle):
    env = world.env
    while True:
        need_at, reason, index = next_need(vehicle)
        if vehicle.life_at <= need_at:
            if vehicle.life_at >= world.end_t:
                return
            yield env.timeout(max(0.0, vehicle.life_at - env.now))
            alive = yield from world.life_events.happen(vehicle)
            if not alive:
                return
            continue
        if need_at >= world.end_t:
            return
        plan = plan_visit(world, vehicle, reason, index, max(need_at, env.now))
        vehicle.visits += 1
        if plan is None:
            vehicle.recalls = None
            continue
        if plan.arrival >= world.end_t:
            return
        yield env.timeout(plan.arrival - env.now)
        yield from perform(world, vehicle, plan)


def perform(world: World, vehicle: Vehicle, plan: VisitPlan):
    """Open the RO, work it, close it, update the vehicle and hand the visit to the sink."""
    env = world.env
    shop = plan.shop
    while len(shop.slots.queue) >= BUSY_QUEUE_FACTOR * shop.capacity:
        yield env.timeout(shop.hours.next_open(math.floor(env.now) + 1 + (env.now % 1.0)) - env.now)
    opened = env.now
    ro_number, advisor = shop.open_ro()
    owner = plan.customer
    # Moves are rare: the snapshot in force is almost always the current one.
    customer = owner.snapshot if opened < owner.next_move else owner.as_of(opened, world.population.movers)
    if world.shop_records is not None:  # per_shop identity: the shop's own record of the owner
        exported = opened >= world.start_t
        customer = world.shop_records.snapshot(shop.info.shop_id, owner.key, customer, exported)
    miles_in = vehicle.odometer.miles(opened)
    odometer_in = max(int(miles_in), vehicle.last_out)
    waiting = shop.slots.acquire()
    if waiting is not None:
        yield waiting
    technician_number, finish = shop.begin_work(env.now, plan.hours)
    yield env.timeout(finish - env.now)
    shop.end_work(technician_number)
    technician = shop.technician_ids[technician_number]
    closed = finish
    if plan.back_order_days:
        closed = shop.hours.after_business_days(finish, plan.back_order_days, plan.close_fraction)
        yield env.timeout(closed - env.now)
    drive = int(crn.uniform(vehicle.key, crn.VISIT + 41, vehicle.visits) * (MAX_TEST_DRIVE_MILES + 1))
    odometer_out = odometer_in + drive
    vehicle.last_out = odometer_out

    comeback_of = None
    if plan.comeback is not None:
        episode_id = plan.comeback.episode_id
        comeback_of = plan.comeback.ro_number
        vehicle.comeback = None
    else:
        vehicle.episodes += 1
        episode_id = f"{vehicle.info.vin}-{vehicle.episodes:03d}"
    _update_vehicle(world, vehicle, plan, opened, miles_in, closed, ro_number, episode_id)

    if opened >= world.start_t:  # warm-up visits shape the history but build no records
        fitment = vehicle.fitment
        jobs = tuple(
            world.assembler.job(
                j.pay_type, j.kind, j.concern, j.symptom, j.op_ids, technician, fitment, j.campaign
            )
            for j in plan.jobs
        )
        opened_at = world.local_datetime(opened)
        world.emit(
            Visit(
                ro_number=ro_number,
                shop=shop.info,
                # Opened in business hours, so the wall-clock year is the simulated day's year.
                labor_rates=shop.rates(opened_at.year),
                advisor_id=advisor,
                opened_at=opened_at,
                closed_at=world.local_datetime(closed),
                customer=customer,
                vehicle=vehicle.info,
                odometer_in=odometer_in,
                odometer_out=odometer_out,
                purchase_order=owner.purchase_order() if owner.kind == "fleet" else None,
                jobs=jobs,
                declined=plan.declined,
                waiter=plan.waiter,
                truth=VisitTruth(
                    visit_kind=plan.visit_kind,
                    episode_id=episode_id,
                    comeback_of=comeback_of,
                    archetype=owner.archetype,
                    owner_seq=vehicle.owner_seq,
                    vehicle_age_days=max(0, int(opened - vehicle.in_service)),
                ),
                draw_seed=world.next_draw_seed(),
            )
        )


def _update_vehicle(
    world: World,
    vehicle: Vehicle,
    plan: VisitPlan,
    opened: float,
    miles: float,
    closed: float,
    ro_number: str,
    episode_id: str,
) -> None:
    wear = world.wear
    decline = vehicle.owner.decline
    for index in plan.components:
        vehicle.renew(wear, index, opened, decline, world.behaviour)
    for index in plan.services:
        world.schedule.done(vehicle, index, opened, miles)
    if plan.recalls and vehicle.recalls:
        vehicle.recalls = [item for item in vehicle.recalls if item[1] not in plan.recalls] or None
    if plan.inspection:
        vehicle.inspection_at = opened + INSPECTION_DAYS
    # next_due is a pure function of the triggering services' history, the owner's stretch and
    # the odometer; owner changes recompute it themselves (Population.vehicle, LifeEvents.sell).
    if world.schedule.moved_by(plan.services, plan.declined):
        vehicle.maint_at, vehicle.maint_index = world.schedule.next_due(vehicle)
    # Every failure or comeback job renews a component, so most visits skip this scan.
    repaired = plan.components and [job for job in plan.jobs if job.kind in (FAILURE, COMEBACK)]
    if repaired and vehicle.comeback is None:
        index = plan.components[0]
        occurrence = vehicle.lives[index]
        chance_u, days_u = crn.uniforms(vehicle.key, crn.COMEBACK + index, occurrence, 2)
        if chance_u < (1.0 - plan.shop.info.quality) * world.comeback_scale:
            pay = repaired[0].pay_type if repaired[0].pay_type == "warranty" else "internal"
            at = closed - math.log(days_u) * world.behaviour.comeback_days.value
            vehicle.comeback = PendingComeback(at, index, plan.shop, ro_number, episode_id, pay)
