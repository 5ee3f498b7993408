"""A visit at the shop: open the RO, wait for a technician, work, close, update the vehicle and
hand the visit on. Warm-up visits shape the vehicle's history but are not handed on."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import simpy

import world.crn as crn
from world.assembly import ROLES, job
from world.behaviour_catalog import Behaviour
from world.calendar import Calendar
from world.citations import CitationHabits
from world.identity import IdentityPool
from world.maintenance import MaintenanceSchedule
from world.shop_records import ShopRecords
from world.vehicles import PendingComeback, Vehicle
from world.visit import Visit, VisitTruth
from world.visit_plan import COMEBACK, FAILURE, LUBE, VisitPlan
from world.wear import WearModel

DRAW_SEED_BATCH = 4096
INSPECTION_DAYS = 365.0
TEST_DRIVE_STREAM = crn.stream("visit", "test_drive")  # state safety and emissions inspections are annual


class DrawSeeds:
    """One seed per exported visit, for the exporter's own draws (prices, narrative...)."""

    __slots__ = ("_rng", "_batch")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._batch: list[int] = []

    def next(self) -> int:
        if not self._batch:
            batch = self._rng.integers(0, 2**64, size=DRAW_SEED_BATCH, dtype=np.uint64)
            self._batch = batch.tolist()[::-1]
        return self._batch.pop()


