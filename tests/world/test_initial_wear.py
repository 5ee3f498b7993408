"""The wear state of vehicles entering the world already driven, and their failure times."""

from __future__ import annotations

from array import array

import numpy as np
import pytest

from tests.world.small_worlds import resolve, small_scenario
from world.catalog import load_catalog
from world.initial_wear import InitialWear
from world.shards import plan_shards
from world.vehicles import refresh_failure_times
from world.wear import WearModel
from world.world import build

VEHICLES = (  # key, odometer miles, age in years, owner's decline rate
    (11, 5.0, 0.0, 0.1),
    (2**63 + 5, 182_000.0, 17.5, 0.4),
    (987_654_321, 61_000.0, 6.2, 0.0),
    (2**64 - 1, 350_000.0, 30.0, 0.9),
)


def _initial_wear() -> InitialWear:
    return InitialWear(WearModel(load_catalog(), {}), defer_days=30.0, defer_scale=1.0)


def _states(initial: InitialWear, vehicles):
    keys, miles, ages, declines = zip(*vehicles, strict=True)
    return initial.states(list(keys), list(miles), list(ages), list(declines))


def test_vehicles_worn_in_together_get_the_state_each_gets_alone():
    initial = _initial_wear()
    together = _states(initial, VEHICLES)
    for row, vehicle in enumerate(VEHICLES):
        alone = _states(initial, [vehicle])
        for batch_values, single_values in zip(together, alone, strict=True):
            assert batch_values[row].tolist() == single_values[0].tolist()


def test_every_part_fails_after_today_and_old_vehicles_have_renewed_parts():
    initial = _initial_wear()
    points, lives, delays = _states(initial, VEHICLES)
    for row, (_, miles, age, _) in enumerate(VEHICLES):
        today = np.where(initial.by_miles, miles, age)
        assert (points[row] > today).all()
    assert (lives >= 1).all() and (delays >= 0).all()
    assert lives[3].sum() > lives[0].sum()


@pytest.mark.parametrize("at_once", [40, 1])
def test_failure_times_at_once_equal_each_components_own(at_once):
    scenario = resolve(small_scenario(private=40))
    world = build(scenario, 3, plan_shards(scenario.world)[0])
    vehicles = list(world.census.alive.values())[:40]
    expected = [
        [vehicle.failure_time(world.planner.wear, index) for index in range(len(world.planner.wear.keys))]
        for vehicle in vehicles
    ]
    for vehicle in vehicles:
        vehicle.comp_time = array("d")
    for first in range(0, len(vehicles), at_once):
        refresh_failure_times(vehicles[first : first + at_once], world.planner.wear)
    assert [vehicle.comp_time.tolist() for vehicle in vehicles] == expected
