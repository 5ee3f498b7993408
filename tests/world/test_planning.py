"""Visit planning: which need comes first, arrival timing near closing, which services bring an owner in,
factory defects."""

from __future__ import annotations

import math
import random
from array import array
from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporters.config import ExportConfig
from exporters.pricing import Pricer
from tests.world.small_worlds import default_run, resolve, run_world, small_scenario
from world.catalog import load_catalog
from world.planning import (
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
    next_need,
)
from world.shards import plan_shards
from world.vehicles import PendingComeback
from world.world import build


def _world():
    scenario = resolve(small_scenario(private=30))
    return build(scenario, 7, plan_shards(scenario.world)[0])


def test_a_need_in_the_last_half_hour_before_closing_arrives_on_a_later_open_day():
    # Regression: the arrival was clamped to half an hour before closing, which fell before the
    # moment the visit was planned, so the vehicle "arrived" in the past.
    world = _world()
    vehicle = next(iter(world.census.alive.values()))
    shop = world.market.repair_shops[0]
    day = shop.hours.open_day_on_or_after(math.ceil(world.calendar.start_t))
    opening, closing = shop.hours.hours_on(day)
    latest = world.catalog.behaviour.latest_arrival_before_close_hours.value / 24
    for minutes_before_close in (1, 10, 29):
        planned_at = day + closing - minutes_before_close / 1440
        plan = VisitPlan(shop, vehicle.owner, "maintenance")
        plan.jobs.append(JobSpec("customer", "maintenance", "oil_change", None, ("oil_change",)))
        world.planner.set_timing(vehicle, plan, planned_at)
        assert plan.arrival >= planned_at
        arrival_day = math.floor(plan.arrival)
        assert arrival_day > day
        open_at, close_at = shop.hours.hours_on(arrival_day)
        assert open_at <= plan.arrival - arrival_day <= close_at - latest + 1e-9


def test_only_visit_triggering_services_are_scheduled():
    world = _world()
    schedule = world.planner.schedule
    assert schedule.keys[schedule.triggers[0]] == "oil_change"
    for vehicle in world.census.alive.values():
        at, index = schedule.next_due(vehicle)
        assert index in schedule.triggers and at > 0


def test_factory_defects_hit_only_covered_parts_and_only_the_first_life():
    world = _world()
    wear = world.planner.wear
    for index, coverage in enumerate(wear.coverage):
        assert (wear.defect_share[index] > 0) == (coverage != "none")
    covered = [i for i, c in enumerate(wear.coverage) if c == "basic" and wear.by_miles[i]]
    keys = range(1, 4001)
    first_lives = [wear.life(key, covered[0], 0) for key in keys]
    early = sum(life < 36_000 for life in first_lives) / len(first_lives)
    # Defects (about the configured share) plus the few ordinary early failures of a long-lived part.
    share = wear.defect_share[covered[0]]
    assert share * 0.7 < early < share * 1.6 + 0.02
    later_lives = [wear.life(key, covered[0], 1) for key in keys]
    assert sum(life < 36_000 for life in later_lives) / len(later_lives) < share / 2


def _vehicle(failures=(9.0, 4.0), maint=8.0, comeback=None, recalls=(), inspection=7.0):
    """A vehicle as next_need reads it: failure times per component and the other needs' times."""
    return SimpleNamespace(
        next_failure=lambda: (min(failures), failures.index(min(failures))),
        maint_at=maint,
        maint_index=3,
        comeback=None if comeback is None else SimpleNamespace(at=comeback, component=1),
        recalls=list(recalls),
        inspection_at=inspection,
    )


