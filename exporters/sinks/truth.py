"""The world's truth beside the ROs: truth/visits/ streamed per RO; truth/customers/, truth/vehicles/
and truth/shops/ from the ledger when the shard's world has run."""

from __future__ import annotations

from pathlib import Path

from exporters.ro_builder import BuiltRO
from exporters.truth import customer_row, shop_row, vehicle_row, visit_row
from exporters.writers import FileEntry, JsonlWriter, part_name
from world.visit import Visit, WorldLedger


class TruthSink:
    def __init__(self, dataset_dir: Path, shard_index: int) -> None:
        self._dataset_dir = dataset_dir
        self._part = part_name(shard_index, "jsonl")
        self._visits = JsonlWriter(dataset_dir, f"truth/visits/{self._part}", "truth_visits")
        self._open = [self._visits]

    def add(self, visit: Visit, built: BuiltRO) -> None:
        self._visits.write(visit_row(visit))

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]:
        for directory, role, rows in (
            ("customers", "truth_customers", map(customer_row, ledger.customers)),
            ("vehicles", "truth_vehicles", map(vehicle_row, ledger.vehicles)),
            ("shops", "truth_shops", map(shop_row, ledger.shops)),
        ):
            writer = JsonlWriter(self._dataset_dir, f"truth/{directory}/{self._part}", role)
            self._open.append(writer)
            for row in rows:
                writer.write(row)
        return tuple(writer.close() for writer in self._open)

    def abort(self) -> None:
        for writer in self._open:
            writer.abort()
