"""``python -m sim calibrate SCENARIO --seed N --param key.path ...``: tune rates to meet the targets."""

from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
import tempfile
from pathlib import Path

import yaml

from sim import arguments
from world.errors import UserError

DEFAULT_SCALE = 0.25
DEFAULT_BUDGET = 20
DEFAULT_SPREAD = 4.0


def _number(text: str, kind: type[int] | type[float], holds, expected: str) -> int | float:
    """``text`` as a finite number that ``holds``; else argparse's usage error, before any work."""
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, found {text!r}") from None
    if not (math.isfinite(value) and holds(value)):
        raise argparse.ArgumentTypeError(f"expected {expected}, found {text!r}")
    return value


def _budget(text: str) -> int:
    return _number(text, int, lambda value: value >= 1, "a whole number of evaluations, at least 1")


def _scale(text: str) -> float:
    return _number(text, float, lambda value: 0 < value <= 1, "a factor in (0, 1]")


def _spread(text: str) -> float:
    return _number(text, float, lambda value: value > 1, "a finite factor above 1")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "calibrate",
        help="tune numeric scenario parameters until the scenario's targets are met",
        description="Simulation-based optimisation (scipy.optimize) of the named numeric parameters "
        "against the scenario's targets: each evaluation runs a reduced world in memory with the same seed "
        "(common random numbers) and scores the sum of squared relative errors. Prints one line per "
        "evaluation and writes the tuned scenario (the file as given, plus the best values) with a "
        "header of the achieved errors.",
    )
    parser.add_argument("scenario", type=Path, help="scenario YAML file with a targets: section")
    parser.add_argument(
        "--seed", type=arguments.seed, required=True, help="the seed of every evaluation, from 0 to 2**64 - 1"
    )
    parser.add_argument(
        "--param",
        dest="params",
        action="append",
        required=True,
        metavar="KEY.PATH[=START]",
        help="a numeric scenario value to tune, e.g. world.comeback_scale or "
        "world.failure_rate_scale.battery=1.0 (START when the scenario leaves it unset); "
        "repeatable",
    )
    parser.add_argument(
        "--budget",
        type=_budget,
        default=DEFAULT_BUDGET,
        metavar="K",
        help=f"at most K world evaluations (default {DEFAULT_BUDGET})",
    )
    parser.add_argument(
        "--scale",
        type=_scale,
        default=DEFAULT_SCALE,
        help="reduce the evaluated world: private and fleet vehicles times this factor "
        f"(default {DEFAULT_SCALE})",
    )
    parser.add_argument(
        "--spread",
        type=_spread,
        default=DEFAULT_SPREAD,
        help=f"search each parameter within [start / spread, start * spread] (default {DEFAULT_SPREAD})",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a value of the evaluated world only (shrink it further, e.g. "
        "--set world.warmup_years=0.5); not written to the tuned scenario",
    )
    parser.add_argument(
        "--out", type=Path, help="tuned scenario file (default: <scenario>-calibrated.yaml beside it)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.calibrate import (
        Evaluation,
        calibrate,
        parse_parameter,
        reduce_world,
        tuned_scenario_text,
    )
    from sim.extras import require_for_scenario
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    require_for_scenario(scenario)
    resolved = scenario.model_dump(mode="json")
    original = yaml.safe_load(args.scenario.read_text(encoding="utf-8"))  # readable: load_scenario read it
    parameters = [parse_parameter(text, resolved) for text in args.params]
    evaluated = reduce_world(resolved, args.scale)
    out = args.out or args.scenario.with_name(f"{args.scenario.stem}-calibrated.yaml")
    _check_writable(out)
    names = [parameter.path.rsplit(".", 1)[-1] for parameter in parameters]

    def progress(evaluation: Evaluation) -> None:
        values = "  ".join(
            f"{name}={value:.4g}" for name, value in zip(names, evaluation.values, strict=True)
        )
        passed = sum(result.passed for result in evaluation.results)
        print(
            f"eval {evaluation.number:>3}/{args.budget}  {values}  objective={evaluation.objective:.5g}  "
            f"targets met {passed}/{len(evaluation.results)}  ({evaluation.seconds:.1f} s)",
            flush=True,
        )

    outcome = calibrate(evaluated, args.seed, parameters, args.budget, args.spread, progress)
    header = _header(args, outcome)
    text = tuned_scenario_text(original, outcome, header)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        # Writable when the run began, not now (disk full, folder removed): keep the result on stdout.
        sys.stdout.write(text)
        raise UserError(
            f"--out {out}: cannot write ({error.strerror}); the tuned scenario is printed above"
        ) from None
    print("\n".join(header))
    print(f"tuned scenario: {out}")
    return 0


def _check_writable(out: Path) -> None:
    """Refuse an --out that cannot be written before the first evaluation, not after the last."""
    if out.is_dir():
        raise UserError(f"--out {out}: is a folder; name the tuned scenario file")
    try:
        with tempfile.TemporaryFile(dir=out.parent):
            pass
    except OSError as error:
        raise UserError(f"--out {out}: cannot write into {out.parent} ({error.strerror})") from None
    if out.exists() and not os.access(out, os.W_OK):
        raise UserError(f"--out {out}: the file is read-only")


def _header(args: argparse.Namespace, outcome) -> list[str]:
    from exporters.report.page import format_value

    best, first = outcome.best, outcome.first
    command = ["python", "-m", "sim", "calibrate", str(args.scenario), "--seed", str(args.seed)]
    for text in args.params:
        command += ["--param", text]
    command += ["--budget", str(args.budget), "--scale", str(args.scale), "--spread", str(args.spread)]
    for text in args.overrides:
        command += ["--set", text]
    lines = [
        f"Calibrated from {args.scenario} by: {shlex.join(command)}",
        f"{len(outcome.evaluations)} evaluations of a reduced world (vehicles x {args.scale}), "
        f"seed {args.seed} in every one (common random numbers).",
    ]
    for parameter, value in zip(outcome.parameters, best.values, strict=True):
        lines.append(f"{parameter.path}: {parameter.start:.6g} -> {value:.6g}")
    how = "the refinement on a log-log fit" if outcome.refined else "the lowest found"
    lines.append(
        f"sum of squared relative errors: {first.objective:.5g} at the start -> {best.objective:.5g} "
        f"(evaluation {best.number}, {how})"
    )
    lines.append("achieved on the reduced world:")
    for result in best.results:
        error = result.relative_error
        lines.append(
            f"  {result.target.label()}: expected {format_value(result.target.value)}, "
            f"measured {format_value(result.measured)}, "
            f"error {'n/a' if error is None else f'{error:+.1%}'} "
            f"(tolerance {result.target.tolerance:.0%}) {'pass' if result.passed else 'FAIL'}"
        )
    return lines
