"""Visit planning: which shop a visit goes to and who pays (warranty at the brand dealer, comebacks,
quick lubes, recalls, reconditioning and depots), with the shop choice pinned."""

from __future__ import annotations

import pytest

from tests.world.planning_worlds import PinnedChoice, pinned_world, planning_world
from world.vehicles import PendingComeback
from world.visit_plan import (
    COMEBACK,
    FAILURE,
    INSPECTION,
    MAINTENANCE,
    RECALL,
)


@pytest.mark.parametrize(
    ("covered", "usual", "shop", "pay"),
    [
        (True, "independent", "dealer", "warranty"),
        (False, "independent", "usual", "customer"),
        # A dealer's customer may take a customer-pay repair to an independent instead.
        (False, "dealer", "other", "customer"),
    ],
)
def test_a_failure_in_warranty_is_repaired_by_the_brand_dealer_on_warranty_pay(
    monkeypatch, covered, usual, shop, pay
):
    world, vehicle, choice = pinned_world(monkeypatch, usual, covered)
    wear = world.planner.wear
    index = wear.keys.index("alternator")
    plan = world.planner.plan(vehicle, FAILURE, index, world.calendar.start_t + 10)
    assert plan.shop is getattr(choice, shop)
    job = plan.jobs[0]
    assert (job.pay_type, job.kind, job.concern, job.symptom, plan.components[0]) == (
        pay,
        FAILURE,
        "alternator",
        wear.symptom(vehicle.key, index, vehicle.lives[index]),
        index,
    )


@pytest.mark.parametrize(
    ("same_shop_share", "shop", "pay"), [(1.0, "comeback", "warranty"), (0.0, "usual", "customer")]
)
def test_a_comeback_returns_to_the_shop_that_did_the_repair_on_its_pay_or_pays_elsewhere(
    monkeypatch, same_shop_share, shop, pay
):
    world, vehicle, choice = pinned_world(monkeypatch)
    planner = world.planner
    index = planner.wear.keys.index("alternator")
    comeback = PendingComeback(world.calendar.start_t, index, choice.dealer, "OH101-000001", "e1", "warranty")
    monkeypatch.setattr(vehicle, "comeback", comeback)
    monkeypatch.setattr(planner, "_comeback_same_shop", same_shop_share)
    plan = planner.plan(vehicle, COMEBACK, index, world.calendar.start_t + 10)
    assert plan.shop is (choice.dealer if shop == "comeback" else choice.usual)
    assert plan.comeback is comeback and plan.components[0] == index
    job = plan.jobs[0]
    # the owner reports the same symptom as when this part first failed
    symptom = planner.wear.symptom(vehicle.key, index, vehicle.lives[index])
    assert (job.pay_type, job.kind, job.concern, job.symptom) == (pay, COMEBACK, "alternator", symptom)


def test_whether_a_comeback_returns_to_the_same_shop_is_each_vehicles_own_draw(monkeypatch):
    world = planning_world()
    planner = world.planner
    index = planner.wear.keys.index("alternator")
    vehicles = [v for v in world.census.alive.values() if v.lives[index] == 1]  # one draw address but the key
    usual, elsewhere = world.market.independents[:2]
    monkeypatch.setattr(planner, "choice", PinnedChoice(None, usual, elsewhere))
    monkeypatch.setattr(planner, "_comeback_same_shop", 0.5)
    returned = set()
    for vehicle in vehicles:
        comeback = PendingComeback(world.calendar.start_t, index, elsewhere, "OH101-000001", "e1", "customer")
        monkeypatch.setattr(vehicle, "comeback", comeback)
        returned.add(planner.plan(vehicle, COMEBACK, index, world.calendar.start_t + 10).shop is elsewhere)
    assert len(vehicles) >= 10 and returned == {True, False}


