"""What brings a vehicle in next, where it goes, and what the advisor writes up.

Every choice here draws on the vehicle's own counter-based streams (``world.crn``), so a visit's
plan depends on that vehicle's history only, never on what other vehicles did before it.
``VisitPlanner`` holds what planning needs (shop choice, warranty, the wear and maintenance models,
the book hours) and nothing of the running world.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from itertools import accumulate
from operator import sub
from typing import TYPE_CHECKING

import world.crn as crn
from world.assembly import JobAssembler
from world.behaviour_catalog import Behaviour
from world.catalog import Catalog, Recall
from world.maintenance import MaintenanceSchedule
from world.shop_choice import ShopChoice
from world.visit_plan import (
    COMEBACK,
    DIAGNOSIS,
    FAILURE,
    INSPECTION,
    LINE,
    LUBE,
    MAINTENANCE,
    RECALL,
    JobSpec,
    VisitPlan,
)
from world.warranty import WarrantyPolicy
from world.wear import WearModel, component_streams

if TYPE_CHECKING:
    from world.shops import Shop
    from world.vehicles import Vehicle

BACK_ORDER_KINDS = frozenset((FAILURE, COMEBACK, RECALL))  # the jobs whose parts can be back-ordered
# arrival, waiter, back-order, its days, the closing time: per visit, or per ownership for the
# reconditioning of a trade-in
VISIT_TIMING_STREAM = crn.stream("visit", "timing")
ARRIVAL_DRAW, WAITER_DRAW, BACK_ORDER_DRAW, BACK_ORDER_DAYS_DRAW, CLOSING_DRAW = range(5)  # its sub-draws
RECONDITIONING_TIMING_STREAM = crn.stream("ownership", "reconditioning_timing")
MULTIPOINT_STREAM = crn.stream("visit", "multipoint_inspection")
HANDOVER_STREAM = crn.stream("visit", "diagnosis_handover")
DIESEL_OIL_CHANGE = ("oil_change_hd",)


class VisitPlanner:
    """Plans visits: the shop, the jobs the advisor writes up, what the owner declines, the timing."""

    __slots__ = (
        "choice",
        "warranty",
        "wear",
        "schedule",
        "assembler",
        "recalls",
        "recall_announced",
        "repair_ops",
        "comeback_remedies",
        "_operations",
        "_mpi_share",
        "_inspection_at_lube",
        "_state_inspection",
        "_comeback_same_shop",
        "_inspection_ahead_days",
        "_waiter_share",
        "_waiter_max_hours",
        "_latest_arrival",
        "_back_order",
        "_dropoff_window",
        "_waiter_window",
        "_found_decline_streams",
        "_service_decline_streams",
        "_comeback_shop_streams",
        "_pad_rotor_shares",
        "_rotors_with_pads",
        "_handover_share",
        "_comeback_remedy_streams",
        "_diesel_service_ops",
    )

    def __init__(
        self,
        catalog: Catalog,
        choice: ShopChoice,
        warranty: WarrantyPolicy,
        wear: WearModel,
        schedule: MaintenanceSchedule,
        assembler: JobAssembler,
        recall_announced: tuple[float, ...],
        state_inspection: bool,
    ) -> None:
        """``recall_announced``: when each of the catalog's recall campaigns is announced (days)."""
        behaviour: Behaviour = catalog.behaviour
        self.choice = choice
        self.warranty = warranty
        self.wear = wear
        self.schedule = schedule
        self.assembler = assembler
        self.recalls: tuple[Recall, ...] = tuple(catalog.recalls.values())
        self.recall_announced = recall_announced
        self._operations = {key: c.operations for key, c in catalog.components.items()}
        # a comeback redoes the repair; the fault was already diagnosed on the first visit
        self.repair_ops = {
            key: tuple(
                op
                for op in c.operations
                if catalog.operations[op].concern == key and catalog.operations[op].category != "diagnosis"
            )
            for key, c in catalog.components.items()
        }
        # per component index: the remedies a comeback draws from (empty: redo the repair)
        self.comeback_remedies = tuple(catalog.comebacks.get(key, ()) for key in wear.keys)
        self._mpi_share = catalog.inspections["multipoint_inspection"].share_of_dealer_visits or 0.0
        self._inspection_at_lube = catalog.inspections["state_inspection"].quick_lube
        self._state_inspection = state_inspection
        self._comeback_same_shop = behaviour.comeback_same_shop.value
        self._inspection_ahead_days = behaviour.inspection_ahead_days.value
        self._waiter_share = behaviour.waiter_share.value
        self._waiter_max_hours = behaviour.waiter_max_hours.value
        self._latest_arrival = behaviour.latest_arrival_before_close_hours.value / 24
        self._back_order = behaviour.back_order
        hours = behaviour.arrival_hours
        self._dropoff_window = tuple((c.hour * 60 + c.minute) / 1440 for c in hours.dropoff)
        self._waiter_window = tuple((c.hour * 60 + c.minute) / 1440 for c in hours.waiter)
        self._found_decline_streams = component_streams(wear.keys, "found_decline")
        self._comeback_shop_streams = component_streams(wear.keys, "comeback_shop")
        self._comeback_remedy_streams = component_streams(wear.keys, "comeback_remedy")
        self._service_decline_streams = tuple(crn.stream("service", key, "decline") for key in schedule.keys)
        self._diesel_service_ops = tuple(
            DIESEL_OIL_CHANGE if key == "oil_change" else op_ids
            for key, op_ids in zip(schedule.keys, schedule.op_ids, strict=True)
        )
        bundles = catalog.bundles
        pads, rotors = wear.keys.index(bundles.pad_rotors.pads), wear.keys.index(bundles.pad_rotors.rotors)
        # component -> (the component its job also replaces, how often, the stream drawn per life)
        self._pad_rotor_shares = {
            index: (other, share, crn.stream("job", wear.keys[index], "also", wear.keys[other]))
            for index, other, share in (
                (pads, rotors, bundles.pad_rotors.share),
                (rotors, pads, bundles.pad_rotors.rotors_with_pads),
            )
        }
        # on a visit that replaces the pads, the rotors' own repair is the guide's add-on to the pad job
        self._rotors_with_pads = dict.fromkeys(
            self.repair_ops[bundles.pad_rotors.rotors], bundles.pad_rotors.rotors_operation
        )
        self._handover_share = bundles.diagnosis_handover.shares

    def plan(self, vehicle: Vehicle, reason: str, index: int, t: float) -> VisitPlan | None:
        """The plan for a visit needed at t, or None if nothing can be done (e.g. no dealer for a recall)."""
        choice = self.choice
        owner = vehicle.owner
        shop: Shop
        warranty = False
        if reason == FAILURE:
            dealer = choice.brand_dealer(vehicle)
            warranty = dealer is not None and self.warranty.covered(vehicle, index, t)
            shop = dealer if warranty else choice.repair_shop(vehicle, t)
            if choice.buys_elsewhere(vehicle, index, shop, warranty):
                shop = choice.elsewhere(vehicle, index) or shop
        elif reason == RECALL:
            shop = choice.brand_dealer(vehicle)
            if shop is None:
                return None
        elif reason == COMEBACK:
            comeback = vehicle.comeback
            same_u = crn.uniform(
                vehicle.key, self._comeback_shop_streams[comeback.component], vehicle.lives[index]
            )
            shop = comeback.shop if same_u < self._comeback_same_shop else choice.repair_shop(vehicle, t)
        elif (
            owner.lube_shop is not None
            and (
                (reason == MAINTENANCE and self.schedule.quick_lube[index])
                or (reason == INSPECTION and self._inspection_at_lube)
            )
            and not _dealer_keeps_maintenance(vehicle)
        ):
            shop = owner.lube_shop
        else:
            shop = choice.repair_shop(vehicle, t)
        plan = VisitPlan(shop, owner, reason)
        miles = vehicle.odometer.miles(t)
        wear = self.wear

        if reason == FAILURE:
            symptom = wear.symptom(vehicle.key, index, vehicle.lives[index])
            pay = "warranty" if warranty else "customer"
            self._repair(vehicle, plan, pay, FAILURE, index, symptom, self._operations[wear.keys[index]])
        elif reason == RECALL:
            # the campaign that brings the owner in, and the vehicle's others already announced
            plan.recalls.extend(c for _, c in vehicle.recalls if self.recall_announced[c] <= t)
        elif reason == COMEBACK:
            comeback = vehicle.comeback
            key = wear.keys[comeback.component]
            pay = comeback.pay_type if shop is comeback.shop else "customer"
            plan.jobs.append(
                JobSpec(
                    pay,
                    COMEBACK,
                    key,
                    wear.symptom(vehicle.key, index, vehicle.lives[index]),
                    self._comeback_ops(vehicle, index, key),
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
                if self.recall_announced[campaign] <= t and campaign not in plan.recalls:
                    plan.recalls.append(campaign)
        if shop.does_repairs:
            self._add_found_failures(vehicle, plan, t)
        for campaign in plan.recalls:
            recall = self.recalls[campaign]
            plan.jobs.append(
                JobSpec("warranty", RECALL, recall.campaign_id, None, (recall.operation,), recall.campaign_id)
            )
        self._add_services(vehicle, plan, t, miles)
        if shop.info.kind == "fleet_depot" and owner.fleet_shop is shop:
            _bill_in_house(plan)
        self.set_timing(vehicle, plan, t)
        plan.settle()
        return plan

    def _comeback_ops(self, vehicle: Vehicle, index: int, key: str) -> tuple[str, ...]:
        """What the comeback of component ``index`` does: one of its catalog remedies that the
        vehicle's build can take, drawn by weight, or the repair again when the catalog lists none."""
        tpms = vehicle.info.spec.tpms
        remedies = [r for r in self.comeback_remedies[index] if tpms or not r.needs_tpms]
        if not remedies:
            return self.repair_ops[key]
        u = crn.uniform(vehicle.key, self._comeback_remedy_streams[index], vehicle.lives[index])
        cumulative = list(accumulate(remedy.weight for remedy in remedies))
        return remedies[bisect_right(cumulative, u * cumulative[-1])].operations

    def reconditioning(self, vehicle: Vehicle, dealer: Shop, t: float) -> VisitPlan:
        """Used-car reconditioning: inspection, every failed part, due services, all internal pay."""
        plan = VisitPlan(dealer, vehicle.owner, "reconditioning")
        plan.jobs.append(
            JobSpec("internal", "reconditioning", "used_vehicle_recon", None, ("used_vehicle_recon",))
        )
        wear = self.wear
        for index, key in enumerate(wear.keys):
            if vehicle.onset_passed(wear, index, t) and index not in plan.components:
                symptom = wear.symptom(vehicle.key, index, vehicle.lives[index])
                self._repair(vehicle, plan, "internal", FAILURE, index, symptom, self.repair_ops[key])
        miles = vehicle.odometer.miles(t)
        schedule = self.schedule
        for index in schedule.due_soon(vehicle, t, miles, False):
            plan.services.append(index)
            plan.jobs.append(
                JobSpec(
                    "internal", "maintenance", schedule.keys[index], None, self._service_ops(vehicle)[index]
                )
            )
        # Keyed by ownership, not by visit count: the sale date derives from this arrival and must
        # not depend on how many visits the vehicle happened to have before.
        self.set_timing(vehicle, plan, t, RECONDITIONING_TIMING_STREAM, vehicle.owner_seq)
        plan.settle()
        return plan

    def _repair(
        self,
        vehicle: Vehicle,
        plan: VisitPlan,
        pay: str,
        kind: str,
        index: int,
        symptom: str | None,
        op_ids: tuple[str, ...],
    ) -> None:
        """A repair job for a component. Most front pad jobs replace the rotors too, and rotor jobs
        the pads (bundles.yaml), which renews them, unless the visit already has them; with the pads
        replaced on the visit, the rotors take only the labor guide's add-on time."""
        plan.components.append(index)
        other, share, stream = self._pad_rotor_shares.get(index, (-1, 0.0, 0))
        if other >= 0:
            if (
                other not in plan.components
                and crn.uniform(vehicle.key, stream, vehicle.lives[index]) < share
            ):
                plan.components.append(other)
                op_ids = op_ids + self.repair_ops[self.wear.keys[other]]
            if other in plan.components:
                rotors_with_pads = self._rotors_with_pads
                op_ids = tuple(rotors_with_pads.get(op_id, op_id) for op_id in op_ids)
        plan.jobs.append(JobSpec(pay, kind, self.wear.keys[index], symptom, op_ids))

    def _add_found_failures(self, vehicle: Vehicle, plan: VisitPlan, t: float) -> None:
        """Parts that have already failed, noticed or not, which the technician finds on the lift."""
        times, delays = vehicle.comp_time, vehicle.delay
        # Screening all onsets in one C-level pass: on most visits no further part has failed yet.
        if min(map(sub, times, delays)) > t:
            return
        wear = self.wear
        choice = self.choice
        dealer_of_brand = plan.shop.info.kind == "dealer" and vehicle.info.make in plan.shop.info.brands
        for index in range(len(times)):
            if times[index] - delays[index] <= t and index not in plan.components:
                key = wear.keys[index]
                if (
                    crn.uniform(vehicle.key, self._found_decline_streams[index], vehicle.visits)
                    < plan.customer.decline
                ):
                    plan.declined.append(key)
                    continue
                warranty = dealer_of_brand and self.warranty.covered(vehicle, index, t)
                if choice.buys_elsewhere(vehicle, index, plan.shop, warranty):
                    plan.declined.append(key)
                    continue
                pay = "warranty" if warranty else "customer"
                symptom = wear.symptom(vehicle.key, index, vehicle.lives[index])
                self._repair(vehicle, plan, pay, FAILURE, index, symptom, self._operations[key])

    def _add_services(self, vehicle: Vehicle, plan: VisitPlan, t: float, miles: float) -> None:
        schedule = self.schedule
        shop = plan.shop
        if plan.inspection or (
            self._state_inspection
            and vehicle.inspection_at - t < self._inspection_ahead_days
            and shop.does_repairs
        ):
            plan.inspection = True
            plan.jobs.append(JobSpec("customer", INSPECTION, "state_inspection", None, ("state_inspection",)))
        quick_only = not shop.does_repairs
        primary = plan.services[0] if plan.services else -1
        decline = plan.customer.decline
        for index in schedule.due_soon(vehicle, t, miles, quick_only):
            if index != primary:
                if crn.uniform(vehicle.key, self._service_decline_streams[index], vehicle.visits) < decline:
                    plan.declined.append(schedule.keys[index])
                    schedule.declined(vehicle, index, t, miles)
                    continue
                plan.services.append(index)
        if plan.services:
            service_ops = self._service_ops(vehicle)
            plan.jobs += [
                JobSpec("customer", MAINTENANCE, schedule.keys[index], None, service_ops[index])
                for index in plan.services
            ]
        if (
            shop.info.kind == "dealer"
            and crn.uniform(vehicle.key, MULTIPOINT_STREAM, vehicle.visits) < self._mpi_share
        ):
            plan.jobs.append(
                JobSpec("customer", INSPECTION, "multipoint_inspection", None, ("multipoint_inspection",))
            )

    def _service_ops(self, vehicle: Vehicle) -> tuple[tuple[str, ...], ...]:
        """Each maintenance service's operations on the vehicle, by service index: a diesel's oil
        change takes diesel oil and filter."""
        diesel = vehicle.info.spec.engine.fuel == "diesel"
        return self._diesel_service_ops if diesel else self.schedule.op_ids

    def set_timing(
        self,
        vehicle: Vehicle,
        plan: VisitPlan,
        t: float,
        stream: int = VISIT_TIMING_STREAM,
        counter: int | None = None,
    ) -> None:
        """Arrival time, waiter or drop-off, back-order: the timing of the visit at its shop."""
        counter = vehicle.visits if counter is None else counter
        draws = crn.decision(vehicle.key, stream, counter)
        work_of = self.assembler.work
        fitment = vehicle.fitment
        lube = diagnosis = line = 0
        repairs = False  # whether any job repairs something, which parts can hold up
        for job in plan.jobs:
            job_lube, job_diagnosis, job_line, job.lines = work_of(job.op_ids, job.pay_type, fitment)
            lube += job_lube
            diagnosis += job_diagnosis
            line += job_line
            repairs = repairs or job.kind in BACK_ORDER_KINDS
        hours = (lube + diagnosis + line) / 10
        plan.hours = hours
        plan.blocks = self._blocks(vehicle, plan.shop, lube, diagnosis, line)
        plan.waiter = (
            plan.visit_kind != "reconditioning"
            and hours <= self._waiter_max_hours
            and crn.sub_uniform(draws, WAITER_DRAW) < self._waiter_share
        )
        low, high = self._waiter_window if plan.waiter else self._dropoff_window
        fraction = low + crn.sub_uniform(draws, ARRIVAL_DRAW) * (high - low)
        business = plan.shop.hours
        latest = self._latest_arrival
        day = business.open_day_on_or_after(math.floor(t))
        while True:
            opening, closing = business.hours_on(day)
            arrival = day + min(max(fraction, opening), max(opening, closing - latest))
            if arrival >= t:
                break
            day = business.open_day_on_or_after(day + 1)
        plan.arrival = arrival
        back_order = self._back_order
        if repairs and crn.sub_uniform(draws, BACK_ORDER_DRAW) < back_order.probability:
            low_days, high_days = back_order.business_days
            days_u = crn.sub_uniform(draws, BACK_ORDER_DAYS_DRAW)
            plan.back_order_days = low_days + int(days_u * (high_days - low_days + 1))
            plan.close_fraction = crn.sub_uniform(draws, CLOSING_DRAW)

    def _blocks(
        self, vehicle: Vehicle, shop: Shop, lube: int, diagnosis: int, line: int
    ) -> tuple[tuple[str, float], ...]:
        """Who works the visit, as (role, hours) blocks of tenths: a lube technician does the express
        work where the shop has one; a diagnosis goes to another technician at the shop kind's rate."""
        blocks = []
        if lube and shop.lube_technicians:
            blocks.append((LUBE, lube / 10))
        else:
            line += lube
        if (
            diagnosis
            and line
            and crn.uniform(vehicle.key, HANDOVER_STREAM, vehicle.visits)
            < self._handover_share[shop.info.kind]
        ):
            blocks += [(DIAGNOSIS, diagnosis / 10), (LINE, line / 10)]
        elif diagnosis + line or not blocks:
            blocks.append((LINE, (diagnosis + line) / 10))
        return tuple(blocks)


def _dealer_keeps_maintenance(vehicle: Vehicle) -> bool:
    """Owners in a dealer's customer base have it maintained there: complimentary maintenance
    plans and warranty records in warranty (e.g. ToyotaCare 2y/25k), the express lane after."""
    return vehicle.shop.info.kind == "dealer"


def _bill_in_house(plan: VisitPlan) -> None:
    """A fleet's own depot charges its work back to the fleet: internal pay (untaxed, no fees, no
    contract discount), never a customer-pay invoice."""
    for job in plan.jobs:
        if job.pay_type == "customer":
            job.pay_type = "internal"