@pytest.mark.parametrize(
    ("vehicle", "need"),
    [
        (_vehicle(), (4.0, FAILURE, 1)),
        (_vehicle(maint=2.0), (2.0, MAINTENANCE, 3)),
        (_vehicle(comeback=3.0), (3.0, COMEBACK, 1)),
        # The soonest announced campaign, whatever the order the vehicle holds them in.
        (_vehicle(recalls=[(3.5, 2), (1.5, 5)]), (1.5, RECALL, 5)),
        (_vehicle(inspection=0.5), (0.5, INSPECTION, -1)),
        # On a tie the need listed first wins: failure, maintenance, comeback, recall, inspection.
        (_vehicle(maint=4.0, comeback=4.0, recalls=[(4.0, 0)], inspection=4.0), (4.0, FAILURE, 1)),
        (_vehicle(maint=2.0, comeback=2.0, recalls=[(2.0, 0)], inspection=2.0), (2.0, MAINTENANCE, 3)),
        (_vehicle(comeback=2.0, recalls=[(2.0, 0)], inspection=2.0), (2.0, COMEBACK, 1)),
        (_vehicle(recalls=[(2.0, 0)], inspection=2.0), (2.0, RECALL, 0)),
    ],
)
def test_the_earliest_need_brings_the_vehicle_in(vehicle, need):
    assert next_need(vehicle) == need


COMEBACK_WORLD = {"comeback_scale": 8.0, "failure_rate_scale": {"tires": 4.0, "brake_pads_front": 4.0}}


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_a_comeback_fixes_what_failed_and_never_fits_a_second_set_of_tires(seed):
    visits, _, _ = run_world(resolve(small_scenario(private=80, **COMEBACK_WORLD)), seed)
    catalog = load_catalog()
    remedies = {key: {r.operations for r in listed} for key, listed in catalog.comebacks.items()}
    done = set()
    for visit in visits:
        for job in visit.jobs:
            if job.kind != "comeback":
                continue
            operations = tuple(op.operation_id for op in job.operations)
            if job.concern in remedies:
                assert operations in remedies[job.concern]
                assert not any(
                    catalog.parts[use.part_number].description.startswith("Tire,") for use in _parts(job)
                )
                if operations == ("tpms_relearn",):
                    assert visit.vehicle.spec.tpms
            else:  # a component the catalog lists no remedy for has its repair done again
                assert all(catalog.operations[op].concern == job.concern for op in operations)
            done.add(operations)
    assert {("tire_rebalance",), ("tire_leak_repair",), ("brake_service_front",)} <= done


def _parts(job):
    return [use for op in job.operations for use in op.parts]


def test_a_need_on_a_holiday_arrives_on_the_next_open_day():
    world = _world()
    vehicle = next(iter(world.census.alive.values()))
    shop = world.market.repair_shops[0]
    christmas = (date(2024, 12, 25) - world.calendar.epoch).days  # a Wednesday
    assert christmas in shop.hours.closed
    plan = VisitPlan(shop, vehicle.owner, "maintenance")
    plan.jobs.append(JobSpec("customer", "maintenance", "oil_change", None, ("oil_change",)))
    world.planner.set_timing(vehicle, plan, christmas + 0.3)
    assert math.floor(plan.arrival) == christmas + 1


def test_a_depot_bills_its_own_fleet_internal_pay_untaxed_and_undiscounted():
    visits, _, _ = default_run(0)
    pricer = Pricer(load_catalog(), ExportConfig(coupon_rate=1))
    at_depot = [visit for visit in visits if visit.shop.kind == "fleet_depot"]
    assert len(at_depot) >= 20
    for visit in at_depot:
        assert visit.customer.kind == "fleet" and visit.customer.discount_bp > 0
        assert {job.pay_type for job in visit.jobs} == {"internal"}
        totals = pricer.price(visit, random.Random(visit.draw_seed)).totals
        assert totals.tax == totals.discount == totals.fees == totals.customer_pay == 0
        assert totals.internal_pay == totals.total > 0


class _PinnedChoice:
    """Shop choice with every pick fixed: the brand dealer, the owner's usual repair shop, and the
    independent an owner takes a customer-pay repair to instead of the dealer (never a warranty one,
    as ShopChoice.buys_elsewhere rules)."""

    def __init__(self, dealer, usual, elsewhere):
        self.dealer, self.usual, self.other = dealer, usual, elsewhere

    def brand_dealer(self, vehicle):
        return self.dealer

    def repair_shop(self, vehicle, t):
        return self.usual

    def buys_elsewhere(self, vehicle, index, shop, warranty):
        return not warranty and shop.info.kind == "dealer"

    def elsewhere(self, vehicle, index):
        return self.other


