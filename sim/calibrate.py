"""Simulation-based calibration: tune numeric scenario parameters until the targets are met.

Each evaluation runs the world of a *reduced* scenario in memory — every shard through
``world.world.build`` and the exporter's fan-out into a metrics sink (exporters.sinks.metrics),
nothing written to disk — and measures it with the same accumulator and metric registry as ``sim
report``. The reduction multiplies each region's ``private_vehicles`` and each fleet's ``vehicles``
by ``scale`` (fleets keep their minimum of 10); further shrinking (fewer submarkets, a shorter
warm-up or window) is up to the caller's ``--set`` overrides, which apply to the evaluated world
only. For failure rates, ``--set world.warmup_years=0`` with a longer window puts the whole cost
into exported years (the warm-up is simulated too); keep the warm-up when targets concern history
(ages, repeat visits). Every evaluation uses the same seed (common random numbers), so the objective
is a deterministic function of the parameters and two evaluations differ by the parameters' doing,
not by fresh draws. It is still a step function (counts of events), rough on a small world: the
measured metric needs a few hundred events behind it for a parameter to be pinned within ~10 %.

The objective is the sum over the scenario's targets of the squared relative error
((measured - expected) / expected)²; a metric that is undefined on the reduced world costs 1.
Parameters are searched in log space within [start / spread, start * spread]: one parameter by
bounded Brent (``minimize_scalar``), several by bounded Nelder-Mead. Because the measured
objective is rough, the search's lowest point is biased towards a lucky draw; so the last
evaluation of the budget goes to a refinement: each target's log(measured) is fitted linearly in
the log parameters over the distinct evaluations within a factor ``NEIGHBOURHOOD`` of the best, the
fitted objective is minimised near there, and the world is run once at that point, which becomes
the answer. At most ``budget`` evaluations in total.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize, minimize_scalar

from exporters.report.accumulator import MetricData, MetricsAccumulator
from exporters.report.targets import TargetResult, evaluate_targets, squared_error_sum
from exporters.ro_builder import kept_builder
from exporters.sinks import FanOut
from exporters.sinks.metrics import MetricsSink
from sim.scenario import Scenario, scenario_from_dict
from world.errors import UserError

MIN_FLEET_VEHICLES = 10
UNDEFINED_METRIC_PENALTY = 1.0
NEIGHBOURHOOD = 2.0  # the refinement fits evaluations within this factor of the best point
DISTINCT_LOG_STEP = 0.03  # evaluations closer than ~3 % in every parameter count once in the fit


@dataclass(frozen=True)
class Parameter:
    path: str  # dotted key path into the scenario, e.g. world.failure_rate_scale.battery
    start: float


@dataclass(frozen=True)
class Evaluation:
    number: int
    values: tuple[float, ...]
    objective: float
    results: tuple[TargetResult, ...]
    seconds: float


@dataclass(frozen=True)
class CalibrationOutcome:
    parameters: tuple[Parameter, ...]
    evaluations: tuple[Evaluation, ...]
    refined: Evaluation | None  # the run at the fitted optimum, when the budget and the data allowed one

    @property
    def lowest(self) -> Evaluation:
        return min(self.evaluations, key=lambda evaluation: (evaluation.objective, evaluation.number))

    @property
    def best(self) -> Evaluation:
        """The answer: the refined point when there is one, else the lowest evaluation."""
        return self.refined or self.lowest

    @property
    def first(self) -> Evaluation:
        return self.evaluations[0]


class _BudgetSpent(Exception):
    pass


def _walk(data: dict[str, Any], path: str, create: bool = False) -> tuple[Any, str]:
    """The container holding the path's last key, and that key; ``create`` adds missing mappings."""
    keys = path.split(".")
    node: Any = data
    for depth, key in enumerate(keys[:-1]):
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and isinstance(node.get(key), dict | list):
            node = node[key]
        elif create and isinstance(node, dict) and key not in node:
            node = node.setdefault(key, {})
        else:
            raise UserError(f"--param {path}: {'.'.join(keys[: depth + 1])} is not a section of the scenario")
    return node, keys[-1]


