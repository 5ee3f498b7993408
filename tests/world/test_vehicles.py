"""A vehicle's earliest failure, kept as its components' failure times change rather than found by
a scan of all of them on every turn of its process."""

from __future__ import annotations

import math
from array import array

from hypothesis import given
from hypothesis import strategies as st

from tests.world.small_worlds import resolve, small_scenario
from world.odometer import FLAT, Odometer
from world.shards import plan_shards
from world.vehicles import Vehicle
from world.world import build

COMPONENTS = 6
# few distinct times, so that ties (the first index wins) and all-infinite rows come up often
TIMES = st.sampled_from([1.0, 2.0, 2.0, 3.5, math.inf])


def _scan(times) -> tuple[float, int]:
    best = min(times)
    return best, list(times).index(best)


def _vehicle(times: list[float]) -> Vehicle:
    vehicle = Vehicle(0, 1, None, None, 0.0, False, Odometer(0.0, 0.0, FLAT, 12_000.0, 0.0, 0.1, 0.0), 0)
    vehicle.set_failure_times(array("d", times))
    return vehicle


@given(
    start=st.lists(TIMES, min_size=COMPONENTS, max_size=COMPONENTS),
    changes=st.lists(st.tuples(st.integers(0, COMPONENTS - 1), TIMES), max_size=20),
)
def test_the_kept_earliest_failure_is_the_scan_after_any_renewals(start, changes):
    vehicle = _vehicle(start)
    for index, at in changes:
        vehicle.set_failure_time(index, at)
        assert vehicle.next_failure() == _scan(vehicle.comp_time)


def test_after_a_run_every_vehicle_keeps_its_earliest_failure():
    """Renewals, sales and replacements all went through the kept minimum."""
    scenario = resolve(small_scenario(private=60))
    world = build(scenario, 5, plan_shards(scenario.world)[0])
    vehicles = list(world.census.alive.values())  # the run's end closes the census
    renewed = sum(1 for visit in world.run() if any(job.kind == "failure" for job in visit.jobs))
    assert renewed
    for vehicle in vehicles:
        assert vehicle.next_failure() == _scan(vehicle.comp_time)
