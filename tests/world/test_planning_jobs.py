"""Visit planning: the jobs on a visit (failed parts found on the lift, due services and inspections,
pad and rotor bundles, declines drawn per vehicle and visit)."""

from __future__ import annotations

import math
from array import array
from types import SimpleNamespace

import pytest

from tests.world.planning_worlds import PinnedChoice, pinned_world, planning_world
from world.maintenance import MaintenanceSchedule
from world.vehicles import PendingComeback
from world.visit_plan import (
    COMEBACK,
    FAILURE,
    INSPECTION,
    MAINTENANCE,
)


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
        # Customer pay at the dealer: this owner takes it elsewhere (PinnedChoice.buys_elsewhere).
        ("dealer", False, 0.0, None),
        # Another brand's dealer claims no warranty: customer pay, taken elsewhere.
        ("other_dealer", True, 0.0, None),
    ],
)
def test_the_technician_finds_a_failed_part_and_the_owner_has_it_repaired_or_declines(
    monkeypatch, usual, covered, decline, pay
):
    world, vehicle, choice = pinned_world(monkeypatch, usual, covered)
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
    world, vehicle, _ = pinned_world(monkeypatch)
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
    world, vehicle, _ = pinned_world(monkeypatch)
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


@pytest.mark.parametrize("at_lube", [True, False])
def test_an_inspection_visit_does_the_state_inspection_at_a_quick_lube_or_a_repair_shop(monkeypatch, at_lube):
    world, vehicle, choice = pinned_world(monkeypatch)
    t = world.calendar.start_t + 10
    monkeypatch.setattr(vehicle, "inspection_at", t)
    monkeypatch.setattr(vehicle.owner, "lube_shop", world.market.lubes[0] if at_lube else None)
    plan = world.planner.plan(vehicle, INSPECTION, -1, t)
    assert plan.shop is (world.market.lubes[0] if at_lube else choice.usual) and plan.inspection is True
    jobs = [(job.pay_type, job.kind, job.op_ids) for job in plan.jobs if job.concern == "state_inspection"]
    assert jobs == [("customer", INSPECTION, ("state_inspection",))]


@pytest.mark.parametrize(
    ("usual", "share", "multipoint"),
    [("dealer", 1.0, True), ("dealer", 0.0, False), ("independent", 1.0, False)],
)
def test_a_dealer_adds_its_multipoint_inspection_to_the_share_of_visits_it_does(
    monkeypatch, usual, share, multipoint
):
    world, vehicle, _ = pinned_world(monkeypatch, usual)
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
    world, vehicle, _ = pinned_world(monkeypatch)
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
    world = planning_world()
    catalog = world.catalog
    for key, op_ids in world.planner.repair_ops.items():
        operations = [catalog.operations[op] for op in op_ids]
        assert operations, key
        assert all(op.concern == key and op.category != "diagnosis" for op in operations), key
        assert set(op_ids) <= set(catalog.components[key].operations)


def test_a_comeback_on_a_later_set_of_the_same_part_draws_its_shop_and_remedy_anew(monkeypatch):
    world = planning_world()
    planner = world.planner
    index = planner.wear.keys.index("tires")
    usual, elsewhere = world.market.independents[:2]
    monkeypatch.setattr(planner, "choice", PinnedChoice(None, usual, elsewhere))
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
    world = planning_world()
    planner = world.planner
    pads, rotors = _pad_rotor_shares(monkeypatch, planner, share, 0.0)
    shop = world.market.independents[0]
    monkeypatch.setattr(planner, "choice", PinnedChoice(None, shop, shop))
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
            # the rotors taken with the pads bill the labor guide's add-on, not their own repair
            assert plan.jobs[0].op_ids == (
                ("brake_pads_front", "brake_rotors_with_pads")
                if rotors in plan.components
                else ("brake_pads_front",)
            )
    # Each vehicle draws for itself, and anew for its next pads.
    assert set(by_life[1]) == set(by_life[2]) == with_rotors
    assert (by_life[1] != by_life[2]) is (len(with_rotors) > 1)


def test_a_part_the_visit_already_renews_is_not_replaced_again_with_its_partner(monkeypatch):
    # Rotors fail and bring the owner in (a rotor job never takes the pads here); the pads found
    # failed on the lift would always take the rotors, which this visit already renews.
    world, vehicle, _ = pinned_world(monkeypatch)
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
    world, _, _ = pinned_world(monkeypatch)
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


def _assert_drawn_per_vehicle_and_visit(monkeypatch, world, t, vehicles, outcome):
    """``outcome(plan)`` of each vehicle's maintenance visits 0 to 3, a decision taken half the time,
    differs between vehicles and between one vehicle's visits."""
    outcomes = []
    for vehicle in vehicles:
        visits = []
        for count in range(4):
            monkeypatch.setattr(vehicle, "visits", count)
            visits.append(outcome(world.planner.plan(vehicle, MAINTENANCE, 0, t)))
        outcomes.append(visits)
    assert len(outcomes) >= 10 and {visits[0] for visits in outcomes} == {True, False}
    assert any(len(set(visits)) > 1 for visits in outcomes)


