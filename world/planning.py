"""What brings a vehicle in next, where it goes, and what the advisor writes up.

Every choice here draws on the vehicle's own counter-based streams (``world.crn``), so a visit's
plan depends on that vehicle's history only, never on what other vehicles did before it.
"""

from __future__ import annotations

import math
from operator import sub
from typing import TYPE_CHECKING

from world import crn

if TYPE_CHECKING:
    from world.customers import Customer
    from world.shops import Shop
    from world.vehicles import Vehicle
    from world.world import World

FAILURE, MAINTENANCE, RECALL, COMEBACK, INSPECTION = (
    "failure",
    "maintenance",
    "recall",
    "comeback",
    "inspection",
)
BASIC_WARRANTY = (3.0, 36_000)
POWERTRAIN_WARRANTY = (5.0, 60_000)
SHORT_JOB_HOURS = 1.5
LATEST_ARRIVAL_BEFORE_CLOSE = 0.5 / 24
HEAVY_DUTY_OIL_CHANGE = ("oil_change_hd",)


class JobSpec:
    __slots__ = ("pay_type", "kind", "concern", "symptom", "op_ids", "campaign")

    def __init__(
        self,
        pay_type: str,
        kind: str,
        concern: str,
        symptom: str | None,
        op_ids: tuple[str, ...],
        campaign: str | None = None,
    ) -> None:
        self.pay_type = pay_type
        self.kind = kind
        self.concern = concern
        self.symptom = symptom
        self.op_ids = op_ids
        self.campaign = campaign


class VisitPlan:
    __slots__ = (
        "shop",
        "customer",
        "visit_kind",
        "jobs",
        "declined",
        "services",
        "components",
        "recalls",
        "comeback",
        "inspection",
        "arrival",
        "waiter",
        "back_order_days",
        "close_fraction",
        "hours",
    )

    def __init__(self, shop: Shop, customer: Customer, visit_kind: str) -> None:
        self.shop = shop
        self.customer = customer
        self.visit_kind = visit_kind
        self.jobs: list[JobSpec] = []
        self.declined: list[str] = []
        self.services: list[int] = []  # maintenance indices done
        self.components: list[int] = []  # components renewed
        self.recalls: list[int] = []  # campaign indices remedied
        self.comeback = None  # the PendingComeback this visit answers
        self.inspection = False
        self.arrival = 0.0
        self.waiter = False
        self.back_order_days = 0
        self.close_fraction = 0.5
        self.hours = 0.0  # book hours of all jobs, set with the timing

    def settle(self) -> None:
        """The plan is complete: its lists become tuples. A plan waits with its vehicle until the
        arrival, so every vehicle holds one, and an empty tuple costs nothing (a list 56 bytes)."""
        self.jobs = tuple(self.jobs)
        self.declined = tuple(self.declined)
        self.services = tuple(self.services)
        self.components = tuple(self.components)
        self.recalls = tuple(self.recalls)


def next_need(vehicle: Vehicle) -> tuple[float, str, int]:
    best, index = vehicle.next_failure()
    reason = FAILURE
    if vehicle.maint_at < best:
        best, reason, index = vehicle.maint_at, MAINTENANCE, vehicle.maint_index
    if vehicle.comeback is not None and vehicle.comeback.at < best:
        best, reason, index = vehicle.comeback.at, COMEBACK, vehicle.comeback.component
    if vehicle.recalls:
        at, campaign = min(vehicle.recalls)
        if at < best:
            best, reason, index = at, RECALL, campaign
    if vehicle.inspection_at < best:
        best, reason, index = vehicle.inspection_at, INSPECTION, -1
    return best, reason, index


def covered(world: World, vehicle: Vehicle, component: int, t: float) -> bool:
    line = world.wear.coverage[component]
    if line == "none":
        return False
    years, miles = BASIC_WARRANTY if line == "basic" else POWERTRAIN_WARRANTY
    return vehicle.age_years(t) < years and vehicle.odometer.miles(t) < miles


def brand_dealer(world: World, vehicle: Vehicle) -> Shop | None:
    dealers = world.dealers_by_brand.get(vehicle.info.make)
    if not dealers:
        return None
    return dealers[vehicle.key % len(dealers)]


def dealer_preference(world: World, age_years: float) -> float:
    """How likely an owner picking a repair shop picks the brand's dealer, by vehicle age."""
    behaviour = world.behaviour
    if age_years < BASIC_WARRANTY[0]:
        return behaviour.dealer_preference_in_warranty.value
    old = behaviour.dealer_preference_old_vehicle
    if age_years < old.from_age_years:
        return behaviour.dealer_preference_after_warranty.value
    return old.value