def _pinned(monkeypatch, usual="independent", covered=False):
    """A world whose planner picks shops as _PinnedChoice does and finds every failure ``covered`` or
    none; returns the world, a vehicle with a brand dealer, and the pinned choice."""
    world = _world()
    market = world.market
    vehicle = next(v for v in world.census.alive.values() if market.brand_dealer(v.info.make, v.key))
    dealer = market.brand_dealer(vehicle.info.make, vehicle.key)
    first, second = market.independents[:2]
    other_dealer = next(shop for shop in market.dealers if vehicle.info.make not in shop.info.brands)
    usual_shop = {"dealer": dealer, "other_dealer": other_dealer, "independent": first}[usual]
    choice = _PinnedChoice(dealer, usual_shop, second)
    monkeypatch.setattr(world.planner, "choice", choice)
    monkeypatch.setattr(world.planner, "warranty", SimpleNamespace(covered=lambda vehicle, index, t: covered))
    monkeypatch.setattr(vehicle, "shop", first)
    return world, vehicle, choice


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
    world, vehicle, choice = _pinned(monkeypatch, usual, covered)
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
    world, vehicle, choice = _pinned(monkeypatch)
    planner = world.planner
    index = planner.wear.keys.index("alternator")
    comeback = PendingComeback(world.calendar.start_t, index, choice.dealer, "OH101-000001", "e1", "warranty")
    monkeypatch.setattr(vehicle, "comeback", comeback)
    monkeypatch.setattr(planner, "_comeback_same_shop", same_shop_share)
    plan = planner.plan(vehicle, COMEBACK, index, world.calendar.start_t + 10)
    assert plan.shop is (choice.dealer if shop == "comeback" else choice.usual)
    assert plan.comeback is comeback and plan.components[0] == index
    job = plan.jobs[0]
    assert (job.pay_type, job.kind, job.concern) == (pay, COMEBACK, "alternator")


def test_whether_a_comeback_returns_to_the_same_shop_is_each_vehicles_own_draw(monkeypatch):
    world = _world()
    planner = world.planner
    index = planner.wear.keys.index("alternator")
    vehicles = [v for v in world.census.alive.values() if v.lives[index] == 1]  # one draw address but the key
    usual, elsewhere = world.market.independents[:2]
    monkeypatch.setattr(planner, "choice", _PinnedChoice(None, usual, elsewhere))
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
    world, vehicle, choice = _pinned(monkeypatch)
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
    world, vehicle, choice = _pinned(monkeypatch)
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


def test_a_recall_without_a_brand_dealer_is_not_planned(monkeypatch):
    world, vehicle, choice = _pinned(monkeypatch)
    choice.dealer = None
    assert world.planner.plan(vehicle, RECALL, 0, world.calendar.start_t + 10) is None


def test_reconditioning_repairs_every_failed_part_and_does_every_due_service_on_internal_pay():
    world = _world()
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
    world = _world()
    vehicle = next(iter(world.census.alive.values()))
    timings = set()
    for visits in range(4):
        monkeypatch.setattr(vehicle, "visits", visits)
        plan = world.planner.reconditioning(vehicle, world.market.dealers[0], world.calendar.start_t + 10)
        timings.add((plan.arrival, plan.close_fraction))
    assert len(timings) == 1


def test_a_fleets_own_depot_bills_its_work_internal_pay(monkeypatch):
    world, vehicle, choice = _pinned(monkeypatch)
    depot = next(iter(world.market.depots.values()))
    choice.usual = depot
    monkeypatch.setattr(vehicle.owner, "fleet_shop", depot)
    plan = world.planner.plan(
        vehicle, FAILURE, world.planner.wear.keys.index("alternator"), world.calendar.start_t
    )
    assert plan.shop is depot and {job.pay_type for job in plan.jobs} == {"internal"}


