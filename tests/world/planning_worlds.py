"""Small worlds for the visit-planning tests, and a shop choice with every pick pinned so that one
planning rule at a time shows on a visit."""

from types import SimpleNamespace

from tests.world.small_worlds import resolve, small_scenario
from world.shards import plan_shards
from world.world import build


def planning_world():
    scenario = resolve(small_scenario(private=30))
    return build(scenario, 7, plan_shards(scenario.world)[0])


class PinnedChoice:
    """Shop choice with every pick fixed: the brand dealer, the owner's usual repair shop, and the
    independent an owner takes a customer-pay repair to instead of the dealer (never a warranty one,
    as ShopChoice.buys_elsewhere rules)."""

    def __init__(self, dealer, usual, elsewhere):
        self.dealer, self.usual, self.other = dealer, usual, elsewhere

    def brand_dealer(self, vehicle):
        return self.dealer

    def repair_shop(self, vehicle, t):
        return self.usual

    def buys_elsewhere(self, vehicle, index, shop, warranty):
        return not warranty and shop.info.kind == "dealer"

    def elsewhere(self, vehicle, index):
        return self.other


def pinned_world(monkeypatch, usual="independent", covered=False):
    """A world whose planner picks shops as PinnedChoice does and finds every failure ``covered`` or
    none; returns the world, a vehicle with a brand dealer, and the pinned choice."""
    world = planning_world()
    market = world.market
    vehicle = next(v for v in world.census.alive.values() if market.brand_dealer(v.info.make, v.key))
    dealer = market.brand_dealer(vehicle.info.make, vehicle.key)
    first, second = market.independents[:2]
    other_dealer = next(shop for shop in market.dealers if vehicle.info.make not in shop.info.brands)
    usual_shop = {"dealer": dealer, "other_dealer": other_dealer, "independent": first}[usual]
    choice = PinnedChoice(dealer, usual_shop, second)
    monkeypatch.setattr(world.planner, "choice", choice)
    monkeypatch.setattr(world.planner, "warranty", SimpleNamespace(covered=lambda vehicle, index, t: covered))
    monkeypatch.setattr(vehicle, "shop", first)
    return world, vehicle, choice