class Workshop:
    __slots__ = (
        "env",
        "calendar",
        "wear",
        "schedule",
        "behaviour",
        "movers",
        "shop_records",
        "emit",
        "draw_seeds",
        "citations",
        "_comeback_scale",
        "_comeback_days",
        "_busy_factor",
        "_test_drive_low",
        "_test_drive_span",
    )

    def __init__(
        self,
        env: simpy.Environment,
        calendar: Calendar,
        wear: WearModel,
        schedule: MaintenanceSchedule,
        behaviour: Behaviour,
        comeback_scale: float,
        movers: IdentityPool,
        shop_records: ShopRecords | None,
        emit: Callable[[Visit], None],
        draw_seeds: DrawSeeds,
        citations: CitationHabits,
    ) -> None:
        """``comeback_scale``: the scenario's multiplier on the catalog's comeback rate;
        ``movers``: the identities customers move to; ``shop_records``: with per_shop identity, each
        shop's own record of its customers (None: one record everywhere); ``emit``: takes each
        exported visit; ``citations``: which advisors cite the earlier RO on a comeback."""
        self.env = env
        self.calendar = calendar
        self.wear = wear
        self.schedule = schedule
        self.behaviour = behaviour
        self.movers = movers
        self.shop_records = shop_records
        self.emit = emit
        self.draw_seeds = draw_seeds
        self.citations = citations
        self._comeback_scale = behaviour.comeback_scale.value * comeback_scale
        self._comeback_days = behaviour.comeback_days.value
        self._busy_factor = behaviour.busy_queue_factor.value
        low, high = behaviour.test_drive_miles.range
        self._test_drive_low, self._test_drive_span = int(low), high - low + 1

    def perform(self, vehicle: Vehicle, plan: VisitPlan):
        """SimPy sub-process: the visit, from the customer's arrival to the closed RO."""
        env = self.env
        calendar = self.calendar
        shop = plan.shop
        while len(shop.slots.queue) >= self._busy_factor * shop.capacity:
            yield env.timeout(shop.hours.next_open(math.floor(env.now) + 1 + (env.now % 1.0)) - env.now)
        opened = env.now
        ro_number, advisor = shop.open_ro()
        owner = plan.customer
        # Moves are rare: the snapshot in force is almost always the current one.
        customer = owner.snapshot if opened < owner.next_move else owner.as_of(opened, self.movers)
        if self.shop_records is not None:  # per_shop identity: the shop's own record of the owner
            exported = opened >= calendar.start_t
            customer = self.shop_records.snapshot(shop.info.shop_id, owner.key, customer, exported)
        miles_in = vehicle.odometer.miles(opened)
        odometer_in = max(int(miles_in), vehicle.last_out)
        waiting = shop.slots.acquire()
        if waiting is not None:
            yield waiting
        # One technician per block of the visit's work (planning's blocks: lube, diagnosis, line),
        # one after another in the same bay: each hands the vehicle on when the next begins.
        worked: list[int] = []
        for role, hours in plan.blocks:
            if worked:
                shop.hand_over(worked[-1])
            shop.prefer(role == LUBE, worked)
            now = env.now
            number, finish = shop.begin_work(now, hours)
            yield env.timeout(finish - now)
            worked.append(number)
        shop.end_work(number)
        closed = finish
        if plan.back_order_days:
            closed = shop.hours.after_business_days(finish, plan.back_order_days, plan.close_fraction)
            yield env.timeout(closed - env.now)
        drive = self._test_drive_low + int(
            crn.uniform(vehicle.key, TEST_DRIVE_STREAM, vehicle.visits) * self._test_drive_span
        )
        odometer_out = odometer_in + drive
        vehicle.last_out = odometer_out

        comeback_of = cited_ro = None
        if plan.comeback is not None:
            episode_id = plan.comeback.episode_id
            comeback_of = plan.comeback.ro_number
            # only the shop that did the first repair has its RO number to cite
            if plan.comeback.shop is shop and self.citations.cites(advisor):
                cited_ro = comeback_of
            vehicle.comeback = None
        else:
            vehicle.episodes += 1
            episode_id = None  # a new episode: named only where a record or a comeback needs it
        self._update_vehicle(vehicle, plan, opened, miles_in, closed, ro_number, episode_id)

        if opened >= calendar.start_t:  # warm-up visits shape the history but build no records
            technician_ids = shop.technician_ids
            # work of a role without its own block was done in the last block
            technicians = dict.fromkeys(ROLES, technician_ids[number])
            if len(worked) > 1:
                for (role, _), worker in zip(plan.blocks, worked, strict=True):
                    technicians[role] = technician_ids[worker]
            jobs = tuple(
                [
                    job(j.pay_type, j.kind, j.concern, j.symptom, j.lines, technicians, j.campaign)
                    for j in plan.jobs
                ]
            )
            opened_at = calendar.local_datetime(opened)
            self.emit(
                Visit(
                    ro_number=ro_number,
                    shop=shop.info,
                    # Opened in business hours, so the wall-clock year is the simulated day's year.
                    labor_rates=shop.rates(opened_at.year),
                    advisor_id=advisor,
                    opened_at=opened_at,
                    closed_at=calendar.local_datetime(closed),
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
                        episode_id=episode_id or current_episode(vehicle),
                        comeback_of=comeback_of,
                        archetype=owner.archetype,
                        owner_seq=vehicle.owner_seq,
                        vehicle_age_days=max(0, int(opened - vehicle.in_service)),
                    ),
                    draw_seed=self.draw_seeds.next(),
                    cited_ro=cited_ro,
                )
            )

    def _update_vehicle(
        self,
        vehicle: Vehicle,
        plan: VisitPlan,
        opened: float,
        miles: float,
        closed: float,
        ro_number: str,
        episode_id: str | None,
    ) -> None:
        """``episode_id``: the episode a comeback continues, None for the vehicle's current one."""
        wear = self.wear
        schedule = self.schedule
        decline = vehicle.owner.decline
        for index in plan.components:
            vehicle.renew(wear, index, opened, miles, decline, self.behaviour)
        schedule.done(vehicle, plan.services, opened, miles)
        if plan.recalls and vehicle.recalls:
            vehicle.recalls = [item for item in vehicle.recalls if item[1] not in plan.recalls] or None
        if plan.inspection:
            vehicle.inspection_at = opened + INSPECTION_DAYS
        # next_due is a pure function of the triggering services' history, the owner's stretch and
        # the odometer; owner changes recompute it themselves (Population.vehicle, LifeEvents.sell).
        if schedule.moved_by(plan.services, plan.declined):
            vehicle.maint_at, vehicle.maint_index = schedule.next_due(vehicle)
        # Every failure or comeback job renews a component, so most visits skip this scan.
        repaired = plan.components and [job for job in plan.jobs if job.kind in (FAILURE, COMEBACK)]
        if repaired and vehicle.comeback is None:
            index = plan.components[0]
            occurrence = vehicle.lives[index]
            draws = crn.decision(vehicle.key, wear.comeback_streams[index], occurrence)  # whether, when
            if crn.sub_uniform(draws, 0) < (1.0 - plan.shop.info.quality) * self._comeback_scale:
                pay = repaired[0].pay_type if repaired[0].pay_type == "warranty" else "internal"
                at = closed - math.log(crn.sub_uniform(draws, 1)) * self._comeback_days
                episode_id = episode_id or current_episode(vehicle)
                vehicle.comeback = PendingComeback(at, index, plan.shop, ro_number, episode_id, pay)


def current_episode(vehicle: Vehicle) -> str:
    """The id of the vehicle's latest failure episode (the first repair and its comebacks share it)."""
    return f"{vehicle.info.vin}-{vehicle.episodes:03d}"
