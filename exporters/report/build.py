"""One dataset folder -> DATASET/report/index.html (or another folder's) and the target results."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from exporters.report.accumulator import MetricData, MetricsAccumulator
from exporters.report.page import render_page
from exporters.report.reader import DatasetFacts, dataset_facts, read_into, read_manifest, read_metrics
from exporters.report.targets import Target, TargetResult, evaluate_targets
from exporters.writers import FileEntry
from world.errors import UserError

REPORT_DIR = "report"
REPORT_PAGE = "index.html"


@dataclass(frozen=True)
class ReportOutcome:
    page: Path
    facts: DatasetFacts
    data: MetricData
    results: tuple[TargetResult, ...]

    @property
    def failed(self) -> tuple[TargetResult, ...]:
        return tuple(result for result in self.results if not result.passed)


def write_report(
    dataset_dir: Path, targets: tuple[Target, ...] | None = None, out_dir: Path | None = None
) -> ReportOutcome:
    """Measure the dataset, check ``targets`` (default: the scenario's, from the manifest), write the page
    into ``out_dir`` (default DATASET/report)."""
    from exporters.report.plots import render_charts  # matplotlib: imported only when a page is drawn

    manifest = read_manifest(dataset_dir)
    page = (dataset_dir / REPORT_DIR if out_dir is None else out_dir) / REPORT_PAGE
    # Before reading the dataset, which can take minutes: a page that cannot be written would lose them.
    _check_writable(page.parent)
    facts = dataset_facts(dataset_dir, manifest)
    data = read_metrics(dataset_dir, manifest, facts.start, facts.end)
    results = tuple(evaluate_targets(facts.targets if targets is None else targets, data))
    try:
        # The page names the dataset folder, whose name need not be UTF-8: escape it rather than fail.
        html = render_page(facts, data, results, render_charts(data))
        page.write_text(html, encoding="utf-8", errors="backslashreplace")
    except OSError as error:
        raise UserError(f"{page}: cannot write the report ({error.strerror})") from None
    return ReportOutcome(page, facts, data, results)


def shard_metrics(
    dataset_dir: Path, files: Sequence[FileEntry], targets: Sequence[Target], start: date, end: date
) -> MetricsAccumulator | None:
    """One shard's files measured as ``sim report`` measures a dataset, where the shard ran, so that
    the run merges counts rather than reading the whole dataset again; None without targets."""
    if not targets:
        return None
    listing = {"files": [{"path": entry.path, "role": entry.role} for entry in files]}
    return read_into(MetricsAccumulator(start, end), dataset_dir, listing)


def check_measured(
    shards: Sequence[MetricsAccumulator | None], targets: Sequence[Target], start: date, end: date
) -> tuple[TargetResult, ...]:
    """The targets measured on the shards' metrics (``shard_metrics``) merged in shard order: the
    values ``sim report`` will measure on the finished dataset, for the manifest to carry."""
    if not targets:
        return ()
    merged = MetricsAccumulator(start, end)
    for metrics in shards:
        merged.merge(metrics)
    return tuple(evaluate_targets(targets, merged.finish()))


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise UserError(
            f"{folder}: cannot write the report there ({error.strerror}); name another folder with --out DIR"
        ) from None
