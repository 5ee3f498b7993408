"""Parts and book hours as a vehicle's build takes them (``world/catalog/fitment.yaml``).

An operation's part list names part numbers and slots; a slot is filled by the build's facts (the
engine's oil grade and capacity, the transmission, the refrigerant...). Book hours are the
catalog's times the first labor factor whose condition the build meets (a V6's plugs take longer
than an I4's). What an operation comes to depends on a few of the build's facts only (``facts``:
an oil change on the oil grade, capacity and filter), so callers keep what it returns per
operation and facts, shared by every build that has them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from world.catalog import CATALOG_DIR, Catalog, LaborFactor, Operation
from world.errors import UserError
from world.specs import SpecBook, holds, value_of
from world.visit import PartUse


class Fitter:
    __slots__ = ("specs", "_operations", "_slots", "_substitutes", "_factors", "_fact_paths")

    def __init__(self, catalog: Catalog, specs: SpecBook) -> None:
        self.specs = specs
        self._operations = catalog.operations
        self._slots = catalog.fitment.slots
        self._substitutes = catalog.fitment.substitutes
        # per operation, the labor factors that name it, in the catalog's order (the first that
        # holds applies)
        self._factors: dict[str, tuple[LaborFactor, ...]] = {}
        for row in catalog.fitment.labor_factors:
            for op_id in row.operations:
                self._factors[op_id] = (*self._factors.get(op_id, ()), row)
        self._fact_paths = {op_id: self._paths(op_id) for op_id in self._operations}

    def _paths(self, op_id: str) -> tuple[str, ...]:
        """The fitment.yaml paths whose values decide what the operation comes to on a build: the
        one that picks a substitute, and those of the slots and labor factors of the operation and
        of each of its substitutes."""
        paths = []
        candidates = [op_id]
        substitute = self._substitutes.get(op_id)
        if substitute is not None:
            path, use = substitute
            paths.append(path)
            candidates += use.values()
        for candidate in candidates:
            for use in self._operations[candidate].parts:
                if use.slot is not None:
                    slot = self._slots[use.slot]
                    paths += slot.paths
                    if use.quantity is None:
                        paths.append(slot.quantity_path)
            for row in self._factors.get(candidate, ()):
                paths += (path for path, _ in row.when)
        return tuple(dict.fromkeys(paths))

    def facts(self, op_id: str, fitment: int) -> tuple[str, ...]:
        """The build's values of the facts the operation depends on: two builds with the same facts
        get the same operation, parts and book hours."""
        build = self.specs.fitments[fitment]
        return tuple(value_of(build, path) for path in self._fact_paths[op_id])

    def operation(self, op_id: str, fitment: int) -> Operation:
        """The operation as done on this build (an LED headlamp is an assembly, not a bulb)."""
        substitute = self._substitutes.get(op_id)
        if substitute is not None:
            path, use = substitute
            op_id = use.get(value_of(self.specs.fitments[fitment], path), op_id)
        return self._operations[op_id]

    def parts(self, operation: Operation, fitment: int) -> tuple[PartUse, ...]:
        build = self.specs.fitments[fitment]
        parts = []
        for use in operation.parts:
            number, quantity = use.part, use.quantity
            if use.slot is not None:
                slot = self._slots[use.slot]
                key = " ".join(value_of(build, path) for path in slot.paths)
                if key not in slot.parts and "default" not in slot.parts:
                    raise UserError(
                        f"{CATALOG_DIR / 'fitment.yaml'}: slots.{use.slot}.parts: no part for {key!r} "
                        f"({build.make} {build.spec.trim}, engine {build.spec.engine.code})"
                    )
                number = slot.parts.get(key, slot.parts.get("default"))
                if quantity is None:
                    quantity = int(value_of(build, slot.quantity_path)) * slot.quantity_scale
            if number is not None:
                parts.append(PartUse(number, quantity))
        return tuple(parts)

    def hours(self, operation: Operation, fitment: int) -> tuple[int, int]:
        """(customer, warranty) book hours in tenths; the warranty time stays below the customer's."""
        build = self.specs.fitments[fitment]
        factor = next(
            (row.factor for row in self._factors.get(operation.operation_id, ()) if holds(build, row.when)),
            None,
        )
        if factor is None:
            return operation.hours_customer, operation.hours_warranty
        customer = _scaled(operation.hours_customer, factor)
        return customer, max(1, min(_scaled(operation.hours_warranty, factor), customer - 1))


def _scaled(tenths: int, factor: Decimal) -> int:
    return int((tenths * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))
