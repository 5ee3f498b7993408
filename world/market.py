"""The shard's market: its shops, grouped the ways owners look for one. Built once, then fixed
(the shops' queues and RO counters change as the world runs; which shops exist does not)."""

from __future__ import annotations

import random
from collections.abc import Sequence

import simpy

from world.catalog import Catalog
from world.config import RegionConfig
from world.identity import COMPANY_PLACES
from world.shards import ShopSlot
from world.shops import Shop, make_shop

SHOP_SUFFIX = {
    "independent": ("Auto Repair", "Automotive", "Auto Care", "Car Care Center", "Service Center"),
    "quick_lube": ("Quick Lube", "Express Oil", "Lube Center"),
}


class Market:
    __slots__ = (
        "shops",
        "dealers",
        "independents",
        "lubes",
        "repair_shops",
        "dealers_by_brand",
        "depots",
        "local_brand_share",
    )

    def __init__(self, shops: Sequence[Shop], catalog: Catalog) -> None:
        self.shops = tuple(shops)
        self.dealers = tuple(s for s in shops if s.info.kind == "dealer")
        self.independents = tuple(s for s in shops if s.info.kind == "independent")
        self.lubes = tuple(s for s in shops if s.info.kind == "quick_lube")
        self.repair_shops = self.dealers + self.independents
        self.depots = {s.info.name: s for s in shops if s.info.kind == "fleet_depot"}
        by_brand: dict[str, list[Shop]] = {}
        for dealer in self.dealers:
            for brand in dealer.info.brands:
                by_brand.setdefault(brand, []).append(dealer)
        self.dealers_by_brand = {brand: tuple(dealers) for brand, dealers in by_brand.items()}
        # An owner trades in where they buy the next vehicle: at a local dealer only as often as
        # the local dealers' brands sell (by the catalog's sales weights).
        total = sum(m.weight for m in catalog.models)
        local = sum(m.weight for m in catalog.models if m.make in self.dealers_by_brand)
        self.local_brand_share = local / total

    def brand_dealer(self, make: str, vehicle_key: int) -> Shop | None:
        """The dealer of the make that a vehicle's owners use, if the market has one."""
        dealers = self.dealers_by_brand.get(make)
        if not dealers:
            return None
        return dealers[vehicle_key % len(dealers)]


def build_market(
    env: simpy.Environment,
    slots: Sequence[ShopSlot],
    region: RegionConfig,
    catalog: Catalog,
    rng: random.Random,
    epoch_weekday: int,
) -> Market:
    """The shops of the layout, named and with their policies drawn from ``rng``."""
    tax = int(region.tax_rate * 10_000)
    shops = []
    for number, slot in enumerate(slots):
        place = COMPANY_PLACES[(number + rng.randrange(len(COMPANY_PLACES))) % len(COMPANY_PLACES)]
        if slot.kind == "dealer":
            name = f"{place} {' '.join(slot.brands[:2])}"
        elif slot.kind == "fleet_depot":
            name = depot_name(slot.fleet)
        else:
            name = f"{place} {rng.choice(SHOP_SUFFIX[slot.kind])}"
        policy = catalog.shop_kinds[slot.kind]
        shops.append(
            make_shop(
                env,
                slot,
                name,
                policy,
                rng,
                region.timezone,
                region.state,
                region.id,
                tax,
                region.shops.bays_scale,
                epoch_weekday,
                policy.rates_as_of,
                catalog.bundles.lube_technicians.shares[slot.kind],
            )
        )
    return Market(shops, catalog)


def depot_name(fleet: str) -> str:
    return f"{fleet.replace('_', ' ').replace('-', ' ').title()} Fleet Depot"
