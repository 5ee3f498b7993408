"""Visit planning: when the work is done and by whom (technician blocks, waiters, parts back-orders)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from tests.world.planning_worlds import planning_world
from world.visit_plan import (
    COMEBACK,
    DIAGNOSIS,
    FAILURE,
    LINE,
    LUBE,
    MAINTENANCE,
    RECALL,
    JobSpec,
    VisitPlan,
)


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
        # The lube technician's block comes first, then the diagnosis handed over, or the line work
        # with it (oxygen_sensor: 0.8 h, as long as the diagnosis).
        (
            1,
            1.0,
            [("maintenance", ("oil_change",)), ("failure", ("charging_diagnosis", "water_pump"))],
            ((LUBE, 0.3), (DIAGNOSIS, 0.8), (LINE, 3.0)),
        ),
        (
            1,
            0.0,
            [("maintenance", ("oil_change",)), ("failure", ("charging_diagnosis", "oxygen_sensor"))],
            ((LUBE, 0.3), (LINE, 1.6)),
        ),
        # A diagnosis with nothing to repair after it stays with its technician.
        (1, 1.0, [("failure", ("charging_diagnosis",))], ((LINE, 0.8),)),
        # The jobs' diagnoses and repairs add up (spark_plugs: 2.0 h).
        (
            0,
            1.0,
            [
                ("failure", ("charging_diagnosis", "water_pump")),
                ("failure", ("charging_diagnosis", "spark_plugs")),
            ],
            ((DIAGNOSIS, 1.6), (LINE, 5.0)),
        ),
    ],
)
def test_a_lube_technician_does_the_express_work_and_a_diagnosis_may_go_to_another(
    monkeypatch, lube_technicians, handover, jobs, blocks
):
    world = planning_world()
    vehicle = next(iter(world.census.alive.values()))
    shop = world.market.independents[0]
    monkeypatch.setattr(shop, "lube_technicians", lube_technicians)
    monkeypatch.setattr(world.planner, "_handover_share", {"independent": handover})
    plan = _timed(world, vehicle, shop, "maintenance", *jobs)
    assert plan.blocks == blocks
    assert plan.hours == pytest.approx(sum(hours for _, hours in blocks))


def test_whether_a_diagnosis_goes_to_another_technician_is_drawn_per_vehicle_and_per_visit(monkeypatch):
    world = planning_world()
    shop = world.market.independents[0]
    monkeypatch.setattr(world.planner, "_handover_share", {"independent": 0.5})
    handed_over = []  # per vehicle, at visits 0 to 3
    for vehicle in world.census.alive.values():
        visits = []
        for count in range(4):
            monkeypatch.setattr(vehicle, "visits", count)
            plan = _timed(world, vehicle, shop, "failure", ("failure", ("charging_diagnosis", "water_pump")))
            visits.append(plan.blocks[0][0] == DIAGNOSIS)
        handed_over.append(visits)
    assert {visits[0] for visits in handed_over} == {True, False}
    assert any(len(set(visits)) > 1 for visits in handed_over)


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
    world = planning_world()
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
    latest = max(arrival for arrival, _ in arrivals)
    if waiter:  # drop-offs come by 10:00, waiters through the day
        assert latest > hours.dropoff[1].hour
    else:  # drop-offs spread over their window, not all at the opening
        assert latest > (low.hour + high.hour) / 2


def test_an_owner_waits_for_a_visit_exactly_as_long_as_the_longest_wait(monkeypatch):
    world = planning_world()
    monkeypatch.setattr(world.planner, "_waiter_share", 1.0)
    vehicle = next(iter(world.census.alive.values()))
    shop = world.market.independents[0]
    job = ("maintenance", ("transmission_fluid",))
    monkeypatch.setattr(
        world.planner, "_waiter_max_hours", _timed(world, vehicle, shop, "maintenance", job).hours
    )
    assert _timed(world, vehicle, shop, "maintenance", job).waiter


def test_a_warranty_job_is_timed_at_the_manufacturers_labor_time(monkeypatch):
    world = planning_world()
    vehicle = next(iter(world.census.alive.values()))
    plan = VisitPlan(world.market.dealers[0], vehicle.owner, "failure")
    plan.jobs.extend(
        [
            JobSpec("warranty", FAILURE, "water_pump", None, ("water_pump",)),
            JobSpec("customer", MAINTENANCE, "oil_change", None, ("oil_change",)),
        ]
    )
    world.planner.set_timing(vehicle, plan, world.calendar.start_t + 10)
    work = world.planner.assembler.work
    warranty, customer = (
        work(("water_pump",), "warranty", vehicle.fitment),
        work(("water_pump",), "customer", vehicle.fitment),
    )
    oil = work(("oil_change",), "customer", vehicle.fitment)
    assert [job.lines for job in plan.jobs] == [warranty[3], oil[3]]
    # the warranty labor time is shorter than the customer's (operations.yaml: ~85 % of retail)
    assert plan.hours == pytest.approx((sum(warranty[:3]) + sum(oil[:3])) / 10)
    assert sum(warranty[:3]) < sum(customer[:3])


def test_on_a_short_day_a_waiter_arrives_no_later_than_the_latest_arrival_before_closing(monkeypatch):
    world = planning_world()
    monkeypatch.setattr(world.planner, "_waiter_share", 1.0)
    shop = world.market.independents[0]
    day = shop.hours.open_day_on_or_after(math.floor(world.calendar.start_t))
    while shop.hours.hours_on(day)[1] * 24 > 14:  # the first Saturday: open 08:00 to 13:00
        day = shop.hours.open_day_on_or_after(day + 1)
    closing = shop.hours.hours_on(day)[1]
    latest = day + (closing - world.catalog.behaviour.latest_arrival_before_close_hours.value / 24)
    arrivals = []
    for vehicle in world.census.alive.values():
        plan = VisitPlan(shop, vehicle.owner, "maintenance")
        plan.jobs.append(JobSpec("customer", MAINTENANCE, "oil_change", None, ("oil_change",)))
        world.planner.set_timing(vehicle, plan, day)
        arrivals.append(plan.arrival)
    # waiters come until 17:00: on this day those after 12:30 come at 12:30
    assert all(day <= arrival <= latest for arrival in arrivals) and latest in arrivals


def test_a_visit_needed_at_the_very_opening_arrives_then(monkeypatch):
    world = planning_world()
    monkeypatch.setattr(world.planner, "_dropoff_window", (0.0, 0.0))  # every owner comes at the opening
    vehicle = next(iter(world.census.alive.values()))
    shop = world.market.independents[0]
    day = shop.hours.open_day_on_or_after(math.floor(world.calendar.start_t))
    opening = day + shop.hours.hours_on(day)[0]
    plan = VisitPlan(shop, vehicle.owner, "failure")
    plan.jobs.append(JobSpec("customer", FAILURE, "water_pump", None, ("water_pump",)))
    world.planner.set_timing(vehicle, plan, opening)
    assert plan.arrival == opening


def test_nobody_waits_when_no_owner_of_that_kind_does(monkeypatch):
    world = planning_world()
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
    world = planning_world()
    monkeypatch.setattr(world.planner, "_back_order", SimpleNamespace(probability=1.0, business_days=(2, 4)))
    shop = world.market.independents[0]
    days = {
        _timed(world, vehicle, shop, kind, (kind, ("water_pump",))).back_order_days
        for vehicle in world.census.alive.values()
    }
    assert days == ({2, 3, 4} if back_ordered else {0})
