"""The scenario's ``targets:``: what the data should look like, and how far it may be off.

A target names a metric of ``exporters.report.registry.METRICS``, the filters it needs, the value
expected, a relative tolerance and a one-line source. ``sim report`` tabulates targets against
the dataset (``--check`` fails on a miss) and ``sim calibrate`` minimises their squared relative
errors. Example::

    targets:
      - {metric: mean_ro_value, shop_kind: dealer, pay_type: customer, value: 311, tolerance: 0.25,
         source: "NADA Data 2019: average customer-pay RO at dealerships $311"}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from exporters.report.accumulator import MetricData
from exporters.report.registry import FILTER_VALUES, filter_problem, measure


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    metric: str = Field(description="Metric name from the registry (exporters.report.registry.METRICS).")
    value: float = Field(gt=0, description="Expected value, in the metric's unit.")
    tolerance: float = Field(gt=0, le=10, description="Allowed relative error |measured - value| / value.")
    shop_kind: str | None = Field(None, description="Only ROs of shops of this kind.")
    customer_kind: str | None = Field(None, description="Only ROs (or vehicles) of customers of this kind.")
    pay_type: str | None = Field(None, description="The pay type the metric measures, where it takes one.")
    visit_kind: str | None = Field(None, description="The truth visit kind, for visit_kind_share.")
    concern: str | None = Field(None, min_length=1, description="A job concern key, for concern_ro_share.")
    entity_type: str | None = Field(
        None, min_length=1, description="A PII entity type, for pii_spans_per_ro."
    )
    source: str = Field(min_length=1, description="One line: where the value comes from, or why.")

    @model_validator(mode="after")
    def _fits_the_metric(self) -> Target:
        problem = filter_problem(self.metric, self.filters())
        if problem:
            raise ValueError(problem)
        return self

    def filters(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in FILTER_VALUES if getattr(self, key) is not None}

    def label(self) -> str:
        filters = self.filters()
        if not filters:
            return self.metric
        return f"{self.metric}[{', '.join(f'{key}={value}' for key, value in filters.items())}]"


@dataclass(frozen=True)
class TargetResult:
    target: Target
    measured: float | None  # None: the metric is undefined for this data (no matching ROs)

    @property
    def relative_error(self) -> float | None:
        if self.measured is None:
            return None
        return (self.measured - self.target.value) / self.target.value

    @property
    def passed(self) -> bool:
        error = self.relative_error
        return error is not None and abs(error) <= self.target.tolerance

    def as_json(self) -> dict[str, Any]:
        """The target with what was measured, as the manifest lists it."""
        target = self.target
        return {
            "target": target.label(),
            "metric": target.metric,
            "filters": target.filters(),
            "value": target.value,
            "tolerance": target.tolerance,
            "measured": self.measured,
            "relative_error": self.relative_error,
            "passed": self.passed,
            "source": target.source,
        }


def evaluate_targets(targets: Sequence[Target], data: MetricData) -> list[TargetResult]:
    return [TargetResult(target, measure(target.metric, data, target.filters())) for target in targets]


def squared_error_sum(results: Sequence[TargetResult], undefined_penalty: float = 1.0) -> float:
    """Calibration objective: the sum of squared relative errors; an undefined metric costs the penalty."""
    return sum(
        undefined_penalty if result.relative_error is None else result.relative_error**2 for result in results
    )
