"""Sinks fed by one fan-out: every sink sees every visit with its one built RO, then the ledger; a new
output format is one sink; the metrics sink measures what ``sim report`` measures from the files."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import orjson

from exporters import shard_writer
from exporters.config import ExportConfig
from exporters.report.accumulator import MetricsAccumulator
from exporters.report.reader import read_metrics
from exporters.ro_builder import BuiltRO, RoBuilder
from exporters.shard_writer import ShardWriter
from exporters.sinks import FanOut
from exporters.sinks.metrics import MetricsSink
from exporters.writers import FileEntry, JsonlWriter, part_name
from tests.exporters.dataset_factory import ledger_for, shard_visits, write_shard
from world.visit import Visit, WorldLedger


class Recorder:
    def __init__(self) -> None:
        self.added: list[tuple[Visit, BuiltRO]] = []
        self.ledgers: list[WorldLedger] = []
        self.aborted = False

    def add(self, visit: Visit, built: BuiltRO) -> None:
        self.added.append((visit, built))

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]:
        self.ledgers.append(ledger)
        return ()

    def abort(self) -> None:
        self.aborted = True


def test_every_sink_gets_each_visit_with_the_same_built_ro_then_the_ledger():
    visits = shard_visits(0, 5)
    ledger = ledger_for(0, visits)
    first, second = Recorder(), Recorder()
    fan_out = FanOut(RoBuilder(ExportConfig()), [first, second])
    for visit in visits:
        fan_out.add(visit)
    assert fan_out.finish(ledger) == ()
    assert [visit for visit, _ in first.added] == visits
    assert all(a is b for (_, a), (_, b) in zip(first.added, second.added, strict=True))
    assert first.ledgers == second.ledgers == [ledger]
    fan_out.abort()
    assert first.aborted and second.aborted


class ShopIdSink:
    """A made-up output format: one shop id per line."""

    def __init__(self, dataset_dir: Path, shard_index: int) -> None:
        self._writer = JsonlWriter(dataset_dir, f"shop_ids/{part_name(shard_index, 'txt')}", "shop_ids")

    def add(self, visit: Visit, built: BuiltRO) -> None:
        self._writer.write_line(visit.shop.shop_id.encode() + b"\n")

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]:
        return (self._writer.close(),)

    def abort(self) -> None:
        self._writer.abort()


def test_a_new_output_format_is_one_sink(tmp_path, monkeypatch):
    monkeypatch.setitem(shard_writer.EXTRA_FORMATS, "shop_ids", ShopIdSink)
    visits = shard_visits(3, 12)
    writer = ShardWriter(tmp_path / "with", 3, ExportConfig(), ("jsonl", "shop_ids"))
    for visit in visits:
        writer.add(visit)
    result = writer.finish(ledger_for(3, visits))
    entry = next(entry for entry in result.files if entry.role == "shop_ids")
    assert entry.path == "shop_ids/part-00003.txt" and entry.records == 12
    lines = (tmp_path / "with" / entry.path).read_bytes().splitlines()
    assert lines == [visit.shop.shop_id.encode() for visit in visits]
    # The other files are the ones a run without the format writes.
    without = write_shard(tmp_path / "without", 3, 12, ExportConfig())
    assert set(without.files) == set(result.files) - {entry}


def test_the_metrics_sink_measures_what_the_report_reads_from_the_files(tmp_path):
    export = ExportConfig(narrative_pii_rate=0.3)
    result = write_shard(tmp_path, 1, 150, export)
    manifest = {"files": [dataclasses.asdict(entry) for entry in result.files]}
    start, end = date(2000, 1, 1), date(2030, 1, 1)
    from_files = read_metrics(tmp_path, manifest, start, end)

    visits = shard_visits(1, 150)
    accumulator = MetricsAccumulator(start, end)
    fan_out = FanOut(RoBuilder(export), [MetricsSink(accumulator)])
    for visit in visits:
        fan_out.add(visit)
    assert fan_out.finish(ledger_for(1, visits)) == ()
    in_memory = accumulator.finish()
    assert in_memory.ro_count == 150 and sum(in_memory.spans_by_type.values()) > 0
    assert in_memory == from_files
    spans = (tmp_path / "pii_spans" / "part-00001.jsonl").read_bytes().splitlines()
    assert sum(in_memory.spans_by_type.values()) == len([orjson.loads(line) for line in spans])
