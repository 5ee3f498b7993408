"""How long owners keep the vehicles on the road when the world begins."""

from __future__ import annotations

import math

import pytest

from tests.world.small_worlds import resolve, small_scenario
from world.odometer import YEAR_DAYS
from world.shards import plan_shards
from world.world import build


@pytest.fixture(scope="module")
def initial_private_vehicles():
    scenario = resolve(small_scenario(private=4000))
    vehicles = build(scenario, 7, plan_shards(scenario.world)[0]).census.alive.values()
    return [vehicle for vehicle in vehicles if not vehicle.fleet]


def test_owners_part_with_vehicles_at_the_stationary_rate_from_the_first_year(initial_private_vehicles):
    # Tenures are Weibull(shape 1.6, scale 8 years), mean 7.2 years: an owner part way through
    # theirs gives the vehicle up within a year about 1 time in 7.2 (a bit less on young vehicles,
    # still with their first owner), where a tenure starting afresh ends within a year 1 time in 30.
    sold = sum(
        vehicle.life_at < min(vehicle.scrap_at, YEAR_DAYS) for vehicle in initial_private_vehicles
    ) / len(initial_private_vehicles)
    assert 0.09 < sold < 0.16


def test_a_tenure_in_progress_ends_after_the_world_begins_and_never_after_the_scrappage(
    initial_private_vehicles,
):
    for vehicle in initial_private_vehicles:
        assert 0.0 < vehicle.life_at <= vehicle.scrap_at
        assert math.isfinite(vehicle.life_at)
