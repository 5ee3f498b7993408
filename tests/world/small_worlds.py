"""Small scenarios shared by the world tests, and a cached runner so each world runs once."""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

from sim.scenario import Scenario, scenario_from_dict
from world.shards import plan_shards
from world.visit import Visit, WorldLedger
from world.world import build


def small_scenario(private: int = 120, years: int = 1, warmup: float = 0.5, **world: Any) -> dict:
    shops = world.pop("shops", {})
    return {
        "name": "small",
        "start": "2024-01-01",
        "end": f"{2024 + years}-01-01",
        "world": {
            "warmup_years": warmup,
            **world,
            "regions": [
                {
                    "id": "town",
                    "state": "OH",
                    "timezone": "America/New_York",
                    "area_codes": [614],
                    "tax_rate": "0.0575",
                    "state_inspection": True,
                    "private_vehicles": private,
                    "shops": {
                        "dealers": [{"brands": ["Toyota", "Honda"]}, {"brands": ["Ford", "Chevrolet"]}],
                        "independents": 2,
                        "quick_lubes": 1,
                        **shops,
                    },
                    "fleets": [{"name": "couriers", "vehicles": 12, "maintained_at": "depot"}],
                }
            ],
        },
    }


def visits_by_vin(visits) -> dict[str, list[Visit]]:
    """The visits of each VIN in opening order."""
    per_vin = defaultdict(list)
    for visit in visits:
        per_vin[visit.vehicle.vin].append(visit)
    for items in per_vin.values():
        items.sort(key=lambda v: v.opened_at)
    return per_vin


def resolve(data: dict) -> Scenario:
    return scenario_from_dict(data)


def run_world(scenario: Scenario, seed: int) -> tuple[list[Visit], WorldLedger, Any]:
    world = build(scenario, seed, plan_shards(scenario.world)[0])
    visits = list(world.run())
    return visits, world.ledger(), world


@functools.cache
def default_run(seed: int) -> tuple[list[Visit], WorldLedger, Any]:
    return run_world(resolve(small_scenario()), seed)