def get_value(data: dict[str, Any], path: str) -> Any:
    node, key = _walk(data, path)
    if isinstance(node, list):
        return node[int(key)] if key.isdigit() and int(key) < len(node) else None
    return node.get(key)


def set_value(data: dict[str, Any], path: str, value: float, create: bool = False) -> None:
    node, key = _walk(data, path, create)
    if isinstance(node, list):
        node[int(key)] = value
    else:
        node[key] = value


def parse_parameter(text: str, resolved: dict[str, Any]) -> Parameter:
    """``key.path`` or ``key.path=START``; the start defaults to the scenario's resolved value."""
    path, sep, raw = text.partition("=")
    current = get_value(resolved, path)
    # Only real-valued settings: the search moves continuously, which an integer, a decimal written
    # as text (tax rates) or a section of the scenario cannot follow.
    if current is not None and type(current) is not float:
        raise UserError(
            f"--param {path} is not tunable: calibrate searches real-valued rates and scales, "
            f"and this value is {_kind(current)}"
        )
    if sep:
        try:
            start = float(raw)
        except ValueError:
            raise UserError(f"--param {text}: the start value {raw!r} is not a number") from None
    elif current is None:
        raise UserError(f"--param {path}: not set in the scenario; give a start value, e.g. {path}=1.0")
    else:
        start = float(current)
    if not start > 0 or not math.isfinite(start):
        raise UserError(f"--param {path}: calibration searches positive values, the start is {start}")
    return Parameter(path, start)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a section"
    if isinstance(value, list):
        return "a list"
    described = {bool: "yes or no", int: "a whole number", str: "written as text"}.get(
        type(value), "not a number"
    )
    return f"{described} ({value!r})"


def reduce_world(resolved: dict[str, Any], scale: float) -> dict[str, Any]:
    """A copy of the resolved scenario with fewer private and fleet vehicles (see module docstring)."""
    if not 0 < scale <= 1:
        raise UserError(f"--scale: expected a factor in (0, 1], found {scale}")
    reduced = copy.deepcopy(resolved)
    for region in reduced["world"]["regions"]:
        region["private_vehicles"] = max(1, round(region["private_vehicles"] * scale))
        for fleet in region["fleets"]:
            fleet["vehicles"] = max(MIN_FLEET_VEHICLES, round(fleet["vehicles"] * scale))
    return reduced


def measure_world(scenario: Scenario, seed: int) -> MetricData:
    """Run every shard of the scenario in memory and measure its ROs like ``sim report`` would."""
    from world.shards import plan_shards
    from world.world import build

    accumulator = MetricsAccumulator(scenario.start, scenario.end)
    builder = kept_builder(scenario.export)
    for shard in plan_shards(scenario.world):
        world = build(scenario, seed, shard)
        measure = FanOut(builder, [MetricsSink(accumulator)])
        for visit in world.run():
            measure.add(visit)
        measure.finish(world.ledger())
    return accumulator.finish()


