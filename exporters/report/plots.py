"""The report's charts: matplotlib figures drawn on the Agg canvas, returned as base64 PNG.

Figures are built as ``matplotlib.figure.Figure`` objects with their own ``FigureCanvasAgg``,
never through pyplot, so no global backend is switched and nothing opens a window. Labels avoid
``$`` (matplotlib would read a pair as mathtext); amounts say USD instead.
"""

from __future__ import annotations

import base64
import io
from collections import Counter
from collections.abc import Callable, Mapping

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from exporters.report.accumulator import ODOMETER_BIN_MILES, MetricData
from exporters.report.registry import measure
from world.visit import PAY_TYPES, SHOP_KINDS, VISIT_KINDS

GAP_BIN_DAYS = 30
MAX_GAP_DAYS = 1080
MAX_SHOPS_SHOWN = 40
COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860")


def _figure(width: float = 6.4, height: float = 3.2) -> tuple[Figure, object]:
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _bars(axes, labels, values, ylabel: str, color: str = COLORS[0]) -> None:
    positions = range(len(labels))
    axes.bar(positions, values, color=color)
    axes.set_xticks(list(positions), [str(label) for label in labels], rotation=30, ha="right")
    axes.set_ylabel(ylabel)


def _present_shop_kinds(data: MetricData) -> list[str]:
    return [kind for kind in SHOP_KINDS if data.select(shop_kind=kind).ros]


def visit_kinds(data: MetricData) -> Figure | None:
    counts = data.select().visit_kinds
    kinds = [kind for kind in VISIT_KINDS if counts[kind]] + sorted(set(counts) - set(VISIT_KINDS))
    figure, axes = _figure()
    _bars(axes, kinds, [counts[kind] for kind in kinds], "ROs")
    axes.set_title("ROs by truth visit kind")
    return figure


