"""One dataset folder -> DATASET/report/index.html and the target results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exporters.report.accumulator import MetricData
from exporters.report.page import render_page
from exporters.report.reader import DatasetFacts, dataset_facts, read_manifest, read_metrics
from exporters.report.targets import Target, TargetResult, evaluate_targets
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


def write_report(dataset_dir: Path, targets: tuple[Target, ...] | None = None) -> ReportOutcome:
    """Measure the dataset, check ``targets`` (default: the scenario's, from the manifest), write the page."""
    try:
        from exporters.report.plots import render_charts
    except ImportError as error:
        raise UserError(
            f"sim report draws its charts with matplotlib, which is missing ({error}); pip install matplotlib"
        ) from None
    manifest = read_manifest(dataset_dir)
    facts = dataset_facts(dataset_dir, manifest)
    data = read_metrics(dataset_dir, manifest, facts.start, facts.end)
    results = tuple(evaluate_targets(facts.targets if targets is None else targets, data))
    page = dataset_dir / REPORT_DIR / REPORT_PAGE
    page.parent.mkdir(exist_ok=True)
    page.write_text(render_page(facts, data, results, render_charts(data)), encoding="utf-8")
    return ReportOutcome(page, facts, data, results)
