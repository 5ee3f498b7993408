"""The named metrics: what a scenario's ``targets:`` may name, and what the report tabulates.

Each metric has a name, a unit, a one-sentence definition and the filters it accepts. Filters:

- ``shop_kind`` (dealer, independent, fleet_depot, quick_lube) and ``customer_kind`` (individual,
  fleet) restrict the ROs counted, by the RO's ``shop.kind`` and ``customer.kind``;
- ``pay_type`` (customer, warranty, internal), ``visit_kind`` (truth visit kind), ``concern``
  (catalog key of a job's concern) and ``entity_type`` (PII span type) pick what is measured.

Every metric is computed from ``MetricData`` alone, so the report (dataset files) and calibration
(in memory) measure the same thing. A metric is ``None`` when it is undefined (no ROs match).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from exporters.report.accumulator import HIGH_MILEAGE, MetricData
from world.visit import CUSTOMER_KINDS, PAY_TYPES, SHOP_KINDS, VISIT_KINDS

GROUP_FILTERS = frozenset({"shop_kind", "customer_kind"})
FILTER_VALUES: dict[str, tuple[str, ...] | None] = {  # None: any non-empty key
    "shop_kind": SHOP_KINDS,
    "customer_kind": CUSTOMER_KINDS,
    "pay_type": PAY_TYPES,
    "visit_kind": VISIT_KINDS,
    "concern": None,
    "entity_type": None,
}


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    definition: str
    filters: frozenset[str]  # accepted filter keys
    required: frozenset[str]  # filter keys that must be given
    compute: Callable[[MetricData, Mapping[str, str]], float | None]


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _group(data: MetricData, filters: Mapping[str, str]):
    return data.select(filters.get("shop_kind"), filters.get("customer_kind"))


def _ro_count(data, filters):
    return float(_group(data, filters).ros)


def _visits_per_vehicle_year(data, filters):
    return _ratio(data.ro_count, data.vehicle_years)


def _days_between_visits(data, filters):
    gaps = data.visit_gap_days
    return _ratio(sum(days * count for days, count in gaps.items()), sum(gaps.values()))


def _repeat_vin_share(data, filters):
    vins = data.visits_per_vin
    return _ratio(sum(count for visits, count in vins.items() if visits >= 2), sum(vins.values()))


def _mean_ro_value(data, filters):
    group = _group(data, filters)
    pay_type = filters.get("pay_type")
    if pay_type is None:
        return _ratio(group.total_cents / 100, group.ros)
    return _ratio(group.pay_cents[pay_type] / 100, group.pay_ros[pay_type])


def _hours_per_ro(data, filters):
    group = _group(data, filters)
    pay_type = filters.get("pay_type")
    if pay_type is None:
        return _ratio(group.labor_tenths / 10, group.ros)
    return _ratio(group.pay_labor_tenths[pay_type] / 10, group.pay_job_ros[pay_type])


def _jobs_per_ro(data, filters):
    group = _group(data, filters)
    return _ratio(group.jobs, group.ros)


def _pay_type_ro_share(data, filters):
    group = _group(data, filters)
    return _ratio(group.pay_job_ros[filters["pay_type"]], group.ros)


def _pay_type_sales_share(data, filters):
    group = _group(data, filters)
    return _ratio(group.pay_cents[filters["pay_type"]], sum(group.pay_cents.values()))


def _visit_kind_share(data, filters):
    group = _group(data, filters)
    return _ratio(group.visit_kinds[filters["visit_kind"]], group.ros)


def _comeback_rate(data, filters):
    group = _group(data, filters)
    return _ratio(group.comebacks, group.ros)


def _concern_ro_share(data, filters):
    group = _group(data, filters)
    return _ratio(group.concern_ros[filters["concern"]], group.ros)


def _concern_per_vehicle_year(data, filters):
    return _ratio(data.select().concern_ros[filters["concern"]], data.vehicle_years)


def _age_at_visit(data, filters):
    group = _group(data, filters)
    return _ratio(group.age_days / 365.25, group.ros)


def _odometer_at_visit(data, filters):
    group = _group(data, filters)
    return _ratio(group.odometer_miles, group.ros)


def _high_mileage_share(data, filters):
    group = _group(data, filters)
    return _ratio(group.high_mileage, group.ros)


def _between_visits(sums: Mapping[str, tuple[int, int]], filters) -> tuple[int, int]:
    """The (miles, other) sums of the customer kind asked for, or of every pair of visits."""
    kind = filters.get("customer_kind")
    pairs = [pair for pair_kind, pair in sums.items() if kind in (None, pair_kind)]
    return sum(miles for miles, _ in pairs), sum(other for _, other in pairs)


def _annual_miles(data, filters):
    miles, days = _between_visits(data.miles_between_visits, filters)
    return _ratio(miles * 365.25, days)


def _oil_change_interval(data, filters):
    return _ratio(*_between_visits(data.oil_change_miles, filters))


def _age_in_operation(data, filters):
    kind = filters.get("customer_kind")
    pairs = [pair for owner, pair in data.age_in_operation.items() if kind in (None, owner)]
    return _ratio(sum(total for total, _ in pairs), sum(count for _, count in pairs))


def _pii_spans_per_ro(data, filters):
    kind = filters.get("entity_type")
    spans = data.spans_by_type[kind] if kind else sum(data.spans_by_type.values())
    return _ratio(spans, data.ro_count)


def _present(counter_of: Callable[[MetricData], Mapping[str, int]]):
    return lambda data, filters: float(sum(1 for count in counter_of(data).values() if count))


def _pay_types(data):
    return data.select().pay_job_ros


def _shop_kinds(data):
    return {kind: group.ros for (kind, _), group in data.groups.items()}


def _archetypes(data):
    return data.select().archetypes


def _visit_kinds(data):
    return data.select().visit_kinds


_GROUPED = GROUP_FILTERS  # every per-RO mean or share can be restricted by shop and customer kind
_NONE: frozenset[str] = frozenset()
METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric("ro_count", "ROs", "Number of ROs in the dataset.", _GROUPED, _NONE, _ro_count),
        Metric(
            "visits_per_vehicle_year",
            "ROs per vehicle-year",
            "ROs opened in the export window divided by the years that the world's vehicles (all of "
            "them, visiting or not) were in service during the window.",
            _NONE,
            _NONE,
            _visits_per_vehicle_year,
        ),
        Metric(
            "days_between_visits",
            "days",
            "Mean days between the opening dates of consecutive ROs of the same VIN (VINs with 2+ ROs).",
            _NONE,
            _NONE,
            _days_between_visits,
        ),
        Metric(
            "repeat_vin_share",
            "share",
            "Share of VINs in the dataset with 2 or more ROs.",
            _NONE,
            _NONE,
            _repeat_vin_share,
        ),
        Metric(
            "mean_ro_value",
            "USD",
            "Mean RO total; with pay_type, the mean of that pay type's portion (totals.customer_pay, "
            "warranty_pay or internal_pay) over the ROs where it is non-zero (NADA's 'customer-pay "
            "RO' and 'warranty RO').",
            _GROUPED | {"pay_type"},
            _NONE,
            _mean_ro_value,
        ),
        Metric(
            "hours_per_ro",
            "hours",
            "Mean labor hours per RO; with pay_type, hours on jobs of that pay type per RO having one.",
            _GROUPED | {"pay_type"},
            _NONE,
            _hours_per_ro,
        ),
        Metric(
            "jobs_per_ro", "jobs", "Mean number of jobs (concerns) per RO.", _GROUPED, _NONE, _jobs_per_ro
        ),
        Metric(
            "pay_type_ro_share",
            "share",
            "Share of ROs with at least one job of the pay type.",
            _GROUPED | {"pay_type"},
            frozenset({"pay_type"}),
            _pay_type_ro_share,
        ),
        Metric(
            "pay_type_sales_share",
            "share",
            "The pay type's dollars over all dollars (customer + warranty + internal pay), e.g. "
            "warranty's share of dealer sales.",
            _GROUPED | {"pay_type"},
            frozenset({"pay_type"}),
            _pay_type_sales_share,
        ),
        Metric(
            "visit_kind_share",
            "share",
            "Share of ROs whose truth visit kind is visit_kind.",
            _GROUPED | {"visit_kind"},
            frozenset({"visit_kind"}),
            _visit_kind_share,
        ),
        Metric(
            "comeback_rate",
            "share",
            "Share of ROs whose truth visit kind is comeback.",
            _GROUPED,
            _NONE,
            _comeback_rate,
        ),
        Metric(
            "concern_ro_share",
            "share",
            "Share of ROs with at least one job for the concern (a catalog component, service or "
            "recall key).",
            _GROUPED | {"concern"},
            frozenset({"concern"}),
            _concern_ro_share,
        ),
        Metric(
            "concern_per_vehicle_year",
            "ROs per vehicle-year",
            "ROs with at least one job for the concern per vehicle-year in service during the window "
            "(see visits_per_vehicle_year); the natural target for one component's failure rate, since "
            "other components' visits do not dilute it.",
            frozenset({"concern"}),
            frozenset({"concern"}),
            _concern_per_vehicle_year,
        ),
        Metric(
            "vehicle_age_at_visit",
            "years",
            "Mean vehicle age at the visit (truth vehicle_age_days / 365.25).",
            _GROUPED,
            _NONE,
            _age_at_visit,
        ),
        Metric(
            "odometer_at_visit",
            "miles",
            "Mean odometer_in at the visit.",
            _GROUPED,
            _NONE,
            _odometer_at_visit,
        ),
        Metric(
            "high_mileage_ro_share",
            "share",
            f"Share of ROs whose odometer_in is {HIGH_MILEAGE:,} miles or more.",
            _GROUPED,
            _NONE,
            _high_mileage_share,
        ),
        Metric(
            "annual_miles",
            "miles per year",
            "Miles a year that vehicles are driven, seen between their ROs: the odometer_in gained "
            "from each RO of a VIN to its next, summed, over the days between their opening dates, "
            "summed (each vehicle weighs by the time it is watched); with customer_kind, only pairs "
            "of ROs both of customers of that kind.",
            frozenset({"customer_kind"}),
            _NONE,
            _annual_miles,
        ),
        Metric(
            "oil_change_interval_miles",
            "miles",
            "Mean miles between consecutive ROs of a VIN that have an oil_change job (odometer_in "
            "to odometer_in); with customer_kind, only pairs of ROs both of customers of that kind.",
            frozenset({"customer_kind"}),
            _NONE,
            _oil_change_interval,
        ),
        Metric(
            "vehicle_age_in_operation",
            "years",
            "Mean age (since in-service) of the world's vehicles in service at the middle of the export "
            "window; customer_kind picks the owner's kind then (individual = privately owned, the "
            "S&P Global 12.8-year figure).",
            frozenset({"customer_kind"}),
            _NONE,
            _age_in_operation,
        ),
        Metric(
            "pii_spans_per_ro",
            "spans per RO",
            "Labelled PII spans per RO, optionally of one entity_type.",
            frozenset({"entity_type"}),
            _NONE,
            _pii_spans_per_ro,
        ),
        Metric(
            "shop_kinds_present",
            "kinds",
            "Number of shop kinds with at least one RO.",
            _NONE,
            _NONE,
            _present(_shop_kinds),
        ),
        Metric(
            "pay_types_present",
            "pay types",
            "Number of pay types with at least one job.",
            _NONE,
            _NONE,
            _present(_pay_types),
        ),
        Metric(
            "visit_kinds_present",
            "kinds",
            "Number of truth visit kinds with at least one RO.",
            _NONE,
            _NONE,
            _present(_visit_kinds),
        ),
        Metric(
            "archetypes_present",
            "archetypes",
            "Number of owner archetypes with at least one RO.",
            _NONE,
            _NONE,
            _present(_archetypes),
        ),
    )
}


def filter_problem(metric_name: str, filters: Mapping[str, str]) -> str | None:
    """Why these filters do not fit the metric (None when they do)."""
    metric = METRICS.get(metric_name)
    if metric is None:
        return f"unknown metric {metric_name!r}; expected one of: {', '.join(METRICS)}"
    extra = sorted(set(filters) - metric.filters)
    if extra:
        accepted = ", ".join(sorted(metric.filters)) or "none"
        return f"metric {metric_name} does not take {', '.join(extra)} (accepted filters: {accepted})"
    missing = sorted(metric.required - set(filters))
    if missing:
        return f"metric {metric_name} needs {', '.join(missing)}"
    for key, value in filters.items():
        allowed = FILTER_VALUES[key]
        if allowed is not None and value not in allowed:
            return f"{key} {value!r} is not one of {', '.join(allowed)}"
    return None


def measure(metric_name: str, data: MetricData, filters: Mapping[str, str] | None = None) -> float | None:
    filters = filters or {}
    problem = filter_problem(metric_name, filters)
    if problem:
        raise ValueError(problem)
    return METRICS[metric_name].compute(data, filters)