def pay_mix(data: MetricData) -> Figure | None:
    group = data.select()
    figure = Figure(figsize=(6.4, 3.2), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    _bars(left, PAY_TYPES, [group.pay_job_ros[pay] for pay in PAY_TYPES], "ROs with a job of the pay type")
    _bars(right, PAY_TYPES, [group.pay_cents[pay] / 100 for pay in PAY_TYPES], "USD", COLORS[1])
    left.set_title("ROs by pay type")
    right.set_title("Sales by pay type")
    return figure


def _grouped_bars(data: MetricData, metric: str, ylabel: str, title: str) -> Figure | None:
    kinds = _present_shop_kinds(data)
    figure, axes = _figure()
    series = [("all", None)] + [(pay, pay) for pay in PAY_TYPES]
    width = 0.8 / len(series)
    for number, (label, pay_type) in enumerate(series):
        filters = {} if pay_type is None else {"pay_type": pay_type}
        values = [measure(metric, data, {"shop_kind": kind, **filters}) or 0.0 for kind in kinds]
        axes.bar(
            [index + number * width for index in range(len(kinds))],
            values,
            width,
            label=label,
            color=COLORS[number],
        )
    axes.set_xticks([index + 0.4 - width / 2 for index in range(len(kinds))], kinds)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.legend(fontsize="small")
    return figure


def ro_value(data: MetricData) -> Figure | None:
    return _grouped_bars(
        data,
        "mean_ro_value",
        "mean USD per RO",
        "RO value by shop kind (pay type: its portion, where non-zero)",
    )


def hours_per_ro(data: MetricData) -> Figure | None:
    return _grouped_bars(data, "hours_per_ro", "labor hours per RO", "Hours per RO by shop kind and pay type")


def labor_hours_distribution(data: MetricData) -> Figure | None:
    figure, axes = _figure()
    for number, kind in enumerate(_present_shop_kinds(data)):
        histogram = data.labor_tenths_hist[kind]
        whole_hours: Counter[int] = Counter()
        for tenths, count in histogram.items():
            whole_hours[min(tenths // 10, 12)] += count
        total = sum(whole_hours.values())
        xs = list(range(13))
        axes.step(xs, [whole_hours[x] / total for x in xs], where="mid", label=kind, color=COLORS[number])
    axes.set_xlabel("labor hours per RO (whole hours, 12 = 12 or more)")
    axes.set_ylabel("share of the kind's ROs")
    axes.set_title("Distribution of labor hours per RO")
    axes.legend(fontsize="small")
    return figure


def _counter_bars(counter: Mapping[int, int], xlabel: str, title: str) -> Figure | None:
    figure, axes = _figure()
    keys = sorted(counter)
    _bars(axes, keys, [counter[key] for key in keys], "count")
    axes.set_xlabel(xlabel)
    axes.set_title(title)
    return figure


def jobs_per_ro(data: MetricData) -> Figure | None:
    return _counter_bars(data.jobs_hist, "jobs on the RO", "Jobs per RO")


def visits_per_vin(data: MetricData) -> Figure | None:
    return _counter_bars(data.visits_per_vin, "ROs of the VIN in the dataset", "Visits per VIN")


def days_between_visits(data: MetricData) -> Figure | None:
    if not data.visit_gap_days:
        return None
    binned: Counter[int] = Counter()
    for days, count in data.visit_gap_days.items():
        binned[min(days, MAX_GAP_DAYS) // GAP_BIN_DAYS * GAP_BIN_DAYS] += count
    figure, axes = _figure()
    keys = sorted(binned)
    axes.bar(keys, [binned[key] for key in keys], width=GAP_BIN_DAYS * 0.9, align="edge", color=COLORS[0])
    axes.set_xlabel(
        f"days between consecutive visits of a VIN ({GAP_BIN_DAYS}-day bins, last bin {MAX_GAP_DAYS}+)"
    )
    axes.set_ylabel("gaps")
    axes.set_title("Days between visits of a VIN")
    return figure


def comeback_by_shop(data: MetricData) -> Figure | None:
    shops = sorted(data.shops.items(), key=lambda item: (-item[1][1], item[0]))[:MAX_SHOPS_SHOWN]
    shops.sort(key=lambda item: (SHOP_KINDS.index(item[1][0]) if item[1][0] in SHOP_KINDS else 99, item[0]))
    figure, axes = _figure(6.4, 3.6)
    colors = [
        COLORS[SHOP_KINDS.index(kind) % len(COLORS)] if kind in SHOP_KINDS else COLORS[-1]
        for _, (kind, _, _) in shops
    ]
    positions = range(len(shops))
    axes.bar(positions, [comebacks / ros for _, (_, ros, comebacks) in shops], color=colors)
    axes.set_xticks(list(positions), [shop_id for shop_id, _ in shops], rotation=90, fontsize="x-small")
    kinds = sorted({kind for _, (kind, _, _) in shops if kind in SHOP_KINDS}, key=SHOP_KINDS.index)
    axes.legend(
        handles=[Patch(color=COLORS[SHOP_KINDS.index(kind) % len(COLORS)], label=kind) for kind in kinds],
        fontsize="small",
    )
    axes.set_ylabel("comeback ROs / ROs")
    shown = f"the {len(shops)} busiest of {len(data.shops)}" if len(data.shops) > len(shops) else "every shop"
    axes.set_title(f"Comeback rate by shop ({shown})")
    return figure


def vehicle_age_at_visit(data: MetricData) -> Figure | None:
    figure, axes = _figure()
    for number, (kind, histogram) in enumerate(sorted(data.age_years_hist.items())):
        years = sorted(histogram)
        axes.step(years, [histogram[year] for year in years], where="mid", label=kind, color=COLORS[number])
    axes.set_xlabel("vehicle age at visit (whole years)")
    axes.set_ylabel("ROs")
    axes.set_title("Vehicle age at visit, by customer kind")
    axes.legend(fontsize="small")
    return figure


def odometer_at_visit(data: MetricData) -> Figure | None:
    figure, axes = _figure()
    keys = sorted(data.odometer_hist)
    axes.bar(
        [key / 1000 for key in keys],
        [data.odometer_hist[key] for key in keys],
        width=ODOMETER_BIN_MILES / 1000 * 0.9,
        align="edge",
        color=COLORS[2],
    )
    axes.set_xlabel(f"odometer at visit (thousand miles, {ODOMETER_BIN_MILES // 1000}k bins)")
    axes.set_ylabel("ROs")
    axes.set_title("Odometer at visit")
    return figure


def pii_spans(data: MetricData) -> Figure | None:
    if not data.spans_by_type:
        return None
    figure, axes = _figure()
    kinds = sorted(data.spans_by_type)
    _bars(axes, kinds, [data.spans_by_type[kind] for kind in kinds], "spans", COLORS[3])
    axes.set_title("Labelled PII spans by entity type")
    return figure


CHARTS: tuple[tuple[str, Callable[[MetricData], Figure | None]], ...] = (
    ("Visit kinds", visit_kinds),
    ("Pay-type mix", pay_mix),
    ("RO value by shop kind and pay type", ro_value),
    ("Hours per RO by shop kind", hours_per_ro),
    ("Labor hours distribution", labor_hours_distribution),
    ("Jobs per RO", jobs_per_ro),
    ("Visits per VIN", visits_per_vin),
    ("Days between visits of a VIN", days_between_visits),
    ("Comeback rate by shop", comeback_by_shop),
    ("Vehicle age at visit", vehicle_age_at_visit),
    ("Odometer at visit", odometer_at_visit),
    ("PII spans by type", pii_spans),
)


def png_base64(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def render_charts(data: MetricData) -> list[tuple[str, str | None]]:
    """(title, base64 PNG or None when there is nothing to draw) per chart, in report order."""
    if not data.ro_count:
        return [(title, None) for title, _ in CHARTS]
    charts = []
    for title, draw in CHARTS:
        figure = draw(data)
        charts.append((title, png_base64(figure) if figure is not None else None))
    return charts