def _assert_declines_are_drawn_per_vehicle_and_visit(monkeypatch, world, t, key, vehicles):
    """Owners who decline half of what is offered: whether each declines ``key`` at visits 0 to 3
    differs between vehicles and between one vehicle's visits."""
    for vehicle in vehicles:
        monkeypatch.setattr(vehicle.owner, "decline", 0.5)
    _assert_drawn_per_vehicle_and_visit(monkeypatch, world, t, vehicles, lambda plan: key in plan.declined)


def test_a_dealer_does_its_multipoint_inspection_on_a_quarter_of_its_visits(monkeypatch):
    world = planning_world()
    assert world.catalog.inspections["multipoint_inspection"].share_of_dealer_visits == 0.25
    dealer = world.market.dealers[0]
    monkeypatch.setattr(world.planner, "choice", PinnedChoice(None, dealer, dealer))
    done = []
    for vehicle in world.census.alive.values():
        monkeypatch.setattr(vehicle.owner, "lube_shop", None)
        for count in range(4):
            monkeypatch.setattr(vehicle, "visits", count)
            plan = world.planner.plan(vehicle, MAINTENANCE, 0, world.calendar.start_t + 10)
            done.append(any(job.concern == "multipoint_inspection" for job in plan.jobs))
    assert len(done) >= 100 and 0.15 <= sum(done) / len(done) <= 0.35


def test_whether_a_dealer_does_its_multipoint_inspection_is_drawn_per_vehicle_and_per_visit(monkeypatch):
    world = planning_world()
    dealer = world.market.dealers[0]
    monkeypatch.setattr(world.planner, "choice", PinnedChoice(None, dealer, dealer))
    monkeypatch.setattr(world.planner, "_mpi_share", 0.5)
    vehicles = list(world.census.alive.values())
    for vehicle in vehicles:
        monkeypatch.setattr(vehicle.owner, "lube_shop", None)
    _assert_drawn_per_vehicle_and_visit(
        monkeypatch,
        world,
        world.calendar.start_t + 10,
        vehicles,
        lambda plan: any(job.concern == "multipoint_inspection" for job in plan.jobs),
    )


def test_whether_an_owner_declines_a_found_part_is_drawn_per_vehicle_and_per_visit(monkeypatch):
    world = planning_world()
    shop = world.market.independents[0]
    monkeypatch.setattr(world.planner, "choice", PinnedChoice(None, shop, shop))
    t = world.calendar.start_t + 10
    vehicles = list(world.census.alive.values())
    for vehicle in vehicles:
        _failed_by(monkeypatch, vehicle, t, world.planner.wear.keys.index("alternator"))
    _assert_declines_are_drawn_per_vehicle_and_visit(monkeypatch, world, t, "alternator", vehicles)


def test_a_quick_lube_does_only_the_due_services_it_offers(monkeypatch):
    world, vehicle, _ = pinned_world(monkeypatch)
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
    world, vehicle, _ = pinned_world(monkeypatch)
    schedule = world.planner.schedule
    t = world.calendar.start_t + 3 * 365
    due = schedule.due_soon(vehicle, t, vehicle.odometer.miles(t), False)
    assert schedule.keys.index("tire_rotation") in due
    monkeypatch.setattr(vehicle.owner, "decline", 1.0)
    plan = world.planner.plan(vehicle, FAILURE, world.planner.wear.keys.index("alternator"), t)
    assert plan.services == () and {schedule.keys[index] for index in due} <= set(plan.declined)


def _services_due(monkeypatch):
    """A world whose vehicles go to one independent three years on, when services are due; returns
    the world, its maintenance schedule and that time."""
    world = planning_world()
    shop = world.market.independents[0]
    monkeypatch.setattr(world.planner, "choice", PinnedChoice(None, shop, shop))
    return world, world.planner.schedule, world.calendar.start_t + 3 * 365


def test_an_owner_declines_each_due_service_on_its_own_draw(monkeypatch):
    world, schedule, t = _services_due(monkeypatch)
    mixed = 0  # visits where the owner declines some of the other due services and has the rest done
    for vehicle in world.census.alive.values():
        monkeypatch.setattr(vehicle.owner, "decline", 0.5)
        monkeypatch.setattr(vehicle.owner, "lube_shop", None)
        due = schedule.due_soon(vehicle, t, vehicle.odometer.miles(t), False)
        offered = {schedule.keys[index] for index in due if index != 0}
        declined = offered & set(world.planner.plan(vehicle, MAINTENANCE, 0, t).declined)
        mixed += bool(declined) and declined != offered
    assert mixed >= 3


def test_whether_an_owner_declines_a_due_service_is_drawn_per_vehicle_and_per_visit(monkeypatch):
    world, schedule, t = _services_due(monkeypatch)
    rotation = schedule.keys.index("tire_rotation")
    vehicles = [
        vehicle
        for vehicle in world.census.alive.values()
        if rotation in schedule.due_soon(vehicle, t, vehicle.odometer.miles(t), False)
    ]
    # A decline puts the service off; held still here, every visit offers it again and only the
    # draw decides.
    monkeypatch.setattr(MaintenanceSchedule, "declined", lambda *args: None)
    _assert_declines_are_drawn_per_vehicle_and_visit(monkeypatch, world, t, "tire_rotation", vehicles)
