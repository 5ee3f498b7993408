"""The shard's distribution counters for the manifest (exporters.summary); writes no file."""

from __future__ import annotations

from exporters.ro_builder import BuiltRO
from exporters.summary import ShardSummary, SummaryBuilder
from exporters.writers import FileEntry
from world.visit import Visit, WorldLedger


class SummarySink:
    """``summary`` holds the shard's counters once finished."""

    def __init__(self) -> None:
        self._builder = SummaryBuilder()
        self.summary: ShardSummary | None = None

    def add(self, visit: Visit, built: BuiltRO) -> None:
        self._builder.add(visit, built.priced, built.narrative.spans)

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]:
        self.summary = self._builder.finish(ledger)
        return ()

    def abort(self) -> None:
        self.summary = None
