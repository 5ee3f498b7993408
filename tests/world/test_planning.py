"""Visit planning: which need comes first, arrival timing near closing and on holidays, which services
bring an owner in, factory defects, what a comeback fixes."""

from __future__ import annotations

import math
import random
import sys
from collections import defaultdict
from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import world.crn as crn
import world.planning
from exporters.config import ExportConfig
from exporters.pricing import Pricer
from tests.world.planning_worlds import planning_world
from tests.world.small_worlds import default_run, resolve, run_world, small_scenario
from world.catalog import load_catalog
from world.visit_plan import (
    COMEBACK,
    FAILURE,
    INSPECTION,
    MAINTENANCE,
    RECALL,
    JobSpec,
    VisitPlan,
    next_need,
)


def test_a_need_in_the_last_half_hour_before_closing_arrives_on_the_next_open_day():
    # Regression: the arrival was clamped to half an hour before closing, which fell before the
    # moment the visit was planned, so the vehicle "arrived" in the past.
    world = planning_world()
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
        assert arrival_day == shop.hours.open_day_on_or_after(day + 1)
        open_at, close_at = shop.hours.hours_on(arrival_day)
        assert open_at <= plan.arrival - arrival_day <= close_at - latest + 1e-9


def test_only_visit_triggering_services_are_scheduled():
    world = planning_world()
    schedule = world.planner.schedule
    assert schedule.keys[schedule.triggers[0]] == "oil_change"
    for vehicle in world.census.alive.values():
        at, index = schedule.next_due(vehicle)
        assert index in schedule.triggers and at > 0


def test_factory_defects_hit_only_covered_parts_and_only_the_first_life():
    world = planning_world()
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
    world = planning_world()
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


def test_every_draw_planning_makes_has_a_named_address_of_its_own(monkeypatch):
    # Each decision draws from its own named stream: an address is a 64-bit blake2b hash of the
    # stream's name (never a count or a position), and no two places in planning draw the same
    # (vehicle, stream, counter), which would tie two decisions of one vehicle together.
    sites = defaultdict(set)
    planning_file = world.planning.__file__

    def recording(draw):
        def recorded(key, stream, counter=0):
            caller = sys._getframe(1)
            if caller.f_code.co_filename == planning_file:
                sites[key, stream, counter].add(caller.f_lineno)
            return draw(key, stream, counter)

        return recorded

    monkeypatch.setattr(crn, "uniform", recording(crn.uniform))
    monkeypatch.setattr(crn, "decision", recording(crn.decision))
    run_world(resolve(small_scenario(private=60)), 5)
    assert len({stream for _, stream, _ in sites}) >= 8 and len(sites) > 500
    assert [stream for _, stream, _ in sites if stream < 2**32] == []
    assert {address: places for address, places in sites.items() if len(places) > 1} == {}
