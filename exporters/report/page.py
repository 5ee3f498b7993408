"""The self-contained HTML page of a report: tables and base64 PNG charts, no external resources."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from exporters.report.accumulator import MetricData
from exporters.report.reader import DatasetFacts
from exporters.report.registry import METRICS, measure
from exporters.report.targets import TargetResult
from world.visit import CUSTOMER_KINDS, PAY_TYPES, SHOP_KINDS, VISIT_KINDS

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 72em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.fail td { background: #fde2e2; } tr.pass td { background: #e3f4e3; }
figure { display: inline-block; margin: 0 1em 1em 0; } figcaption { font-weight: 600; }
.muted { color: #777; }
"""

# Per shop kind, the metrics people compare shops by: (column title, metric, filters).
SHOP_KIND_COLUMNS = (
    ("ROs", "ro_count", {}),
    ("mean RO (USD)", "mean_ro_value", {}),
    ("customer-pay RO (USD)", "mean_ro_value", {"pay_type": "customer"}),
    ("warranty RO (USD)", "mean_ro_value", {"pay_type": "warranty"}),
    ("hours per RO", "hours_per_ro", {}),
    ("jobs per RO", "jobs_per_ro", {}),
    ("warranty share of sales", "pay_type_sales_share", {"pay_type": "warranty"}),
    ("comeback rate", "comeback_rate", {}),
    ("vehicle age at visit (y)", "vehicle_age_at_visit", {}),
)


def format_value(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value == int(value) and abs(value) >= 1:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:,.2f}"


def _cell(text: str, numeric: bool = False) -> str:
    return f'<td class="num">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[int] = (),
    row_classes: Sequence[str] | None = None,
) -> str:
    """An HTML table; the columns numbered in ``numeric`` are right-aligned."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = []
    for number, row in enumerate(rows):
        css = f' class="{row_classes[number]}"' if row_classes else ""
        cells = "".join(_cell(text, index in numeric) for index, text in enumerate(row))
        body.append(f"<tr{css}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def targets_rows(results: Sequence[TargetResult]) -> list[list[str]]:
    rows = []
    for result in results:
        error = result.relative_error
        rows.append(
            [
                result.target.label(),
                format_value(result.target.value),
                format_value(result.measured),
                "n/a" if error is None else f"{error:+.1%}",
                f"{result.target.tolerance:.0%}",
                "pass" if result.passed else "FAIL",
                result.target.source,
            ]
        )
    return rows


TARGET_HEADERS = ("target", "expected", "measured", "rel. error", "tolerance", "result", "source")


def _targets_section(results: Sequence[TargetResult]) -> str:
    if not results:
        return '<h2>Targets</h2><p class="muted">The scenario declares no targets.</p>' + _table(
            TARGET_HEADERS, []
        )
    failed = sum(not result.passed for result in results)
    summary = f"{len(results) - failed} of {len(results)} targets pass."
    classes = ["pass" if result.passed else "fail" for result in results]
    return f"<h2>Targets</h2><p>{escape(summary)}</p>" + _table(
        TARGET_HEADERS, targets_rows(results), numeric=(1, 2, 3, 4), row_classes=classes
    )


def _key_numbers(data: MetricData) -> str:
    rows = []
    for metric in METRICS.values():
        if metric.required:
            continue
        rows.append([metric.name, format_value(measure(metric.name, data)), metric.unit, metric.definition])
    return "<h2>Key numbers</h2>" + _table(("metric", "value", "unit", "definition"), rows, numeric=(1,))


def _by_shop_kind(data: MetricData) -> str:
    rows = []
    for kind in SHOP_KINDS:
        if not data.select(shop_kind=kind).ros:
            continue
        rows.append(
            [kind]
            + [
                format_value(measure(metric, data, {"shop_kind": kind, **filters}))
                for _, metric, filters in SHOP_KIND_COLUMNS
            ]
        )
    headers = ["shop kind"] + [title for title, _, _ in SHOP_KIND_COLUMNS]
    return "<h2>By shop kind</h2>" + _table(headers, rows, numeric=range(1, len(headers)))


def _coverage(data: MetricData) -> str:
    everything = data.select()
    shop_ros = {kind: data.select(shop_kind=kind).ros for kind in SHOP_KINDS}
    customer_ros = {kind: data.select(customer_kind=kind).ros for kind in CUSTOMER_KINDS}
    sections = (
        ("shop kinds", SHOP_KINDS, shop_ros),
        ("customer kinds", CUSTOMER_KINDS, customer_ros),
        ("pay types (ROs with a job of it)", PAY_TYPES, everything.pay_job_ros),
        ("visit kinds", VISIT_KINDS, everything.visit_kinds),
        ("archetypes", tuple(sorted(everything.archetypes)), everything.archetypes),
    )
    rows = []
    for title, names, counts in sections:
        present = [f"{name} ({counts.get(name, 0):,})" for name in names if counts.get(name, 0)]
        absent = [name for name in names if not counts.get(name, 0)]
        rows.append([title, ", ".join(present) or "none", ", ".join(absent) or "-"])
    return "<h2>Scenario coverage</h2>" + _table(("dimension", "present (ROs)", "absent"), rows)


def _charts(charts: Sequence[tuple[str, str | None]]) -> str:
    parts = ["<h2>Charts</h2>"]
    for title, png in charts:
        if png is None:
            parts.append(
                f'<figure><figcaption>{escape(title)}</figcaption><p class="muted">no data</p></figure>'
            )
        else:
            parts.append(
                f"<figure><figcaption>{escape(title)}</figcaption>"
                f'<img alt="{escape(title)}" src="data:image/png;base64,{png}"></figure>'
            )
    return "".join(parts)


def render_page(
    facts: DatasetFacts,
    data: MetricData,
    results: Sequence[TargetResult],
    charts: Sequence[tuple[str, str | None]],
) -> str:
    title = f"roworld report: {facts.scenario_name}, seed {facts.seed}"
    header = _table(
        ("dataset", "value"),
        [
            ["folder", str(facts.path)],
            ["scenario", facts.scenario_name],
            ["seed", str(facts.seed)],
            ["generator version", facts.generator_version],
            ["export window", f"{facts.start.isoformat()} to {facts.end.isoformat()} (end exclusive)"],
            ["repair orders", f"{data.ro_count:,}"],
        ],
    )
    body = "".join(
        (
            f"<h1>{escape(title)}</h1>",
            header,
            _targets_section(results),
            _key_numbers(data),
            _by_shop_kind(data),
            _coverage(data),
            _charts(charts),
        )
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n"
    )