def test_a_tire_comeback_is_a_tpms_relearn_only_on_a_vehicle_with_tpms(monkeypatch):
    world = _world()
    planner = world.planner
    index = planner.wear.keys.index("tires")
    shop = world.market.independents[0]
    monkeypatch.setattr(planner, "choice", _PinnedChoice(None, shop, shop))
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


def _timed(world, vehicle, shop, visit_kind, *jobs):
    """A plan at ``shop`` with jobs given as (kind, op_ids), customer pay, timed ten days in."""
    plan = VisitPlan(shop, vehicle.owner, visit_kind)
    plan.jobs.extend(JobSpec("customer", kind, kind, None, op_ids) for kind, op_ids in jobs)
    world.planner.set_timing(vehicle, plan, world.calendar.start_t + 10)
    return plan


@pytest.mark.parametrize(
    ("lube_technicians", "handover", "jobs", "blocks"),
    [
        # oil_change: 0.3 h of lube work; charging_diagnosis 0.8 h of diagnosis; water_pump 3.0 h of line
        # work.
        (1, 0.0, [("maintenance", ("oil_change",))], ((LUBE, 0.3),)),
        (0, 0.0, [("maintenance", ("oil_change",))], ((LINE, 0.3),)),
        (
            1,
            0.0,
            [("maintenance", ("oil_change",)), ("failure", ("water_pump",))],
            ((LUBE, 0.3), (LINE, 3.0)),
        ),
        (0, 0.0, [("maintenance", ("oil_change",)), ("failure", ("water_pump",))], ((LINE, 3.3),)),
        (1, 1.0, [("failure", ("charging_diagnosis", "water_pump"))], ((DIAGNOSIS, 0.8), (LINE, 3.0))),
        (1, 0.0, [("failure", ("charging_diagnosis", "water_pump"))], ((LINE, 3.8),)),
        # A diagnosis with nothing to repair after it stays with its technician.
        (1, 1.0, [("failure", ("charging_diagnosis",))], ((LINE, 0.8),)),
    ],
)
def test_a_lube_technician_does_the_express_work_and_a_diagnosis_may_go_to_another(
    monkeypatch, lube_technicians, handover, jobs, blocks
):
    world = _world()
    vehicle = next(iter(world.census.alive.values()))
    shop = world.market.independents[0]
    monkeypatch.setattr(shop, "lube_technicians", lube_technicians)
    monkeypatch.setattr(world.planner, "_handover_share", {"independent": handover})
    plan = _timed(world, vehicle, shop, "maintenance", *jobs)
    assert plan.blocks == blocks
    assert plan.hours == pytest.approx(sum(hours for _, hours in blocks))


@pytest.mark.parametrize(
    ("visit_kind", "op_ids", "waiter"),
    [
        ("maintenance", ("oil_change",), True),
        # 1.5 h is the longest wait (behaviour.yaml waiter_max_hours): 1.3 h waits, 3.0 h does not.
        ("maintenance", ("transmission_fluid",), True),
        ("failure", ("water_pump",), False),
        ("reconditioning", ("oil_change",), False),
    ],
)
def test_only_an_owner_of_a_short_visit_waits_and_a_waiter_comes_later_in_the_day(
    monkeypatch, visit_kind, op_ids, waiter
):
    world = _world()
    monkeypatch.setattr(world.planner, "_waiter_share", 1.0)
    shop = world.market.independents[0]
    arrivals = []  # (arrival, opening) in hours of the day
    for vehicle in world.census.alive.values():
        plan = _timed(world, vehicle, shop, visit_kind, (visit_kind, op_ids))
        assert plan.waiter is waiter
        day = math.floor(plan.arrival)
        arrivals.append(((plan.arrival - day) * 24, shop.hours.hours_on(day)[0] * 24))
    hours = world.catalog.behaviour.arrival_hours
    low, high = hours.waiter if waiter else hours.dropoff
    assert all(max(low.hour, opening) - 1e-9 <= arrival <= high.hour + 1e-9 for arrival, opening in arrivals)
    if waiter:  # drop-offs come by 10:00, waiters through the day
        assert max(arrival for arrival, _ in arrivals) > hours.dropoff[1].hour


