"""Shards: the (region, submarket) partitions of a scenario, and the shop ids each one owns.

Both are fixed by the scenario's ``world:`` section alone, before anything runs, so every shard
knows its shop ids without simulating the others and the plan never depends on the number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from world.config import RegionConfig, WorldConfig


@dataclass(frozen=True)
class ShardSpec:
    index: int
    key: str  # "<region id>/<submarket>": the shard's stable identity, also its seed path
    region_id: str
    submarket: int


@dataclass(frozen=True, slots=True)
class ShopSlot:
    """A shop of the layout: its id and what kind of shop it is, before any simulation."""

    shop_id: str
    kind: str
    brands: tuple[str, ...]
    fleet: str | None  # the owning fleet account's name for a fleet_depot
    depot_number: int | None  # a fleet_depot's number among the scenario's depots, from 0


def plan_shards(world: WorldConfig) -> list[ShardSpec]:
    shards = []
    for region in world.regions:
        for submarket in range(region.submarkets):
            shards.append(ShardSpec(len(shards), f"{region.id}/{submarket}", region.id, submarket))
    return shards


def largest_first(world: WorldConfig, shards: list[ShardSpec]) -> list[ShardSpec]:
    """The shards in the order to hand them out: most vehicles first (plan order among equals), so
    that workers end together rather than one finishing a big shard alone (longest-processing-time
    first). Vehicles per submarket are what a shard's work grows with."""
    regions = {region.id: region for region in world.regions}

    def vehicles(shard: ShardSpec) -> int:
        region = regions[shard.region_id]
        return region.private_vehicles + sum(fleet.vehicles for fleet in region.fleets)

    return sorted(shards, key=vehicles, reverse=True)


def _submarket_layout(region: RegionConfig) -> list[tuple[str, tuple[str, ...], str | None]]:
    mix = region.shops
    layout: list[tuple[str, tuple[str, ...], str | None]] = []
    for dealer in mix.dealers:
        layout.extend(("dealer", dealer.brands, None) for _ in range(dealer.count))
    layout.extend(("independent", (), None) for _ in range(mix.independents))
    layout.extend(("quick_lube", (), None) for _ in range(mix.quick_lubes))
    layout.extend(
        ("fleet_depot", (), fleet.name) for fleet in region.fleets if fleet.maintained_at == "depot"
    )
    return layout


def shop_slots(world: WorldConfig, shard: ShardSpec) -> list[ShopSlot]:
    """The shard's shops with ids numbered per state across the whole scenario, in plan order."""
    next_number: dict[str, int] = {}
    depots = 0
    for region in world.regions:
        layout = _submarket_layout(region)
        for submarket in range(region.submarkets):
            first = next_number.get(region.state, 1)
            next_number[region.state] = first + len(layout)
            if region.id == shard.region_id and submarket == shard.submarket:
                slots = []
                for offset, (kind, brands, fleet) in enumerate(layout):
                    number = None
                    if kind == "fleet_depot":
                        number, depots = depots, depots + 1
                    slots.append(ShopSlot(f"{region.state}{first + offset:03d}", kind, brands, fleet, number))
                return slots
            depots += sum(1 for kind, _, _ in layout if kind == "fleet_depot")
    raise KeyError(f"shard {shard.key} is not among the world's regions")
