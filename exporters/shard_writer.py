"""One shard's part files: ROs, PII spans and truth rows streamed as visits close.

``finish`` adds the ledger's customers, vehicles and shops, closes every file and returns a
picklable ``ShardResult``: the files with their record counts and sha256, and the shard's summary
counters for the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exporters.config import ExportConfig
from exporters.ro_builder import RoBuilder, span_rows
from exporters.summary import ShardSummary, SummaryBuilder
from exporters.truth import customer_row, shop_row, vehicle_row, visit_row
from exporters.writers import FileEntry, JsonlWriter, ParquetWriter, part_name
from world.errors import UserError
from world.visit import Visit, WorldLedger

FORMATS = ("jsonl", "parquet")


@dataclass(frozen=True)
class ShardResult:
    shard_index: int
    ro_count: int
    files: tuple[FileEntry, ...]
    summary: ShardSummary


class ShardWriter:
    def __init__(
        self,
        dataset_dir: Path,
        shard_index: int,
        export: ExportConfig,
        formats: tuple[str, ...] = ("jsonl",),
        builder: RoBuilder | None = None,
    ) -> None:
        unknown = [name for name in formats if name not in FORMATS]
        if unknown or "jsonl" not in formats:
            raise UserError(f"formats must include jsonl and may add parquet; found {list(formats)}")
        self.shard_index = shard_index
        self._dataset_dir = dataset_dir
        self._builder = builder or RoBuilder(export)
        self._summary = SummaryBuilder()
        jsonl = part_name(shard_index, "jsonl")
        self._ros = JsonlWriter(dataset_dir, f"repair_orders/{jsonl}", "repair_orders")
        self._spans = JsonlWriter(dataset_dir, f"pii_spans/{jsonl}", "pii_spans")
        self._visits = JsonlWriter(dataset_dir, f"truth/visits/{jsonl}", "truth_visits")
        self._parquet = (
            ParquetWriter(dataset_dir, f"repair_orders_parquet/{part_name(shard_index, 'parquet')}")
            if "parquet" in formats
            else None
        )
        self._open: list[JsonlWriter | ParquetWriter] = [self._ros, self._spans, self._visits]
        if self._parquet is not None:
            self._open.append(self._parquet)

    @property
    def ro_count(self) -> int:
        return self._ros.records

    def add(self, visit: Visit) -> None:
        built = self._builder.build(visit)
        self._ros.write_line(built.json_line + b"\n")
        if built.narrative.spans:
            for row in span_rows(visit.ro_number, built.narrative):
                self._spans.write(row)
        self._visits.write(visit_row(visit))
        if self._parquet is not None:
            self._parquet.write(built.json_form)
        self._summary.add(visit, built.priced, built.narrative.spans)

    def finish(self, ledger: WorldLedger) -> ShardResult:
        jsonl = part_name(self.shard_index, "jsonl")
        for directory, role, rows in (
            ("customers", "truth_customers", map(customer_row, ledger.customers)),
            ("vehicles", "truth_vehicles", map(vehicle_row, ledger.vehicles)),
            ("shops", "truth_shops", map(shop_row, ledger.shops)),
        ):
            writer = JsonlWriter(self._dataset_dir, f"truth/{directory}/{jsonl}", role)
            self._open.append(writer)
            for row in rows:
                writer.write(row)
        files = tuple(writer.close() for writer in self._open)
        self._open = []
        return ShardResult(self.shard_index, self._ros.records, files, self._summary.finish(ledger))

    def abort(self) -> None:
        for writer in self._open:
            writer.abort()
        self._open = []
