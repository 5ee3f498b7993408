"""One shard's part files: ROs, PII spans and truth rows streamed as visits close.

The shard's outputs are sinks (exporters.sinks) fed by one fan-out: the RO lines, PII spans and
truth always, the summary counters for the manifest, and one sink per extra ``--format``.
``finish`` adds the ledger's customers, vehicles and shops, closes every file and returns a
picklable ``ShardResult``: the files with their record counts and sha256, and the shard's summary
counters for the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exporters.config import ExportConfig
from exporters.ro_builder import RoBuilder
from exporters.sinks import FanOut
from exporters.sinks.parquet import ParquetSink
from exporters.sinks.pii_spans import PiiSpanSink
from exporters.sinks.repair_orders import RepairOrderSink
from exporters.sinks.summary import SummarySink
from exporters.sinks.truth import TruthSink
from exporters.summary import ShardSummary
from exporters.writers import FileEntry
from world.errors import UserError
from world.visit import Visit, WorldLedger

# Formats written besides the JSON Lines, each by its sink.
EXTRA_FORMATS = {"parquet": ParquetSink}


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
        unknown = [name for name in formats if name != "jsonl" and name not in EXTRA_FORMATS]
        if unknown or "jsonl" not in formats:
            extra = " or ".join(EXTRA_FORMATS)
            raise UserError(f"formats must include jsonl and may add {extra}; found {list(formats)}")
        self.shard_index = shard_index
        self._ros = RepairOrderSink(dataset_dir, shard_index)
        self._summary = SummarySink()
        sinks = [self._ros, PiiSpanSink(dataset_dir, shard_index), TruthSink(dataset_dir, shard_index)]
        sinks += [EXTRA_FORMATS[name](dataset_dir, shard_index) for name in formats if name != "jsonl"]
        self._fan_out: FanOut | None = FanOut(builder or RoBuilder(export), [*sinks, self._summary])

    @property
    def ro_count(self) -> int:
        return self._ros.records

    def add(self, visit: Visit) -> None:
        self._fan_out.add(visit)

    def finish(self, ledger: WorldLedger) -> ShardResult:
        files = self._fan_out.finish(ledger)
        self._fan_out = None
        return ShardResult(self.shard_index, self._ros.records, files, self._summary.summary)

    def abort(self) -> None:
        if self._fan_out is not None:
            self._fan_out.abort()
            self._fan_out = None