def test_nobody_waits_when_no_owner_of_that_kind_does(monkeypatch):
    world = _world()
    monkeypatch.setattr(world.planner, "_waiter_share", 0.0)
    shop = world.market.independents[0]
    assert not any(
        _timed(world, vehicle, shop, "maintenance", ("maintenance", ("oil_change",))).waiter
        for vehicle in world.census.alive.values()
    )


@pytest.mark.parametrize(
    ("kind", "back_ordered"), [(FAILURE, True), (COMEBACK, True), (RECALL, True), (MAINTENANCE, False)]
)
def test_only_a_repair_waits_for_parts_for_the_days_behaviour_yaml_gives(monkeypatch, kind, back_ordered):
    world = _world()
    monkeypatch.setattr(world.planner, "_back_order", SimpleNamespace(probability=1.0, business_days=(2, 4)))
    shop = world.market.independents[0]
    days = {
        _timed(world, vehicle, shop, kind, (kind, ("water_pump",))).back_order_days
        for vehicle in world.census.alive.values()
    }
    assert days == ({2, 3, 4} if back_ordered else {0})


def _failed_by(monkeypatch, vehicle, t, *components):
    """Only ``components`` of ``vehicle`` have failed by t: their onset is t itself, and the owner
    would notice three days later."""
    times, delays = [math.inf] * len(vehicle.comp_time), [0.0] * len(vehicle.comp_time)
    for component in components:
        times[component], delays[component] = t + 3, 3.0
    monkeypatch.setattr(vehicle, "comp_time", times)
    monkeypatch.setattr(vehicle, "delay", delays)


@pytest.mark.parametrize(
    ("usual", "covered", "decline", "pay"),
    [
        ("independent", False, 0.0, "customer"),
        # Not the brand's dealer: the warranty is claimed there only.
        ("independent", True, 0.0, "customer"),
        ("dealer", True, 0.0, "warranty"),
        ("independent", False, 1.0, None),
        # Customer pay at the dealer: this owner takes it elsewhere (_PinnedChoice.buys_elsewhere).
        ("dealer", False, 0.0, None),
        # Another brand's dealer claims no warranty: customer pay, taken elsewhere.
        ("other_dealer", True, 0.0, None),
    ],
)
def test_the_technician_finds_a_failed_part_and_the_owner_has_it_repaired_or_declines(
    monkeypatch, usual, covered, decline, pay
):
    world, vehicle, choice = _pinned(monkeypatch, usual, covered)
    planner = world.planner
    t = world.calendar.start_t + 10
    failed = [planner.wear.keys.index(key) for key in ("alternator", "starter")]
    _failed_by(monkeypatch, vehicle, t, *failed)
    monkeypatch.setattr(vehicle.owner, "decline", decline)
    plan = planner.plan(vehicle, MAINTENANCE, planner.schedule.keys.index("oil_change"), t)
    found = [(job.pay_type, job.symptom) for job in plan.jobs if job.kind == FAILURE]
    if pay is None:
        assert not found and plan.declined[:2] == ("alternator", "starter")
        assert not set(failed) & set(plan.components)
    else:
        wear = planner.wear
        assert found == [(pay, wear.symptom(vehicle.key, index, vehicle.lives[index])) for index in failed]
        assert not {"alternator", "starter"} & set(plan.declined) and set(failed) <= set(plan.components)


def test_a_quick_lube_finds_no_failed_parts(monkeypatch):
    world, vehicle, _ = _pinned(monkeypatch)
    planner = world.planner
    t = world.calendar.start_t + 10
    _failed_by(monkeypatch, vehicle, t, planner.wear.keys.index("alternator"))
    monkeypatch.setattr(vehicle.owner, "lube_shop", world.market.lubes[0])
    monkeypatch.setattr(vehicle.owner, "decline", 0.0)
    plan = planner.plan(vehicle, MAINTENANCE, planner.schedule.keys.index("oil_change"), t)
    assert plan.shop is world.market.lubes[0] and not plan.declined
    assert not any(job.kind == FAILURE for job in plan.jobs)


