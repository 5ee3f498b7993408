"""The shard's market: its shops, grouped the ways owners look for one. Built once, then fixed
(the shops' queues and RO counters change as the world runs; which shops exist does not)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import simpy

from world.business_hours import BusinessHours
from world.calendar import Calendar
from world.catalog import Catalog
from world.catalog_schema import DepotNames
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

    def __init__(
        self, shops: Sequence[Shop], catalog: Catalog, depots: Mapping[str, Shop] | None = None
    ) -> None:
        """``depots``: each in-house fleet depot by the name of the fleet account it serves."""
        self.shops = tuple(shops)
        self.dealers = tuple(s for s in shops if s.info.kind == "dealer")
        self.independents = tuple(s for s in shops if s.info.kind == "independent")
        self.lubes = tuple(s for s in shops if s.info.kind == "quick_lube")
        self.repair_shops = self.dealers + self.independents
        self.depots = dict(depots or {})
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
    calendar: Calendar,
    depot_names: random.Random,
) -> Market:
    """The shops of the layout, named and with their policies drawn from ``rng``; ``depot_names``:
    the run's stream for depot names (the same in every shard, so no two depots share a name)."""
    tax = int(region.tax_rate * 10_000)
    epoch_weekday = calendar.epoch.weekday()
    hours = {
        kind: BusinessHours(
            policy.week,
            epoch_weekday,
            calendar.holidays(policy.closed_holidays.names, policy.closed_holidays.observed),
        )
        for kind, policy in catalog.shop_kinds.items()
    }
    depot_pieces = DepotNamePieces(catalog.depot_names, depot_names)
    shops = []
    depots = {}
    for number, slot in enumerate(slots):
        place = COMPANY_PLACES[(number + rng.randrange(len(COMPANY_PLACES))) % len(COMPANY_PLACES)]
        if slot.kind == "dealer":
            name = f"{place} {' '.join(slot.brands[:2])}"
        elif slot.kind == "fleet_depot":
            name = depot_pieces.name(slot.fleet, slot.depot_number)
        else:
            name = f"{place} {rng.choice(SHOP_SUFFIX[slot.kind])}"
        policy = catalog.shop_kinds[slot.kind]
        shop = make_shop(
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
            hours[slot.kind],
            policy.rates_as_of,
            catalog.bundles.lube_technicians.shares[slot.kind],
        )
        shops.append(shop)
        if slot.kind == "fleet_depot":
            depots[slot.fleet] = shop
    return Market(shops, catalog, depots)


class DepotNamePieces:
    """Depot names "<fleet> <area> <facility>": depot k of the scenario takes the k-th area of a
    shuffled list, and past the list's end the next facility, so names differ for every depot up
    to areas x facilities."""

    __slots__ = ("areas", "facilities")

    def __init__(self, pieces: DepotNames, rng: random.Random) -> None:
        self.areas = rng.sample(pieces.areas, len(pieces.areas))
        self.facilities = rng.sample(pieces.facilities, len(pieces.facilities))

    def name(self, fleet: str, number: int) -> str:
        rounds, area = divmod(number, len(self.areas))
        facility = self.facilities[rounds % len(self.facilities)]
        fleet_name = fleet.replace("_", " ").replace("-", " ").title()
        return f"{fleet_name} {self.areas[area]} {facility}"
