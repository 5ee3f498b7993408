"""Every labelled PII mention in a narrative: pii_spans/part-NNNNN.jsonl."""

from __future__ import annotations

from pathlib import Path

from exporters.ro_builder import BuiltRO, span_rows
from exporters.writers import FileEntry, JsonlWriter, part_name
from world.visit import Visit, WorldLedger


class PiiSpanSink:
    def __init__(self, dataset_dir: Path, shard_index: int) -> None:
        self._writer = JsonlWriter(dataset_dir, f"pii_spans/{part_name(shard_index, 'jsonl')}", "pii_spans")

    def add(self, visit: Visit, built: BuiltRO) -> None:
        if built.narrative.spans:
            for row in span_rows(visit.ro_number, built.narrative):
                self._writer.write(row)

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]:
        return (self._writer.close(),)

    def abort(self) -> None:
        self._writer.abort()