def calibrate(
    evaluated: dict[str, Any],
    seed: int,
    parameters: Sequence[Parameter],
    budget: int,
    spread: float = 4.0,
    on_evaluation: Callable[[Evaluation], None] | None = None,
) -> CalibrationOutcome:
    """Minimise the targets' squared relative errors over ``parameters`` on the ``evaluated`` world
    (a resolved scenario dict, already reduced); at most ``budget`` world runs."""
    if budget < 1:
        raise UserError(f"--budget: expected at least 1 evaluation, found {budget}")
    if not (math.isfinite(spread) and spread > 1):
        raise UserError(f"--spread: expected a finite factor above 1, found {spread}")
    if not parameters:
        raise UserError("name at least one --param to calibrate")
    if not evaluated.get("targets"):
        raise UserError("the scenario declares no targets: add a targets: section to calibrate against")
    evaluations: list[Evaluation] = []
    cache: dict[tuple[float, ...], float] = {}
    refine = budget >= len(parameters) + 3
    allowance = [budget - 1 if refine else budget]

    def objective(logs: Sequence[float]) -> float:
        values = tuple(float(math.exp(log)) for log in logs)
        key = tuple(round(value, 12) for value in values)
        if key in cache:
            return cache[key]
        if len(evaluations) >= allowance[0]:
            raise _BudgetSpent
        began = time.perf_counter()
        data = copy.deepcopy(evaluated)
        for parameter, value in zip(parameters, values, strict=True):
            set_value(data, parameter.path, value)
        scenario = scenario_from_dict(data, source="calibrated scenario")
        results = tuple(evaluate_targets(scenario.targets, measure_world(scenario, seed)))
        cost = squared_error_sum(results, UNDEFINED_METRIC_PENALTY)
        evaluation = Evaluation(len(evaluations) + 1, values, cost, results, time.perf_counter() - began)
        evaluations.append(evaluation)
        cache[key] = cost
        if on_evaluation is not None:
            on_evaluation(evaluation)
        return cost

    starts = [math.log(parameter.start) for parameter in parameters]
    bounds = [(log - math.log(spread), log + math.log(spread)) for log in starts]
    try:
        objective(starts)
        if len(parameters) == 1:
            minimize_scalar(
                lambda log: objective([log]),
                bounds=bounds[0],
                method="bounded",
                options={"maxiter": budget, "xatol": 1e-3},
            )
        else:
            step = math.log(1.5)
            simplex = [starts] + [
                [log + (step if index == axis else 0.0) for index, log in enumerate(starts)]
                for axis in range(len(starts))
            ]
            minimize(
                objective,
                starts,
                method="Nelder-Mead",
                bounds=bounds,
                options={"maxfev": budget, "initial_simplex": simplex, "xatol": 1e-3, "fatol": 1e-8},
            )
    except _BudgetSpent:
        pass
    point = _fitted_optimum(evaluations, bounds) if refine else None
    refined = None
    if point is not None:
        allowance[0] = budget
        objective(point)
        key = tuple(round(float(math.exp(log)), 12) for log in point)
        refined = next(e for e in evaluations if tuple(round(v, 12) for v in e.values) == key)
    return CalibrationOutcome(tuple(parameters), tuple(evaluations), refined)


def _fitted_optimum(
    evaluations: Sequence[Evaluation], bounds: Sequence[tuple[float, float]]
) -> list[float] | None:
    """Minimum of the log-log linear fit of each target around the best evaluation (None: too few points)."""
    lowest = min(evaluations, key=lambda evaluation: (evaluation.objective, evaluation.number))
    centre = np.log(lowest.values)
    radius = math.log(NEIGHBOURHOOD)
    distinct: list[Evaluation] = []
    for evaluation in sorted(evaluations, key=lambda e: float(np.abs(np.log(e.values) - centre).max())):
        logs = np.log(evaluation.values)
        if np.abs(logs - centre).max() > radius:
            continue
        if any(result.measured is None or result.measured <= 0 for result in evaluation.results):
            continue
        if all(np.abs(logs - np.log(other.values)).max() >= DISTINCT_LOG_STEP for other in distinct):
            distinct.append(evaluation)
    if len(distinct) < len(centre) + 2:
        return None
    design = np.column_stack([np.ones(len(distinct)), np.log([e.values for e in distinct])])
    targets = [result.target.value for result in lowest.results]
    fits = [
        np.linalg.lstsq(design, np.log([e.results[index].measured for e in distinct]), rcond=None)[0]
        for index in range(len(targets))
    ]

    def fitted_objective(logs: np.ndarray) -> float:
        return sum(
            ((math.exp(fit[0] + float(fit[1:] @ logs)) - value) / value) ** 2
            for fit, value in zip(fits, targets, strict=True)
        )

    box = [
        (max(low, mid - radius), min(high, mid + radius))
        for (low, high), mid in zip(bounds, centre, strict=True)
    ]
    result = minimize(fitted_objective, centre, method="L-BFGS-B", bounds=box)
    return [float(log) for log in result.x]


def tuned_scenario_text(original: dict[str, Any], outcome: CalibrationOutcome, header: Sequence[str]) -> str:
    """The scenario file as given, with the best values found, under a comment header."""
    import yaml

    tuned = copy.deepcopy(original)
    for parameter, value in zip(outcome.parameters, outcome.best.values, strict=True):
        set_value(tuned, parameter.path, float(f"{value:.6g}"), create=True)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comment + yaml.safe_dump(tuned, sort_keys=False, allow_unicode=True, width=110)
