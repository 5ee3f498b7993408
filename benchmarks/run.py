"""The benchmark harness of issues 6 and 16: throughput, cost per stage, memory, validator, scale and a
naive baseline.

    python benchmarks/run.py [--quick] [--repeats N] [--out FILE]

Everything is measured in one run on one machine, so the ratios compare like with like: end-to-end
ROs/s of ``sim run scenarios/fleet.yaml`` with 1 and 2 workers, the cost per stage from cProfile over
one in-process shard, peak RSS and its growth with simulated years and with vehicles, the
validator's ROs/s, the wall time of ``sim run scenarios/metro.yaml --workers 2`` (over a million
ROs), and benchmarks/naive_baseline.py (Faker for every record, no world, no validation). Timed
figures are medians of --repeats runs, each a fresh process timed from start to exit. ``--quick``
shrinks every configuration so that the whole harness takes seconds; the full harness takes about
half an hour, most of it the metro runs.
Prints a table and writes benchmarks/results.json (or --out).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.scenario import Scenario, load_scenario  # noqa: E402
from sim.shard_job import run_shard  # noqa: E402
from world.config import FleetAccountConfig  # noqa: E402
from world.errors import UserError  # noqa: E402
from world.shards import plan_shards  # noqa: E402

SCENARIO = ROOT / "scenarios" / "fleet.yaml"
METRO = ROOT / "scenarios" / "metro.yaml"
BASELINE = ROOT / "benchmarks" / "naive_baseline.py"
DEFAULT_OUT = ROOT / "benchmarks" / "results.json"
SEED = 42
VEHICLE_SCALE = 4
# The scenario's own lower bound on a fleet account: a memory base below it would be rejected.
MIN_FLEET_VEHICLES = next(
    rule.ge for rule in FleetAccountConfig.model_fields["vehicles"].metadata if hasattr(rule, "ge")
)

# Each stage owns the project modules named here (a package name covers its submodules); time in
# libraries and builtins is charged to the stages of their callers, except orjson.dumps, which is
# serialization wherever it is called.
# fmt: off
STAGE_MODULES = {
    "simulation": ("world",),
    "build_validation": ("exporters.pricing", "exporters.part_prices", "exporters.ro_builder",
                         "exporters.models", "exporters.rules", "exporters.line_rules",
                         "exporters.violation", "exporters.formats", "exporters.config",
                         "exporters.validation", "exporters.contract", "exporters.json_schema"),
    "narratives_pii": ("exporters.narrative", "exporters.templates", "exporters.phrase_choices",
                       "exporters.writing", "exporters.pii", "exporters.pii_surface",
                       "exporters.pii_phrasing"),
    "serialization_writing": ("exporters.writers", "exporters.shard_writer", "exporters.sinks",
                              "exporters.truth", "exporters.summary", "exporters.manifest",
                              # the summary sink's metric counters
                              "exporters.report.accumulator", "exporters.report.registry",
                              "exporters.report.targets"),
}
# fmt: on
OTHER_STAGE = "other"  # run_shard's own loop, receipts, and project code outside the four stages
SERIALIZER_BUILTINS = ("orjson.dumps",)
FIXED_POINT_SWEEPS = 200


@dataclass(frozen=True)
class Plan:
    """How big each measured configuration is."""

    shared: tuple[str, ...]  # --set overrides of every roworld run
    end_to_end: tuple[str, ...]  # --set overrides of the throughput runs
    memory_fraction: float  # memory base population, as a fraction of one fleet.yaml submarket's
    years: tuple[int, int]  # simulated export years compared for memory growth
    baseline_count: int  # ROs the naive baseline writes
    metro_private_vehicles: int | None  # per submarket of every metro region; None: as shipped


FULL_PLAN = Plan(
    shared=(),
    end_to_end=(),
    memory_fraction=0.25,
    years=(5, 10),
    baseline_count=20_000,
    metro_private_vehicles=None,
)
QUICK_PLAN = Plan(
    shared=("world.warmup_years=0.5",),
    end_to_end=(
        "world.regions.0.private_vehicles=40",
        "world.regions.0.fleets.0.vehicles=10",
        "world.regions.0.fleets.1.vehicles=10",
        "start=2024-07-01",
    ),
    memory_fraction=0.04,
    years=(1, 2),
    baseline_count=500,
    metro_private_vehicles=40,
)


class BenchmarkError(Exception):
    """A measured command failed; the message carries its command line and the end of its stderr."""


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    peak_rss_kb: int
    exit_code: int


def run_child(command: list[str], allowed_exit_codes: tuple[int, ...] = (0,)) -> ChildRun:
    with tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
        # wait4 gives this child's own peak RSS; RUSAGE_CHILDREN would be the maximum over every
        # child the harness has waited for so far.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in allowed_exit_codes:
            errors.seek(0)
            tail = errors.read().decode("utf-8", errors="replace")[-3000:]
            raise BenchmarkError(f"{' '.join(command)}\nexited with {process.returncode}:\n{tail}")
    return ChildRun(seconds, usage.ru_maxrss, process.returncode)


def sim_run_command(
    out: Path, workers: int, overrides: tuple[str, ...], scenario: Path = SCENARIO
) -> list[str]:
    command = [sys.executable, "-m", "sim", "run", str(scenario), "--seed", str(SEED), "--quiet", "--force"]
    command += ["--out", str(out), "--workers", str(workers)]
    for override in overrides:
        command += ["--set", override]
    return command


def dataset_counts(dataset: Path) -> tuple[int, int]:
    """(ROs, vehicles in the world's ledger) from the dataset's manifest."""
    manifest = json.loads((dataset / "manifest.json").read_text(encoding="utf-8"))
    vehicles = sum(entry["records"] for entry in manifest["files"] if entry["role"] == "truth_vehicles")
    return manifest["summaries"]["ro_count"], vehicles


def metro_overrides(plan: Plan) -> tuple[str, ...]:
    """The metro as shipped, or (quick) every region shrunk to a few vehicles per submarket."""
    if plan.metro_private_vehicles is None:
        return ()
    settings = list(plan.shared) + ["start=2024-07-01"]
    for index, region in enumerate(load_scenario(METRO).world.regions):
        settings.append(f"world.regions.{index}.private_vehicles={plan.metro_private_vehicles}")
        settings += [
            f"world.regions.{index}.fleets.{i}.vehicles={MIN_FLEET_VEHICLES}"
            for i in range(len(region.fleets))
        ]
    return tuple(settings)


def memory_configurations(plan: Plan, scenario: Scenario) -> dict[str, tuple[tuple[str, ...], int]]:
    """Name -> (overrides, vehicle population) of the memory runs, each one shard in one process.

    One submarket holds every vehicle, so the shard's peak RSS is the whole population's; with
    several submarkets a 1-worker run holds one shard at a time and the per-vehicle cost would read
    a submarket-count times too small.
    """
    region = scenario.world.regions[0]
    private = round(region.private_vehicles * plan.memory_fraction)
    fleets = [
        max(MIN_FLEET_VEHICLES, round(fleet.vehicles * plan.memory_fraction)) for fleet in region.fleets
    ]

    def overrides(scale: int, years: int) -> tuple[tuple[str, ...], int]:
        end = scenario.end
        settings = [
            "world.regions.0.submarkets=1",
            f"world.regions.0.private_vehicles={private * scale}",
            *(f"world.regions.0.fleets.{i}.vehicles={size * scale}" for i, size in enumerate(fleets)),
            f"start={date(end.year - years, end.month, end.day).isoformat()}",
        ]
        return plan.shared + tuple(settings), (private + sum(fleets)) * scale

    short, long = plan.years
    return {
        "base": overrides(1, short),
        "vehicles_x4": overrides(VEHICLE_SCALE, short),
        "vehicles_x4_long": overrides(VEHICLE_SCALE, long),
    }


def stage_of_module(filename: str, source_root: Path) -> str | None:
    """The stage owning a project file, OTHER_STAGE for other project files, None outside the project."""
    path = Path(filename)
    if not path.is_absolute() or not path.is_relative_to(source_root):
        return None
    module = ".".join(path.relative_to(source_root).with_suffix("").parts)
    if module.split(".")[0] not in ("sim", "world", "exporters"):
        return None
    for stage, prefixes in STAGE_MODULES.items():
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return stage
    return OTHER_STAGE


def stage_seconds(stats: dict, source_root: Path) -> dict[str, float]:
    """Each function's own time, charged to its stage, or shared among its callers' stages.

    A library function's share of each stage is the caller-time-weighted mean of its callers'
    shares. Library code calls itself in cycles (a YAML parser, SimPy's event loop), so the shares
    are solved by sweeping to a fixed point; whatever reaches no project caller is OTHER_STAGE.
    """
    stages = [*STAGE_MODULES, OTHER_STAGE]
    shares: dict[tuple, list[float]] = {}
    floating: dict[tuple, list[tuple[tuple, float]]] = {}
    for function, (_, _, _, _, callers) in stats.items():
        filename, _, name = function
        stage = stage_of_module(filename, source_root)
        if stage is None and any(serializer in name for serializer in SERIALIZER_BUILTINS):
            stage = "serialization_writing"
        edges = [
            (caller, edge[3]) for caller, edge in callers.items() if caller != function and caller in stats
        ]
        if stage is None and not any(weight > 0 for _, weight in edges):
            stage = OTHER_STAGE
        shares[function] = [float(s == stage) for s in stages]
        if stage is None:
            floating[function] = edges
    for _ in range(FIXED_POINT_SWEEPS):
        change = 0.0
        for function, edges in floating.items():
            total = sum(weight for _, weight in edges)
            new = [
                sum(weight * shares[caller][i] for caller, weight in edges) / total
                for i in range(len(stages))
            ]
            change = max(change, max(abs(a - b) for a, b in zip(new, shares[function], strict=True)))
            shares[function] = new
        if change < 1e-9:
            break

    totals = dict.fromkeys(stages, 0.0)
    for function, (_, _, own_seconds, _, _) in stats.items():
        vector = shares[function]
        for stage, share in zip(stages, vector, strict=True):
            totals[stage] += own_seconds * share
        totals[OTHER_STAGE] += own_seconds * max(0.0, 1.0 - sum(vector))
    return totals


def profile_stages(plan: Plan, work: Path) -> dict:
    scenario = load_scenario(SCENARIO, plan.shared + plan.end_to_end)
    shard = plan_shards(scenario.world)[0]
    profiler = cProfile.Profile()
    profiler.enable()
    result = run_shard(scenario, SEED, shard, work / "profiled-shard", ("jsonl",))
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    seconds = stage_seconds(stats, ROOT)
    total = sum(seconds.values())
    ro_count = max(result.ro_count, 1)
    top = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:12]
    return {
        "method": "cProfile over one in-process shard; a function's own time goes to the stage of its "
        "module, library and builtin time to its callers' stages in proportion to the time each "
        "caller spent in it; orjson.dumps is serialization. Shares are of profiled time (the "
        "profiler inflates call-heavy Python code).",
        "shard": shard.key,
        "ro_count": result.ro_count,
        "profiled_seconds": round(total, 3),
        "share": {stage: round(s / total, 4) for stage, s in seconds.items()},
        "profiled_us_per_ro": {stage: round(s / ro_count * 1e6, 1) for stage, s in seconds.items()},
        "top_functions_own_seconds": [
            {"function": f"{Path(f[0]).name}:{f[1]}({f[2]})", "seconds": round(v[2], 3)} for f, v in top
        ],
    }


def timing(runs: list[ChildRun], records: int) -> dict:
    """Each run's seconds and the records per second of their median."""
    seconds = [run.seconds for run in runs]
    return {
        "seconds": [round(s, 3) for s in seconds],
        "ros_per_s": round(records / statistics.median(seconds)),
    }


def median_rss(runs: list[ChildRun]) -> int:
    return round(statistics.median(run.peak_rss_kb for run in runs))


def run_repeats(plan: Plan, repeats: int, work: Path, memory: dict) -> dict[str, list[ChildRun]]:
    metro = sim_run_command(work / "metro", 2, metro_overrides(plan), METRO)
    end_to_end = plan.shared + plan.end_to_end
    baseline = [sys.executable, str(BASELINE), "--out", str(work / "baseline.jsonl")]
    baseline += ["--count", str(plan.baseline_count), "--seed", str(SEED)]
    runs: dict[str, list[ChildRun]] = {
        name: [] for name in ("w1", "validator", "w2", "baseline", "metro", *memory)
    }
    # Repeats interleave every measure, so a change of machine load touches all of them alike.
    for _ in range(repeats):
        runs["w1"].append(run_child(sim_run_command(work / "w1", 1, end_to_end)))
        validate = [sys.executable, "-m", "sim", "validate", str(work / "w1")]
        runs["validator"].append(run_child(validate, allowed_exit_codes=(0, 1)))
        runs["w2"].append(run_child(sim_run_command(work / "w2", 2, end_to_end)))
        runs["baseline"].append(run_child(baseline))
        runs["metro"].append(run_child(metro))
        for name, (overrides, _) in memory.items():
            runs[name].append(run_child(sim_run_command(work / name, 1, overrides)))
    return runs


def memory_growth(plan: Plan, work: Path, memory: dict, runs: dict[str, list[ChildRun]]) -> dict:
    rows = {}
    for name, (overrides, population) in memory.items():
        ro_count, ledger_vehicles = dataset_counts(work / name)
        rows[name] = {
            "overrides": list(overrides),
            "vehicle_population": population,
            "ledger_vehicles": ledger_vehicles,
            "ro_count": ro_count,
            "peak_rss_kb": median_rss(runs[name]),
        }
    base, wide, long = rows["base"], rows["vehicles_x4"], rows["vehicles_x4_long"]
    added_kb = wide["peak_rss_kb"] - base["peak_rss_kb"]
    slope = added_kb / (wide["vehicle_population"] - base["vehicle_population"])
    return {
        "method": "peak RSS (wait4 ru_maxrss) of `sim run --workers 1`; growth runs are one submarket",
        "peak_rss_kb_1_worker": median_rss(runs["w1"]),
        "runs": rows,
        "years": list(plan.years),
        "ratio_long_to_short_years": round(long["peak_rss_kb"] / wide["peak_rss_kb"], 3),
        "ratio_x4_vehicles": round(wide["peak_rss_kb"] / base["peak_rss_kb"], 3),
        "kb_per_vehicle": round(slope, 3),
        "base_kb": round(base["peak_rss_kb"] - slope * base["vehicle_population"]),
    }


def measure(plan: Plan, repeats: int, work: Path) -> dict:
    load_average_start = os.getloadavg()
    memory = memory_configurations(plan, load_scenario(SCENARIO, plan.shared))
    runs = run_repeats(plan, repeats, work, memory)
    ro_count, _ = dataset_counts(work / "w1")
    one_worker, two_workers = timing(runs["w1"], ro_count), timing(runs["w2"], ro_count)
    baseline = timing(runs["baseline"], plan.baseline_count)
    return {
        "machine": {
            "nproc": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_start": [round(value, 2) for value in load_average_start],
            "load_average_end": [round(value, 2) for value in os.getloadavg()],
        },
        "config": dict(
            scenario=str(SCENARIO.relative_to(ROOT)),
            seed=SEED,
            repeats=repeats,
            overrides=list(plan.shared + plan.end_to_end),
            figures="medians of the repeats",
        ),
        "end_to_end": {
            "ro_count": ro_count,
            "timing": "wall time of the whole command, interpreter start-up included",
            "workers_1": one_worker,
            "workers_2": two_workers,
            "ratio_2w_1w": round(two_workers["ros_per_s"] / one_worker["ros_per_s"], 3),
        },
        "baseline": {
            "ro_count": plan.baseline_count,
            **baseline,
            "ratio_1w_to_baseline": round(one_worker["ros_per_s"] / baseline["ros_per_s"], 3),
        },
        "validator": {
            "ro_count": ro_count,
            **timing(runs["validator"], ro_count),
            "dataset_clean": all(run.exit_code == 0 for run in runs["validator"]),
        },
        "metro": {
            "ro_count": dataset_counts(work / "metro")[0],
            "workers": 2,
            "overrides": list(metro_overrides(plan)),
            "seconds": [round(run.seconds, 3) for run in runs["metro"]],
            "median_seconds": round(statistics.median(run.seconds for run in runs["metro"]), 3),
        },
        "memory": memory_growth(plan, work, memory, runs),
        "stages": profile_stages(plan, work),
    }


# (measure, section and key of results, comparison, bound): issue 16's targets, printed beside the
# figures, never asserted.
TARGETS = (
    ("1 worker / naive baseline", "baseline", "ratio_1w_to_baseline", ">=", 10.0),
    ("2 workers / 1 worker", "end_to_end", "ratio_2w_1w", ">=", 1.85),
    ("peak RSS {long}y / {short}y", "memory", "ratio_long_to_short_years", "<=", 1.2),
    ("KB per vehicle above base", "memory", "kb_per_vehicle", "<=", 4.0),
    ("validator ROs/s", "validator", "ros_per_s", ">=", 50_000),
    ("metro.yaml, 2 workers, seconds", "metro", "median_seconds", "<=", 60.0),
)


def targets(results: dict) -> list[dict]:
    short, long = results["memory"]["years"]
    rows = []
    for name, section, key, comparison, bound in TARGETS:
        value = results[section][key]
        met = value >= bound if comparison == ">=" else value <= bound
        target = f"{comparison} {bound:g}"
        rows.append(dict(measure=name.format(short=short, long=long), value=value, target=target, met=met))
    return rows


def table(results: dict) -> str:
    machine, e2e, memory, stages = (results[key] for key in ("machine", "end_to_end", "memory", "stages"))
    lines = [
        f"roworld benchmarks: {results['config']['scenario']}, seed {SEED}, "
        f"median of {results['config']['repeats']} runs",
        f"machine: {machine['nproc']} cpus, Python {machine['python']}, load average "
        f"{machine['load_average_start'][0]} at start, {machine['load_average_end'][0]} at end",
        "",
        f"{'end-to-end, 1 worker':36}{e2e['workers_1']['ros_per_s']:>12,} ROs/s  ({e2e['ro_count']:,} ROs)",
        f"{'end-to-end, 2 workers':36}{e2e['workers_2']['ros_per_s']:>12,} ROs/s",
        f"{'naive Faker baseline':36}{results['baseline']['ros_per_s']:>12,} ROs/s",
        f"{'validator':36}{results['validator']['ros_per_s']:>12,} ROs/s  "
        f"(dataset clean: {results['validator']['dataset_clean']})",
        f"{'metro.yaml, 2 workers':36}{results['metro']['median_seconds']:>12,.1f} s      "
        f"({results['metro']['ro_count']:,} ROs)",
        f"{'peak RSS, 1 worker':36}{memory['peak_rss_kb_1_worker'] / 1024:>12,.1f} MB",
        f"{'peak RSS x4 vehicles / x1':36}{memory['ratio_x4_vehicles']:>12.3f}",
        f"{'fixed base of the RSS fit':36}{memory['base_kb'] / 1024:>12,.1f} MB",
        "",
        "cost per stage (cProfile of one shard): share of profiled time, profiled µs per RO",
    ]
    for stage, share in stages["share"].items():
        lines.append(
            f"  {stage:34}{share * 100:>11.1f} %  {stages['profiled_us_per_ro'][stage]:>10,.1f} µs/RO"
        )
    lines += ["", f"{'target':36}{'measured':>12}  {'wanted':>10}"]
    for row in results["targets"]:
        verdict = "met" if row["met"] else "NOT MET"
        value = f"{row['value']:>12,.3f}" if isinstance(row["value"], float) else f"{row['value']:>12,}"
        lines.append(f"{row['measure']:36}{value}  {row['target']:>10}  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny configurations, 1 run: seconds")
    parser.add_argument("--repeats", type=int, help="runs per timed figure (default 3; 1 with --quick)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON (default %(default)s)")
    args = parser.parse_args(argv)
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 3)
    if repeats < 1:
        print(f"error: --repeats must be at least 1, found {repeats}", file=sys.stderr)
        return 2
    plan = QUICK_PLAN if args.quick else FULL_PLAN
    try:
        with tempfile.TemporaryDirectory(prefix="roworld-bench-") as work:
            results = {"quick": args.quick, **measure(plan, repeats, Path(work))}
    except (BenchmarkError, UserError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    results["targets"] = targets(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