@pytest.mark.parametrize(
    ("reason", "need", "kept_by_dealer", "at_lube"),
    [
        (MAINTENANCE, "oil_change", False, True),
        (MAINTENANCE, "brake_fluid_flush", False, False),
        (MAINTENANCE, "oil_change", True, False),
        (INSPECTION, None, False, True),
        # The failure of the component listed first, as the oil change is among the services.
        (FAILURE, "brake_pads_front", False, False),
    ],
)
def test_an_owner_with_a_quick_lube_takes_only_its_services_and_inspections_there(
    monkeypatch, reason, need, kept_by_dealer, at_lube
):
    world, vehicle, choice = pinned_world(monkeypatch)
    planner = world.planner
    lube = world.market.lubes[0]
    monkeypatch.setattr(vehicle.owner, "lube_shop", lube)
    if kept_by_dealer:
        monkeypatch.setattr(vehicle, "shop", choice.dealer)
    keys = planner.wear.keys if reason == FAILURE else planner.schedule.keys
    index = -1 if need is None else keys.index(need)
    assert planner.schedule.quick_lube[0] and world.catalog.inspections["state_inspection"].quick_lube
    plan = planner.plan(vehicle, reason, index, world.calendar.start_t + 10)
    assert plan.shop is (lube if at_lube else choice.usual)


def test_a_recall_visit_remedies_the_campaigns_announced_by_then(monkeypatch):
    world, vehicle, choice = pinned_world(monkeypatch)
    planner = world.planner
    t = world.calendar.start_t + 10
    # Campaign 0 is announced this very day, campaign 1 the day after.
    monkeypatch.setattr(planner, "recall_announced", (t, t + 1, *planner.recall_announced[2:]))
    monkeypatch.setattr(vehicle, "recalls", [(t, 0), (t + 1, 1)])
    plan = planner.plan(vehicle, RECALL, 0, t)
    recall = planner.recalls[0]
    assert plan.shop is choice.dealer and plan.recalls == (0,)
    assert [
        (job.pay_type, job.kind, job.concern, job.symptom, job.op_ids, job.campaign)
        for job in plan.jobs
        if job.kind == RECALL
    ] == [("warranty", RECALL, recall.campaign_id, None, (recall.operation,), recall.campaign_id)]


@pytest.mark.parametrize(
    ("usual", "remedied"), [("dealer", True), ("other_dealer", False), ("independent", False)]
)
def test_the_brand_dealer_remedies_the_announced_campaigns_on_any_visit(monkeypatch, usual, remedied):
    world, vehicle, choice = pinned_world(monkeypatch, usual)
    planner = world.planner
    t = world.calendar.start_t + 10
    # Campaign 0 was announced before the visit, 1 at its very instant, 2 the day after.
    monkeypatch.setattr(planner, "recall_announced", (t - 5, t, t + 1, *planner.recall_announced[3:]))
    monkeypatch.setattr(vehicle, "recalls", [(t - 5, 0), (t, 1), (t + 1, 2)])
    monkeypatch.setattr(vehicle.owner, "lube_shop", None)
    plan = planner.plan(vehicle, MAINTENANCE, planner.schedule.keys.index("oil_change"), t)
    assert plan.shop is choice.usual
    campaigns = (0, 1) if remedied else ()
    assert plan.recalls == campaigns
    assert [job.campaign for job in plan.jobs if job.kind == RECALL] == [
        planner.recalls[c].campaign_id for c in campaigns
    ]


def test_a_recall_without_a_brand_dealer_is_not_planned(monkeypatch):
    world, vehicle, choice = pinned_world(monkeypatch)
    choice.dealer = None
    assert world.planner.plan(vehicle, RECALL, 0, world.calendar.start_t + 10) is None


