"""The ROs as JSON Lines: repair_orders/part-NNNNN.jsonl, each RO's validated line as built."""

from __future__ import annotations

from pathlib import Path

from exporters.ro_builder import BuiltRO
from exporters.writers import FileEntry, JsonlWriter, part_name
from world.visit import Visit, WorldLedger


class RepairOrderSink:
    def __init__(self, dataset_dir: Path, shard_index: int) -> None:
        self._writer = JsonlWriter(
            dataset_dir, f"repair_orders/{part_name(shard_index, 'jsonl')}", "repair_orders"
        )

    @property
    def records(self) -> int:
        return self._writer.records

    def add(self, visit: Visit, built: BuiltRO) -> None:
        self._writer.write_line(built.json_line + b"\n")

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]:
        return (self._writer.close(),)

    def abort(self) -> None:
        self._writer.abort()
