"""Shop choice on its own: an owner's preference for the brand's dealer by vehicle age."""

from __future__ import annotations

from world.behaviour_catalog import WarrantyTerm
from world.catalog import load_catalog
from world.market import Market
from world.shop_choice import ShopChoice


def _choice(behaviour) -> ShopChoice:
    catalog = load_catalog()
    return ShopChoice(Market([], catalog), behaviour, (1.0,), ("battery",))


def test_dealer_preference_falls_when_the_warranty_ends_and_again_for_old_vehicles():
    behaviour = load_catalog().behaviour
    choice = _choice(behaviour)
    old = behaviour.dealer_preference_old_vehicle
    assert choice.dealer_preference(0.5) == behaviour.dealer_preference_in_warranty.value
    assert choice.dealer_preference(behaviour.warranty.basic.years) == (
        behaviour.dealer_preference_after_warranty.value
    )
    assert choice.dealer_preference(old.from_age_years) == old.value


def test_the_in_warranty_preference_lasts_as_long_as_the_catalogs_basic_warranty():
    behaviour = load_catalog().behaviour
    longer = behaviour.warranty.model_copy(update={"basic": WarrantyTerm(years=5, miles=60_000)})
    choice = _choice(behaviour.model_copy(update={"warranty": longer}))
    assert choice.dealer_preference(4.0) == behaviour.dealer_preference_in_warranty.value
