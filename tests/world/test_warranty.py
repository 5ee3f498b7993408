"""Factory warranty: coverage by the catalog's terms and each component's coverage line."""

from __future__ import annotations

from world.behaviour_catalog import Warranty, WarrantyTerm
from world.catalog import load_catalog
from world.odometer import YEAR_DAYS
from world.warranty import WarrantyPolicy


class _Odometer:
    def __init__(self, miles: float) -> None:
        self._miles = miles

    def miles(self, t: float) -> float:
        return self._miles


class _Vehicle:
    """What the policy reads of a vehicle: its age and its odometer."""

    def __init__(self, age_years: float, miles: float) -> None:
        self._age = age_years
        self.odometer = _Odometer(miles)

    def age_years(self, t: float) -> float:
        return self._age


TERMS = Warranty(
    source="test terms",
    basic=WarrantyTerm(years=3, miles=36_000),
    powertrain=WarrantyTerm(years=5, miles=60_000),
)
BASIC, POWERTRAIN, WEAR_ITEM = 0, 1, 2


def test_a_line_covers_until_its_years_or_its_miles_run_out():
    policy = WarrantyPolicy(TERMS, ("basic", "powertrain", "none"))
    assert policy.covered(_Vehicle(2.9, 35_999), BASIC, 0.0)
    assert not policy.covered(_Vehicle(3.0, 10_000), BASIC, 0.0)
    assert not policy.covered(_Vehicle(1.0, 36_000), BASIC, 0.0)
    assert policy.covered(_Vehicle(4.5, 59_000), POWERTRAIN, 0.0)
    assert not policy.covered(_Vehicle(4.5, 61_000), POWERTRAIN, 0.0)
    assert not policy.covered(_Vehicle(0.0, 0), WEAR_ITEM, 0.0)


def test_the_terms_come_from_the_catalog():
    behaviour = load_catalog().behaviour
    longer = TERMS.model_copy(update={"basic": WarrantyTerm(years=4, miles=50_000)})
    vehicle = _Vehicle(3.5, 40_000)
    assert not WarrantyPolicy(TERMS, ("basic",)).covered(vehicle, 0, 3.5 * YEAR_DAYS)
    assert WarrantyPolicy(longer, ("basic",)).covered(vehicle, 0, 3.5 * YEAR_DAYS)
    assert WarrantyPolicy(behaviour.warranty, ("basic",)).basic_years == behaviour.warranty.basic.years
