"""The ROs as nested Parquet (``--format parquet``): repair_orders_parquet/part-NNNNN.parquet."""

from __future__ import annotations

from pathlib import Path

from exporters.ro_builder import BuiltRO
from exporters.writers import FileEntry, ParquetWriter, part_name
from world.visit import Visit, WorldLedger


class ParquetSink:
    def __init__(self, dataset_dir: Path, shard_index: int) -> None:
        self._writer = ParquetWriter(
            dataset_dir, f"repair_orders_parquet/{part_name(shard_index, 'parquet')}"
        )

    def add(self, visit: Visit, built: BuiltRO) -> None:
        self._writer.write(built.json_form)

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]:
        return (self._writer.close(),)

    def abort(self) -> None:
        self._writer.abort()
