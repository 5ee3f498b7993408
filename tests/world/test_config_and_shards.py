"""The world section of a scenario, and the shard plan with scenario-wide shop ids."""

from __future__ import annotations

import pytest

from sim.scenario import load_scenario, scenario_from_dict
from tests.world.small_worlds import small_scenario
from world.config import STATES, area_code_problem
from world.errors import UserError
from world.shards import largest_first, plan_shards, shop_slots


def _with_region(**changes):
    data = small_scenario()
    data["world"]["regions"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tax_rate": "0.2"}, "tax_rate"),
        ({"timezone": "Mars/Olympus"}, "unknown IANA time zone"),
        ({"shops": {"dealers": [{"brands": ["Yugo"]}]}}, "unknown brand"),
        ({"shops": {"independents": 0, "dealers": []}}, "at least one dealer or independent"),
        ({"private_vehicles": -1}, "private_vehicles"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_world_values_name_the_key(changes, message):
    with pytest.raises(UserError, match=message):
        scenario_from_dict(_with_region(**changes))


def test_unknown_component_in_rate_scale():
    with pytest.raises(UserError, match="unknown component 'flux'"):
        scenario_from_dict(small_scenario(failure_rate_scale={"flux": 2.0}))


def test_smoke_plan_and_unique_shop_ids():
    scenario = load_scenario("scenarios/smoke.yaml")
    shards = plan_shards(scenario.world)
    assert [(s.index, s.key) for s in shards] == [(0, "metro/0"), (1, "metro/1")]
    ids = [slot.shop_id for shard in shards for slot in shop_slots(scenario.world, shard)]
    assert len(ids) == len(set(ids))
    assert all(shop_id.startswith("TX") and len(shop_id) == 5 for shop_id in ids)
    kinds = {slot.kind for shard in shards for slot in shop_slots(scenario.world, shard)}
    assert kinds == {"dealer", "independent", "quick_lube", "fleet_depot"}


def test_shop_ids_do_not_depend_on_which_shard_asks():
    data = small_scenario()
    second = dict(data["world"]["regions"][0], id="village", submarkets=3)
    data["world"]["regions"] = [data["world"]["regions"][0], second]
    scenario = scenario_from_dict(data)
    shards = plan_shards(scenario.world)
    assert len(shards) == 4
    ids = [slot.shop_id for shard in reversed(shards) for slot in shop_slots(scenario.world, shard)]
    assert len(ids) == len(set(ids))
    assert shop_slots(scenario.world, shards[1])[0].shop_id == "OH007"


@pytest.mark.parametrize("code", [201, 212, 380, 469, 520, 614, 737, 772, 907, 989])
def test_geographic_area_codes_are_accepted(code):
    assert area_code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        (0, "three digits"),
        (99, "three digits"),
        (123, "three digits"),
        (1000, "three digits"),
        (290, "N9X"),
        (411, "N11"),
        (555, "non-geographic"),
        (800, "non-geographic"),
        (888, "non-geographic"),
        (371, "37X"),
        (965, "96X"),
    ],
)
def test_impossible_area_codes_say_why(code, problem):
    assert problem in area_code_problem(code)


def test_states_are_the_fifty_and_dc():
    assert len(STATES) == 51 and "DC" in STATES and "PR" not in STATES


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"state": "ZZ"}, "world.regions.0.state: expected the USPS code of a state or DC"),
        ({"area_codes": [614, 0]}, "world.regions.0.area_codes: 0: an area code has three digits"),
        ({"timezone": "posixrules"}, "world.regions.0.timezone: unknown IANA time zone"),
        ({"fleets": [{"name": "x", "vehicles": 10, "archetype": "private_owner"}]}, "fleets.0.archetype"),
    ],
)
def test_values_the_world_would_refuse_mid_run_are_refused_at_load(changes, message):
    with pytest.raises(UserError, match=message):
        scenario_from_dict(_with_region(**changes))


def test_shards_are_handed_out_largest_first_and_in_plan_order_among_equals():
    data = small_scenario()
    small = dict(data["world"]["regions"][0], id="town", submarkets=2, private_vehicles=20)
    large = dict(small, id="city", private_vehicles=30)
    # Fewer private vehicles than the city's but more in all: a fleet's vehicles are work too.
    fleet = {"name": "couriers", "vehicles": 25, "maintained_at": "depot"}
    with_fleet = dict(small, id="depot", submarkets=1, fleets=[fleet])
    data["world"]["regions"] = [small, large, with_fleet]
    world = scenario_from_dict(data).world
    ordered = largest_first(world, plan_shards(world))
    assert [shard.key for shard in ordered] == ["depot/0", "city/0", "city/1", "town/0", "town/1"]
