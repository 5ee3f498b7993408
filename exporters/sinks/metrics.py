"""The ROs measured like ``sim report`` measures a dataset, in memory: into a MetricsAccumulator the
caller owns (it may gather several shards), so nothing is written."""

from __future__ import annotations

from exporters.report.accumulator import MetricsAccumulator
from exporters.ro_builder import BuiltRO, span_rows
from exporters.truth import customer_row, vehicle_row, visit_row
from exporters.writers import FileEntry
from world.visit import Visit, WorldLedger


class MetricsSink:
    def __init__(self, accumulator: MetricsAccumulator) -> None:
        self._accumulator = accumulator

    def add(self, visit: Visit, built: BuiltRO) -> None:
        self._accumulator.add_ro(built.json_form, visit_row(visit))
        for span in span_rows(visit.ro_number, built.narrative):
            self._accumulator.add_span(span)

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]:
        for customer in ledger.customers:
            self._accumulator.add_customer(customer_row(customer))
        for vehicle in ledger.vehicles:
            self._accumulator.add_vehicle(vehicle_row(vehicle))
        return ()

    def abort(self) -> None:
        """Nothing is held open; what was measured stays in the caller's accumulator."""
