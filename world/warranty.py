"""Factory warranty: whether a component's failure on a vehicle is covered, from the catalog's
terms (``behaviour.yaml: warranty``) and each component's coverage line (``components.yaml``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from world.behaviour_catalog import Warranty

if TYPE_CHECKING:
    from world.vehicles import Vehicle


class WarrantyPolicy:
    __slots__ = ("basic_years", "_limits")

    def __init__(self, terms: Warranty, coverage: tuple[str, ...]) -> None:
        """``coverage``: each component's line ("basic", "powertrain" or "none"), by index."""
        lines = {"basic": terms.basic, "powertrain": terms.powertrain}
        self.basic_years = terms.basic.years
        # (years, miles) per component, None where the line is "none"
        self._limits = tuple(
            None if line == "none" else (lines[line].years, lines[line].miles) for line in coverage
        )

    def covered(self, vehicle: Vehicle, component: int, t: float) -> bool:
        limits = self._limits[component]
        if limits is None:
            return False
        years, miles = limits
        return vehicle.age_years(t) < years and vehicle.odometer.miles(t) < miles