def repair_shop(world: World, vehicle: Vehicle, t: float) -> Shop:
    """The vehicle's usual repair shop, after any switch the owner makes at this visit."""
    owner = vehicle.owner
    if owner.fleet_shop is not None:
        return owner.fleet_shop
    behaviour = world.behaviour
    switch_u, pick_u, leave_u, dealer_u = crn.uniforms(vehicle.key, crn.SHOP, vehicle.visits, 4)
    shop = vehicle.shop
    if shop.info.kind == "dealer" and not vehicle.left_dealer and vehicle.age_years(t) > BASIC_WARRANTY[0]:
        vehicle.left_dealer = True
        if leave_u < behaviour.leave_dealer_after_warranty.value and world.independents:
            shop = world.independents[int(pick_u * len(world.independents))]
    elif switch_u < behaviour.switch_per_visit.value:
        dealer = brand_dealer(world, vehicle)
        if dealer is not None and (
            dealer_u < dealer_preference(world, vehicle.age_years(t)) or not world.independents
        ):
            shop = dealer
        elif world.independents:
            shop = world.independents[int(pick_u * len(world.independents))]
    vehicle.shop = shop
    return shop


def _dealer_keeps_maintenance(vehicle: Vehicle) -> bool:
    """Owners in a dealer's customer base have it maintained there: complimentary maintenance
    plans and warranty records in warranty (e.g. ToyotaCare 2y/25k), the express lane after."""
    return vehicle.shop.info.kind == "dealer"


def _buys_elsewhere(world: World, vehicle: Vehicle, index: int, shop: Shop, warranty: bool) -> bool:
    """Whether an owner at a dealer takes a customer-pay repair to another shop (e.g. tires)."""
    if warranty or shop.info.kind != "dealer":
        return False
    capture = world.dealer_capture[index]
    return capture < 1.0 and crn.uniform(vehicle.key, crn.CAPTURE + index, vehicle.visits) >= capture


def plan_visit(world: World, vehicle: Vehicle, reason: str, index: int, t: float) -> VisitPlan | None:
    """The plan for a visit needed at t, or None if nothing can be done (e.g. no dealer for a recall)."""
    owner = vehicle.owner
    shop: Shop
    warranty = False
    if reason == FAILURE:
        dealer = brand_dealer(world, vehicle)
        warranty = dealer is not None and covered(world, vehicle, index, t)
        shop = dealer if warranty else repair_shop(world, vehicle, t)
        if shop is dealer and not covered(world, vehicle, index, t):
            warranty = False
        if _buys_elsewhere(world, vehicle, index, shop, warranty) and world.independents:
            pick_u = crn.uniform(vehicle.key, crn.CAPTURE + index, 1_000_000 + vehicle.visits)
            shop = world.independents[int(pick_u * len(world.independents))]
    elif reason == RECALL:
        shop = brand_dealer(world, vehicle)
        if shop is None:
            return None
    elif reason == COMEBACK:
        comeback = vehicle.comeback
        same_u = crn.uniform(vehicle.key, crn.COMEBACK + comeback.component, 1_000_000 + vehicle.lives[index])
        shop = (
            comeback.shop
            if same_u < world.behaviour.comeback_same_shop.value
            else repair_shop(world, vehicle, t)
        )
    elif (
        owner.lube_shop is not None
        and (
            (reason == MAINTENANCE and world.schedule.quick_lube[index])
            or (reason == INSPECTION and world.inspection_at_lube)
        )
        and not _dealer_keeps_maintenance(vehicle)
    ):
        shop = owner.lube_shop
    else:
        shop = repair_shop(world, vehicle, t)
    plan = VisitPlan(shop, owner, reason)
    miles = vehicle.odometer.miles(t)

    if reason == FAILURE:
        key = world.wear.keys[index]
        symptom = world.wear.symptom(vehicle.key, index, vehicle.lives[index])
        plan.jobs.append(
            JobSpec(
                "warranty" if warranty else "customer",
                FAILURE,
                key,
                symptom,
                world.catalog.components[key].operations,
            )
        )
        plan.components.append(index)
    elif reason == RECALL:
        plan.recalls.extend(campaign for _, campaign in vehicle.recalls)
    elif reason == COMEBACK:
        comeback = vehicle.comeback
        key = world.wear.keys[comeback.component]
        pay = comeback.pay_type if shop is comeback.shop else "customer"
        plan.jobs.append(
            JobSpec(
                pay,
                COMEBACK,
                key,
                world.wear.symptom(vehicle.key, index, vehicle.lives[index]),
                world.repair_ops[key],
            )
        )
        plan.components.append(comeback.component)
        plan.comeback = comeback
    elif reason == INSPECTION:
        plan.inspection = True
    else:
        plan.services.append(index)

    if shop.info.kind == "dealer" and vehicle.recalls and vehicle.info.make in shop.info.brands:
        for _at, campaign in vehicle.recalls:
            if world.recall_announced[campaign] <= t and campaign not in plan.recalls:
                plan.recalls.append(campaign)
    if shop.does_repairs:
        _add_found_failures(world, vehicle, plan, t)
    for campaign in plan.recalls:
        recall = world.recall_list[campaign]
        plan.jobs.append(
            JobSpec("warranty", RECALL, recall.campaign_id, None, (recall.operation,), recall.campaign_id)
        )
    _add_services(world, vehicle, plan, t, miles)
    set_timing(world, vehicle, plan, t)
    plan.settle()
    return plan