@pytest.mark.parametrize(
    ("days_ahead", "at_lube", "inspected"), [(29, False, True), (30, False, False), (29, True, False)]
)
def test_a_repair_shop_does_the_state_inspection_due_within_the_month(
    monkeypatch, days_ahead, at_lube, inspected
):
    world, vehicle, _ = _pinned(monkeypatch)
    planner = world.planner
    t = world.calendar.start_t + 10
    assert world.catalog.behaviour.inspection_ahead_days.value == 30
    monkeypatch.setattr(vehicle, "inspection_at", t + days_ahead)
    if at_lube:
        monkeypatch.setattr(vehicle.owner, "lube_shop", world.market.lubes[0])
    plan = planner.plan(vehicle, MAINTENANCE, planner.schedule.keys.index("oil_change"), t)
    assert plan.inspection is inspected
    jobs = [(job.pay_type, job.kind, job.op_ids) for job in plan.jobs if job.concern == "state_inspection"]
    assert jobs == ([("customer", INSPECTION, ("state_inspection",))] if inspected else [])


@pytest.mark.parametrize(
    ("usual", "share", "multipoint"),
    [("dealer", 1.0, True), ("dealer", 0.0, False), ("independent", 1.0, False)],
)
def test_a_dealer_adds_its_multipoint_inspection_to_the_share_of_visits_it_does(
    monkeypatch, usual, share, multipoint
):
    world, vehicle, _ = _pinned(monkeypatch, usual)
    planner = world.planner
    monkeypatch.setattr(planner, "_mpi_share", share)
    plan = planner.plan(
        vehicle, MAINTENANCE, planner.schedule.keys.index("oil_change"), world.calendar.start_t + 10
    )
    jobs = [
        (job.pay_type, job.kind, job.op_ids) for job in plan.jobs if job.concern == "multipoint_inspection"
    ]
    assert jobs == ([("customer", INSPECTION, ("multipoint_inspection",))] if multipoint else [])


@pytest.mark.parametrize(("decline", "declined"), [(0.0, False), (1.0, True)])
def test_the_owner_declines_other_due_services_but_never_the_one_that_brought_them_in(
    monkeypatch, decline, declined
):
    world, vehicle, _ = _pinned(monkeypatch)
    planner, schedule = world.planner, world.planner.schedule
    t = world.calendar.start_t + 3 * 365
    due = schedule.due_soon(vehicle, t, vehicle.odometer.miles(t), False)
    primary = schedule.keys.index("oil_change")
    assert primary in due and len(due) > 1
    monkeypatch.setattr(vehicle.owner, "decline", decline)
    plan = planner.plan(vehicle, MAINTENANCE, primary, t)
    others = [schedule.keys[index] for index in due if index != primary]
    services = [job.concern for job in plan.jobs if job.kind == MAINTENANCE]
    assert plan.services[0] == primary and services[0] == "oil_change"
    assert (services[1:], [key for key in plan.declined if key in others]) == (
        ([], others) if declined else (others, [])
    )


def test_a_comeback_redoes_the_repair_without_diagnosing_the_fault_again():
    world = _world()
    catalog = world.catalog
    for key, op_ids in world.planner.repair_ops.items():
        operations = [catalog.operations[op] for op in op_ids]
        assert operations, key
        assert all(op.concern == key and op.category != "diagnosis" for op in operations), key
        assert set(op_ids) <= set(catalog.components[key].operations)


def test_a_comeback_on_a_later_set_of_the_same_part_draws_its_shop_and_remedy_anew(monkeypatch):
    world = _world()
    planner = world.planner
    index = planner.wear.keys.index("tires")
    usual, elsewhere = world.market.independents[:2]
    monkeypatch.setattr(planner, "choice", _PinnedChoice(None, usual, elsewhere))
    monkeypatch.setattr(planner, "_comeback_same_shop", 0.5)
    outcomes = {}  # (shop, remedy) of each vehicle's comeback on its first and its second set of tires
    for vehicle in world.census.alive.values():
        comeback = PendingComeback(world.calendar.start_t, index, elsewhere, "OH101-000001", "e1", "customer")
        monkeypatch.setattr(vehicle, "comeback", comeback)
        for life in (1, 2):
            lives = array("H", vehicle.lives)
            lives[index] = life
            monkeypatch.setattr(vehicle, "lives", lives)
            plan = planner.plan(vehicle, COMEBACK, index, world.calendar.start_t + 10)
            outcomes.setdefault(vehicle.key, []).append((plan.shop, plan.jobs[0].op_ids))
    firsts, seconds = zip(*outcomes.values(), strict=True)
    assert any(a[0] is not b[0] for a, b in zip(firsts, seconds, strict=True))
    assert any(a[1] != b[1] for a, b in zip(firsts, seconds, strict=True))


