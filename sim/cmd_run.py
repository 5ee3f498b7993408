"""``python -m sim run SCENARIO --seed N``: simulate the world and write a dataset folder."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from sim import arguments, local_workers
from sim.arguments import ENGINES, FORMATS

if TYPE_CHECKING:
    from sim.run import RunOptions, RunOutcome


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="simulate a scenario and write a dataset",
        description="Simulate a scenario and write a Schema V2 dataset folder.",
    )
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument(
        "--seed", type=arguments.seed, required=True, help="the run's seed, an integer from 0 to 2**64 - 1"
    )
    parser.add_argument("--out", type=Path, help="dataset folder (default: out/<scenario>-seed<N>)")
    parser.add_argument(
        "--workers",
        type=int,
        help="parallel worker processes (default: the CPUs this process may use); never more than shards",
    )
    parser.add_argument("--engine", choices=ENGINES, default="local", help="where shards run (default local)")
    parser.add_argument(
        "--scheduler", help="Dask scheduler address (with --engine dask); default: a LocalCluster"
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a scenario value, e.g. --set world.regions.0.private_vehicles=500 (repeatable)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="jsonl",
        help="jsonl (default), or parquet to also write the ROs as nested Parquet",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing dataset folder")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run: keep finished shards whose files match their checksums",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    parser.set_defaults(func=run_command)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_command(args: argparse.Namespace) -> int:
    workers = local_workers.usable_cpus() if args.workers is None else args.workers
    if args.engine == "local" and workers > 1:
        local_workers.start_fork_server()  # it imports the world on another CPU while this process does
    from sim.run import RunOptions, default_out_dir, run_dataset
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    out_dir = args.out or default_out_dir(scenario, args.seed)
    formats = ("jsonl",) if args.format == "jsonl" else ("jsonl", args.format)
    options = RunOptions(
        seed=args.seed,
        out_dir=out_dir,
        workers=workers,
        engine=args.engine,
        scheduler=args.scheduler,
        formats=formats,
        force=args.force,
        resume=args.resume,
        show_progress=not args.quiet,
    )
    # SIGTERM takes the same path as Ctrl-C: workers are stopped and only a .partial folder remains.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    outcome = run_dataset(scenario, options)
    if not args.quiet:
        _print_summary(outcome, options)
    return 0


def _print_summary(outcome: RunOutcome, options: RunOptions) -> None:
    table = Table(title="roworld run", show_header=False)
    table.add_row("dataset", str(outcome.dataset_dir))
    table.add_row("repair orders", f"{outcome.ro_count:,}")
    table.add_row("shards run / kept", f"{outcome.shards_run} / {outcome.shards_kept}")
    table.add_row("workers / engine", f"{outcome.workers} / {options.engine}")
    table.add_row("wall time", f"{outcome.seconds:,.1f} s")
    table.add_row("throughput", f"{outcome.ro_count / max(outcome.seconds, 1e-9):,.0f} ROs/s")
    Console().print(table)
    print(f"validate with: python -m sim validate {outcome.dataset_dir}")
