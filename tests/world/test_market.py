"""world/market.py: every in-house fleet depot of a run has its own name, from the catalog's pieces."""

from __future__ import annotations

import random

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.world.small_worlds import resolve, small_scenario
from world.calendar import Calendar
from world.catalog import load_catalog
from world.market import build_market
from world.seeding import Seeds
from world.shards import plan_shards, shop_slots


def _depot_names(seed: int) -> list[str]:
    data = small_scenario(private=10)
    town = data["world"]["regions"][0]
    town["submarkets"] = 3
    town["fleets"].append({"name": "plumbers", "vehicles": 10, "maintained_at": "depot"})
    # A second region whose fleet has the same account name as the first region's.
    data["world"]["regions"].append({**town, "id": "city", "submarkets": 2})
    scenario = resolve(data)
    catalog = load_catalog()
    names = []
    for shard in plan_shards(scenario.world):
        region = next(r for r in scenario.world.regions if r.id == shard.region_id)
        calendar = Calendar(scenario.start, scenario.end, 0, region.timezone)
        market = build_market(
            simpy.Environment(),
            shop_slots(scenario.world, shard),
            region,
            catalog,
            random.Random(shard.index),
            calendar,
            Seeds(seed).py_random("depot-names"),
        )
        assert set(market.depots) == {"couriers", "plumbers"}
        names += [shop.info.name for shop in market.shops if shop.info.kind == "fleet_depot"]
    return names


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**64 - 1))
def test_depot_names_are_distinct_and_made_of_catalog_pieces(seed):
    names = _depot_names(seed)
    assert len(names) == 10 and len(set(names)) == len(names)
    pieces = load_catalog().depot_names
    for name in names:
        assert any(
            name.endswith(f" {area} {facility}") for area in pieces.areas for facility in pieces.facilities
        )
        assert name.startswith(("Couriers ", "Plumbers "))