def _pad_rotor_shares(monkeypatch, planner, pads_share, rotors_share):
    """How often a front pad job also replaces the rotors, and a rotor job the pads."""
    shares = dict(planner._pad_rotor_shares)
    pads, rotors = planner.wear.keys.index("brake_pads_front"), planner.wear.keys.index("brake_rotors")
    for index, share in ((pads, pads_share), (rotors, rotors_share)):
        other, _, stream = shares[index]
        shares[index] = (other, share, stream)
    monkeypatch.setattr(planner, "_pad_rotor_shares", shares)
    return pads, rotors


@pytest.mark.parametrize(("share", "with_rotors"), [(0.0, {False}), (1.0, {True}), (0.5, {False, True})])
def test_a_front_pad_job_replaces_the_rotors_as_often_as_bundles_yaml_says(monkeypatch, share, with_rotors):
    world = _world()
    planner = world.planner
    pads, rotors = _pad_rotor_shares(monkeypatch, planner, share, 0.0)
    shop = world.market.independents[0]
    monkeypatch.setattr(planner, "choice", _PinnedChoice(None, shop, shop))
    monkeypatch.setattr(planner, "warranty", SimpleNamespace(covered=lambda vehicle, index, t: False))
    t = world.calendar.start_t + 10
    by_life = {1: [], 2: []}  # with rotors or not, per vehicle on its first and on its second pads
    for vehicle in world.census.alive.values():
        _failed_by(monkeypatch, vehicle, t, pads)
        for life, outcomes in by_life.items():
            lives = array("H", vehicle.lives)
            lives[pads] = life
            monkeypatch.setattr(vehicle, "lives", lives)
            plan = planner.plan(vehicle, FAILURE, pads, t)
            outcomes.append(rotors in plan.components)
            assert (plan.jobs[0].op_ids != planner.repair_ops["brake_pads_front"]) is (
                rotors in plan.components
            )
    # Each vehicle draws for itself, and anew for its next pads.
    assert set(by_life[1]) == set(by_life[2]) == with_rotors
    assert (by_life[1] != by_life[2]) is (len(with_rotors) > 1)


def test_a_part_the_visit_already_renews_is_not_replaced_again_with_its_partner(monkeypatch):
    # Rotors fail and bring the owner in (a rotor job never takes the pads here); the pads found
    # failed on the lift would always take the rotors, which this visit already renews.
    world, vehicle, _ = _pinned(monkeypatch)
    planner = world.planner
    pads, rotors = _pad_rotor_shares(monkeypatch, planner, 1.0, 0.0)
    t = world.calendar.start_t + 10
    _failed_by(monkeypatch, vehicle, t, pads)
    monkeypatch.setattr(vehicle.owner, "decline", 0.0)
    plan = planner.plan(vehicle, FAILURE, rotors, t)
    assert plan.components[:2] == (rotors, pads) and len(plan.components) == len(set(plan.components))
    assert [job.op_ids for job in plan.jobs[:2]] == [
        planner.repair_ops["brake_rotors"],
        planner.repair_ops["brake_pads_front"],
    ]


