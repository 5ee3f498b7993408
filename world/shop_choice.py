"""Where an owner takes a vehicle: the first repair shop a new owner picks, switching shops at a
visit, leaving the dealer when the warranty ends, and buying a repair elsewhere than at the dealer.

The draws at a visit come from the vehicle's own counter-based streams (``world.crn``); a new
owner's first pick comes from the population's sequential stream, like the rest of its creation.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import world.crn as crn
from world.behaviour_catalog import Behaviour
from world.market import Market
from world.wear import component_streams

if TYPE_CHECKING:
    from world.shops import Shop
    from world.vehicles import Vehicle

# switch or not, which independent, leave the dealer or not, the dealer or not: per visit
SHOP_CHOICE_STREAM = crn.stream("visit", "shop_choice")
SWITCH_DRAW, PICK_DRAW, LEAVE_DRAW, DEALER_DRAW = range(4)  # its sub-draws


class ShopChoice:
    __slots__ = (
        "market",
        "basic_warranty_years",
        "_in_warranty",
        "_after_warranty",
        "_old_vehicle",
        "_old_from_years",
        "_leave_dealer",
        "_switch",
        "_capture",
        "_capture_streams",
        "_capture_pick_streams",
    )

    def __init__(
        self,
        market: Market,
        behaviour: Behaviour,
        dealer_capture: tuple[float, ...],
        component_keys: tuple[str, ...],
    ) -> None:
        """``dealer_capture``: per component index, the share of customer-pay repairs of it that
        an owner at a dealer buys there."""
        self.market = market
        self.basic_warranty_years = behaviour.warranty.basic.years
        self._in_warranty = behaviour.dealer_preference_in_warranty.value
        self._after_warranty = behaviour.dealer_preference_after_warranty.value
        self._old_vehicle = behaviour.dealer_preference_old_vehicle.value
        self._old_from_years = behaviour.dealer_preference_old_vehicle.from_age_years
        self._leave_dealer = behaviour.leave_dealer_after_warranty.value
        self._switch = behaviour.switch_per_visit.value
        self._capture = dealer_capture
        self._capture_streams = component_streams(component_keys, "dealer_capture")
        self._capture_pick_streams = component_streams(component_keys, "capture_shop")

    def dealer_preference(self, age_years: float) -> float:
        """How likely an owner picking a repair shop picks the brand's dealer, by vehicle age."""
        if age_years < self.basic_warranty_years:
            return self._in_warranty
        if age_years < self._old_from_years:
            return self._after_warranty
        return self._old_vehicle

    def brand_dealer(self, vehicle: Vehicle) -> Shop | None:
        return self.market.brand_dealer(vehicle.info.make, vehicle.key)

    def first_shop(self, vehicle: Vehicle, t: float, draws: random.Random) -> Shop:
        """The repair shop a new owner picks for this vehicle: the brand's dealer or an independent."""
        market = self.market
        dealers = market.dealers_by_brand.get(vehicle.info.make)
        age = vehicle.age_years(t)
        preference = self.dealer_preference(age)
        pick = draws.random()
        vehicle.left_dealer = age >= self.basic_warranty_years
        if dealers and (pick < preference or not market.independents):
            return dealers[vehicle.key % len(dealers)]
        if market.independents:
            return market.independents[draws.randrange(len(market.independents))]
        return market.repair_shops[draws.randrange(len(market.repair_shops))]

    def repair_shop(self, vehicle: Vehicle, t: float) -> Shop:
        """The vehicle's usual repair shop, after any switch the owner makes at this visit."""
        owner = vehicle.owner
        if owner.fleet_shop is not None:
            return owner.fleet_shop
        independents = self.market.independents
        draws = crn.decision(vehicle.key, SHOP_CHOICE_STREAM, vehicle.visits)
        shop = vehicle.shop
        if (
            shop.info.kind == "dealer"
            and not vehicle.left_dealer
            and vehicle.age_years(t) > self.basic_warranty_years
        ):
            vehicle.left_dealer = True
            if crn.sub_uniform(draws, LEAVE_DRAW) < self._leave_dealer and independents:
                shop = independents[int(crn.sub_uniform(draws, PICK_DRAW) * len(independents))]
        elif crn.sub_uniform(draws, SWITCH_DRAW) < self._switch:
            dealer = self.brand_dealer(vehicle)
            if dealer is not None and (
                crn.sub_uniform(draws, DEALER_DRAW) < self.dealer_preference(vehicle.age_years(t))
                or not independents
            ):
                shop = dealer
            elif independents:
                shop = independents[int(crn.sub_uniform(draws, PICK_DRAW) * len(independents))]
        vehicle.shop = shop
        return shop

    def buys_elsewhere(self, vehicle: Vehicle, index: int, shop: Shop, warranty: bool) -> bool:
        """Whether an owner at a dealer takes a customer-pay repair to another shop (e.g. tires)."""
        if warranty or shop.info.kind != "dealer":
            return False
        capture = self._capture[index]
        return (
            capture < 1.0
            and crn.uniform(vehicle.key, self._capture_streams[index], vehicle.visits) >= capture
        )

    def elsewhere(self, vehicle: Vehicle, index: int) -> Shop | None:
        """The independent an owner takes a repair to instead of the dealer, if there is one."""
        independents = self.market.independents
        if not independents:
            return None
        pick_u = crn.uniform(vehicle.key, self._capture_pick_streams[index], vehicle.visits)
        return independents[int(pick_u * len(independents))]