def _add_found_failures(world: World, vehicle: Vehicle, plan: VisitPlan, t: float) -> None:
    """Parts that have already failed, noticed or not, which the technician finds on the lift."""
    times, delays = vehicle.comp_time, vehicle.delay
    # Screening all onsets in one C-level pass: on most visits no further part has failed yet.
    if min(map(sub, times, delays)) > t:
        return
    dealer_of_brand = plan.shop.info.kind == "dealer" and vehicle.info.make in plan.shop.info.brands
    for index in range(len(times)):
        if times[index] - delays[index] <= t and index not in plan.components:
            key = world.wear.keys[index]
            if crn.uniform(vehicle.key, crn.VISIT + 64 + index, vehicle.visits) < plan.customer.decline:
                plan.declined.append(key)
                continue
            warranty = dealer_of_brand and covered(world, vehicle, index, t)
            if _buys_elsewhere(world, vehicle, index, plan.shop, warranty):
                plan.declined.append(key)
                continue
            pay = "warranty" if warranty else "customer"
            symptom = world.wear.symptom(vehicle.key, index, vehicle.lives[index])
            plan.jobs.append(JobSpec(pay, FAILURE, key, symptom, world.catalog.components[key].operations))
            plan.components.append(index)


def _add_services(world: World, vehicle: Vehicle, plan: VisitPlan, t: float, miles: float) -> None:
    schedule = world.schedule
    shop = plan.shop
    if plan.inspection or (world.state_inspection and vehicle.inspection_at - t < 30 and shop.does_repairs):
        plan.inspection = True
        plan.jobs.append(JobSpec("customer", INSPECTION, "state_inspection", None, ("state_inspection",)))
    quick_only = not shop.does_repairs
    primary = plan.services[0] if plan.services else -1
    decline = plan.customer.decline
    for index in schedule.due_soon(vehicle, t, miles, quick_only):
        if index != primary:
            if crn.uniform(vehicle.key, crn.VISIT + 1 + index, vehicle.visits) < decline:
                plan.declined.append(schedule.keys[index])
                schedule.declined(vehicle, index, t, miles)
                continue
            plan.services.append(index)
    for index in plan.services:
        key = schedule.keys[index]
        op_ids = schedule.op_ids[index]
        if key == "oil_change" and vehicle.fleet:
            op_ids = HEAVY_DUTY_OIL_CHANGE
        plan.jobs.append(JobSpec("customer", MAINTENANCE, key, None, op_ids))
    if (
        shop.info.kind == "dealer"
        and crn.uniform(vehicle.key, crn.VISIT + 40, vehicle.visits) < world.mpi_share
    ):
        plan.jobs.append(
            JobSpec("customer", INSPECTION, "multipoint_inspection", None, ("multipoint_inspection",))
        )


def set_timing(
    world: World,
    vehicle: Vehicle,
    plan: VisitPlan,
    t: float,
    stream: int = crn.VISIT,
    counter: int | None = None,
) -> None:
    """Arrival time, waiter or drop-off, back-order: the timing of the visit at its shop."""
    behaviour = world.behaviour
    counter = vehicle.visits if counter is None else counter
    time_u, wait_u, back_u, days_u, close_u = crn.uniforms(vehicle.key, stream, counter, 5)
    hours_of = world.assembler.hours
    hours = sum([hours_of(job.op_ids, job.pay_type) for job in plan.jobs]) / 10
    plan.hours = hours
    plan.waiter = (
        plan.visit_kind != "reconditioning"
        and hours <= SHORT_JOB_HOURS
        and wait_u < behaviour.waiter_share.value
    )
    low, high = world.waiter_window if plan.waiter else world.dropoff_window
    fraction = low + time_u * (high - low)
    business = plan.shop.hours
    day = business.open_day_on_or_after(math.floor(t))
    while True:
        opening, closing = business.hours_on(day)
        arrival = day + min(max(fraction, opening), max(opening, closing - LATEST_ARRIVAL_BEFORE_CLOSE))
        if arrival >= t:
            break
        day = business.open_day_on_or_after(day + 1)
    plan.arrival = arrival
    if back_u < behaviour.back_order.probability and any(
        job.kind in (FAILURE, COMEBACK, RECALL) for job in plan.jobs
    ):
        low_days, high_days = behaviour.back_order.business_days
        plan.back_order_days = low_days + int(days_u * (high_days - low_days + 1))
    plan.close_fraction = close_u