def test_a_diesel_oil_change_takes_diesel_oil_and_its_other_services_their_own_operations(monkeypatch):
    world, _, _ = _pinned(monkeypatch)
    planner, schedule = world.planner, world.planner.schedule
    oil, air = schedule.keys.index("oil_change"), schedule.keys.index("engine_air_filter")
    fuels = set()
    for vehicle in world.census.alive.values():
        fuel = vehicle.info.spec.engine.fuel
        fuels.add(fuel)
        for index in (oil, air):
            plan = planner.plan(vehicle, MAINTENANCE, index, world.calendar.start_t + 10)
            job = next(job for job in plan.jobs if job.concern == schedule.keys[index])
            diesel_oil = index == oil and fuel == "diesel"
            assert job.op_ids == (("oil_change_hd",) if diesel_oil else schedule.op_ids[index])
    assert fuels == {"diesel", "gasoline"}


def _assert_declines_are_drawn_per_vehicle_and_visit(monkeypatch, world, t, key, vehicles):
    """Owners who decline half of what is offered: whether each declines ``key`` at visits 0 to 3
    differs between vehicles and between one vehicle's visits."""
    declined = []
    for vehicle in vehicles:
        monkeypatch.setattr(vehicle.owner, "decline", 0.5)
        visits = []
        for count in range(4):
            monkeypatch.setattr(vehicle, "visits", count)
            visits.append(key in world.planner.plan(vehicle, MAINTENANCE, 0, t).declined)
        declined.append(visits)
    assert len(declined) >= 10 and {visits[0] for visits in declined} == {True, False}
    assert any(len(set(visits)) > 1 for visits in declined)


def test_whether_an_owner_declines_a_found_part_is_drawn_per_vehicle_and_per_visit(monkeypatch):
    world = _world()
    shop = world.market.independents[0]
    monkeypatch.setattr(world.planner, "choice", _PinnedChoice(None, shop, shop))
    t = world.calendar.start_t + 10
    vehicles = list(world.census.alive.values())
    for vehicle in vehicles:
        _failed_by(monkeypatch, vehicle, t, world.planner.wear.keys.index("alternator"))
    _assert_declines_are_drawn_per_vehicle_and_visit(monkeypatch, world, t, "alternator", vehicles)


def test_a_quick_lube_does_only_the_due_services_it_offers(monkeypatch):
    world, vehicle, _ = _pinned(monkeypatch)
    planner, schedule = world.planner, world.planner.schedule
    t = world.calendar.start_t + 3 * 365
    due = schedule.due_soon(vehicle, t, vehicle.odometer.miles(t), False)
    assert any(not schedule.quick_lube[index] for index in due)
    monkeypatch.setattr(vehicle.owner, "lube_shop", world.market.lubes[0])
    monkeypatch.setattr(vehicle.owner, "decline", 0.0)
    plan = planner.plan(vehicle, MAINTENANCE, schedule.keys.index("oil_change"), t)
    assert plan.shop is world.market.lubes[0]
    assert list(plan.services) == [index for index in due if schedule.quick_lube[index]]


def test_an_owner_in_for_a_repair_may_decline_every_due_service(monkeypatch):
    world, vehicle, _ = _pinned(monkeypatch)
    schedule = world.planner.schedule
    t = world.calendar.start_t + 3 * 365
    due = schedule.due_soon(vehicle, t, vehicle.odometer.miles(t), False)
    assert schedule.keys.index("tire_rotation") in due
    monkeypatch.setattr(vehicle.owner, "decline", 1.0)
    plan = world.planner.plan(vehicle, FAILURE, world.planner.wear.keys.index("alternator"), t)
    assert plan.services == () and {schedule.keys[index] for index in due} <= set(plan.declined)


def test_whether_an_owner_declines_a_due_service_is_drawn_per_vehicle_and_per_visit(monkeypatch):
    world = _world()
    schedule = world.planner.schedule
    shop = world.market.independents[0]
    monkeypatch.setattr(world.planner, "choice", _PinnedChoice(None, shop, shop))
    t = world.calendar.start_t + 3 * 365
    rotation = schedule.keys.index("tire_rotation")
    vehicles = [
        vehicle
        for vehicle in world.census.alive.values()
        if rotation in schedule.due_soon(vehicle, t, vehicle.odometer.miles(t), False)
    ]
    _assert_declines_are_drawn_per_vehicle_and_visit(monkeypatch, world, t, "tire_rotation", vehicles)