def test_reconditioning_repairs_every_failed_part_and_does_every_due_service_on_internal_pay():
    world = planning_world()
    planner, wear, schedule = world.planner, world.planner.wear, world.planner.schedule
    vehicle = next(iter(world.census.alive.values()))
    t = world.calendar.start_t + 3 * 365  # three years on: parts have failed, services are due
    failed = {index for index in range(len(wear.keys)) if vehicle.onset_passed(wear, index, t)}
    due = schedule.due_soon(vehicle, t, vehicle.odometer.miles(t), False)
    assert failed and not all(schedule.quick_lube[index] for index in due)
    plan = planner.reconditioning(vehicle, world.market.dealers[0], t)
    assert (plan.visit_kind, {job.pay_type for job in plan.jobs}) == ("reconditioning", {"internal"})
    first = plan.jobs[0]
    assert (first.kind, first.concern, first.symptom, first.op_ids) == (
        "reconditioning",
        "used_vehicle_recon",
        None,
        ("used_vehicle_recon",),
    )
    kinds = [job.kind for job in plan.jobs]
    assert FAILURE in kinds and kinds == [
        "reconditioning",
        *[FAILURE] * (len(kinds) - 1 - len(due)),
        *[MAINTENANCE] * len(due),
    ]
    repairs = [job for job in plan.jobs if job.kind == FAILURE]
    repaired = [wear.keys.index(job.concern) for job in repairs]
    # A failed part is repaired once; its pad or rotor partner may come with it, on the same job.
    assert set(repaired) <= failed <= set(plan.components) and len(repaired) == len(set(repaired))
    for index, job in zip(repaired, repairs, strict=True):
        assert job.symptom == wear.symptom(vehicle.key, index, vehicle.lives[index])
        ops = planner.repair_ops[job.concern]
        # rotors repaired after the pads on the same visit bill the guide's add-on to the pad job
        pads = wear.keys.index(world.catalog.bundles.pad_rotors.pads)
        if index != pads and pads in plan.components[: plan.components.index(index)]:
            ops = tuple(planner._rotors_with_pads.get(op_id, op_id) for op_id in ops)
        assert job.op_ids[: len(ops)] == ops
    assert list(plan.services) == due
    assert [job.concern for job in plan.jobs if job.kind == MAINTENANCE] == [schedule.keys[i] for i in due]


def test_reconditioning_is_timed_by_the_ownership_not_by_the_visits_before_it(monkeypatch):
    world = planning_world()
    vehicle = next(iter(world.census.alive.values()))
    timings = set()
    for visits in range(4):
        monkeypatch.setattr(vehicle, "visits", visits)
        plan = world.planner.reconditioning(vehicle, world.market.dealers[0], world.calendar.start_t + 10)
        timings.add((plan.arrival, plan.close_fraction))
    assert len(timings) == 1


# A fleet without a depot of its own contracts a shop for all its work, which invoices it.
@pytest.mark.parametrize(("fleet_shop", "pay"), [("depot", "internal"), ("contracted", "customer")])
def test_a_fleets_own_depot_bills_its_work_internal_pay_and_a_contracted_shop_customer_pay(
    monkeypatch, fleet_shop, pay
):
    world, vehicle, choice = pinned_world(monkeypatch)
    if fleet_shop == "depot":
        choice.usual = next(iter(world.market.depots.values()))
    monkeypatch.setattr(vehicle.owner, "fleet_shop", choice.usual)
    plan = world.planner.plan(
        vehicle, FAILURE, world.planner.wear.keys.index("alternator"), world.calendar.start_t
    )
    assert plan.shop is choice.usual and {job.pay_type for job in plan.jobs} == {pay}


def test_a_tire_comeback_is_a_tpms_relearn_only_on_a_vehicle_with_tpms(monkeypatch):
    world = planning_world()
    planner = world.planner
    index = planner.wear.keys.index("tires")
    shop = world.market.independents[0]
    monkeypatch.setattr(planner, "choice", PinnedChoice(None, shop, shop))
    remedies = {True: set(), False: set()}
    by_life = {}  # TPMS vehicles' remedies by how many sets of tires they are on
    for vehicle in world.census.alive.values():
        comeback = PendingComeback(world.calendar.start_t, index, shop, "OH101-000001", "e1", "customer")
        monkeypatch.setattr(vehicle, "comeback", comeback)
        op_ids = planner.plan(vehicle, COMEBACK, index, world.calendar.start_t + 10).jobs[0].op_ids
        remedies[vehicle.info.spec.tpms].add(op_ids)
        if vehicle.info.spec.tpms:
            by_life.setdefault(vehicle.lives[index], set()).add(op_ids)
    assert ("tpms_relearn",) in remedies[True] and ("tpms_relearn",) not in remedies[False]
    assert remedies[False]
    # Each vehicle draws its own remedy: vehicles on the same set of tires do not all get one.
    assert max(len(drawn) for drawn in by_life.values()) > 1
