"""The scenario's world.identity option: global by default and kept out of the manifest then."""

from __future__ import annotations

import copy

import pytest

from sim.scenario import scenario_from_dict
from tests.sim.tiny_scenario import TINY_SCENARIO
from world.errors import UserError


def with_identity(identity: dict) -> dict:
    data = copy.deepcopy(TINY_SCENARIO)
    data["world"]["identity"] = identity
    return data


def test_identity_is_global_by_default_and_left_out_of_the_resolved_scenario():
    scenario = scenario_from_dict(copy.deepcopy(TINY_SCENARIO))
    assert scenario.world.identity.customer_ids == "global"
    assert "identity" not in scenario.model_dump(mode="json")["world"]


def test_per_shop_is_kept_in_the_resolved_scenario():
    scenario = scenario_from_dict(with_identity({"customer_ids": "per_shop", "typo_rate": 0.1}))
    assert scenario.model_dump(mode="json")["world"]["identity"] == {
        "customer_ids": "per_shop",
        "typo_rate": 0.1,
    }


@pytest.mark.parametrize(
    ("identity", "key"),
    [
        ({"customer_ids": "per_person"}, "customer_ids"),
        ({"typo_rate": 0.9}, "typo_rate"),
        ({"typos": 1}, "typos"),
    ],
)
def test_a_bad_identity_option_names_its_key_path(identity, key):
    with pytest.raises(UserError, match=rf"world\.identity\.{key}"):
        scenario_from_dict(with_identity(identity))
