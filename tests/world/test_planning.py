"""Visit planning: arrival timing near closing, which services bring an owner in, factory defects."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world.small_worlds import resolve, run_world, small_scenario
from world.catalog import load_catalog
from world.planning import JobSpec, VisitPlan
from world.shards import plan_shards
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
