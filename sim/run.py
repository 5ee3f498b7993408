"""A dataset run: plan shards, run them on an engine, write the manifest last, publish atomically.

All files are written into a sibling ``<out>.partial`` folder; only when every shard is done and
the manifest is written is that folder renamed to ``<out>``. An interrupted or failed run leaves
at most a ``.partial`` folder without a manifest, which ``--resume`` picks up: shards whose
receipts still match their files are kept, the rest run again, and the bytes come out the same.
The run holds an exclusive lock on ``<out>`` throughout (``sim/run_lock.py``) and touches only
folders it can prove it made (``sim/run_folder.py``).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from exporters.manifest import manifest_document, write_manifest
from exporters.report.build import check_measured
from sim import engines
from sim.arguments import ENGINES, MAX_SEED
from sim.extras import require_for_run
from sim.progress import RunProgress
from sim.run_folder import (
    check_partial,
    check_target,
    create_partial,
    out_folder,
    partial_dir,
    publish,
    remove_own,
)
from sim.run_lock import output_lock
from sim.scenario import Scenario
from sim.shard_job import RECEIPTS_DIR, kept_result
from sim.version import generator_version
from world.errors import UserError
from world.shards import largest_first, plan_shards

RUN_IDENTITY_FILE = "run.json"


@dataclass(frozen=True)
class RunOptions:
    seed: int
    out_dir: Path
    workers: int = 1  # at most this many in parallel; a run never starts more workers than shards
    engine: str = "local"
    scheduler: str | None = None
    formats: tuple[str, ...] = ("jsonl",)
    force: bool = False
    resume: bool = False
    show_progress: bool = False


@dataclass(frozen=True)
class RunOutcome:
    dataset_dir: Path
    ro_count: int
    shards_run: int
    shards_kept: int
    seconds: float
    workers: int  # the workers the run started: --workers capped by the shards left to run


def default_out_dir(scenario: Scenario, seed: int) -> Path:
    """Where a run writes when no folder is named: ``out/<scenario name>-seed<N>``."""
    return Path("out") / f"{scenario.name}-seed{seed}"


def run_dataset(scenario: Scenario, options: RunOptions) -> RunOutcome:
    began = time.perf_counter()
    _check_options(options)
    require_for_run(scenario, options.engine)
    if options.scheduler is not None:
        engines.check_scheduler(options.scheduler)
    final = out_folder(options.out_dir)
    with output_lock(final):
        check_target(final, options.force)
        work = partial_dir(final)
        check_partial(work)
        identity = _run_identity(scenario, options)
        resuming = options.resume and _same_run(work, identity)
        try:
            if os.path.lexists(work) and not resuming:
                _discard(work, options.resume)
            if not resuming:
                create_partial(work)
            (work / RECEIPTS_DIR).mkdir(exist_ok=True)
            (work / RECEIPTS_DIR / RUN_IDENTITY_FILE).write_bytes(identity)
            shards = plan_shards(scenario.world)
            done: dict[int, engines.ShardDone] = {}
            if resuming:
                for shard in shards:
                    kept = kept_result(work, shard.index)
                    if kept is not None:
                        done[shard.index] = engines.measured(scenario, work, kept)
            kept_count = len(done)
            tasks = [
                engines.ShardTask(scenario, options.seed, shard, work, options.formats)
                for shard in largest_first(scenario.world, shards)
                if shard.index not in done
            ]
            workers = min(options.workers, max(1, len(tasks)))
            _run_tasks(scenario, options, shards, tasks, workers, done)
            finished = [done[shard.index] for shard in shards]
            shutil.rmtree(work / RECEIPTS_DIR)
            ordered = [shard.result for shard in finished]
            measured = check_measured(
                [shard.metrics for shard in finished], scenario.targets, scenario.start, scenario.end
            )
            document = manifest_document(
                scenario, options.seed, shards, ordered, generator_version(), measured
            )
            write_manifest(work, document)
            publish(work, final)
        except OSError as error:
            if error.errno is None:
                raise
            resumable = f"; the unfinished run stays in {work} for --resume" if work.is_dir() else ""
            raise UserError(
                f"cannot write the dataset: {error.filename or work}: {error.strerror}{resumable}"
            ) from None
    return RunOutcome(
        dataset_dir=options.out_dir,
        ro_count=sum(result.ro_count for result in ordered),
        shards_run=len(tasks),
        shards_kept=kept_count,
        seconds=time.perf_counter() - began,
        workers=workers,
    )


def _run_tasks(
    scenario: Scenario,
    options: RunOptions,
    shards: list,
    tasks: list[engines.ShardTask],
    workers: int,
    done: dict[int, engines.ShardDone],
) -> None:
    def collect(shard: engines.ShardDone) -> None:
        done[shard.result.shard_index] = shard

    with RunProgress(
        scenario.start, scenario.end, [s.index for s in shards], options.show_progress
    ) as progress:
        for kept in done.values():
            progress.update(kept.result.shard_index, kept.result.ro_count, scenario.end.toordinal(), True)
        if not tasks:
            return
        if options.engine == "dask":
            engines.run_dask(tasks, workers, options.scheduler, progress.update, collect)
        elif workers == 1:
            engines.run_inline(tasks, progress.update, collect)
        else:
            engines.run_pool(tasks, workers, progress.update, collect)


def _check_options(options: RunOptions) -> None:
    if not 0 <= options.seed <= MAX_SEED:
        raise UserError(f"--seed must be a non-negative integer below 2**64, got {options.seed}")
    if options.workers < 1:
        raise UserError(f"--workers must be at least 1, got {options.workers}")
    if options.engine not in ENGINES:
        raise UserError(f"--engine must be one of {', '.join(ENGINES)}, got {options.engine!r}")
    if options.scheduler is not None and options.engine != "dask":
        raise UserError("--scheduler needs --engine dask")
    if options.force and options.resume:
        raise UserError("--force and --resume contradict each other: choose one")


def _discard(work: Path, resume: bool) -> None:
    why = (
        "it does not match this run's scenario, seed and format"
        if resume
        else "pass --resume to continue it instead"
    )
    print(f"note: discarding the unfinished run in {work} ({why})", file=sys.stderr)
    remove_own(work)


def _run_identity(scenario: Scenario, options: RunOptions) -> bytes:
    """What must be equal for a partial folder's shards to be reusable by ``--resume``."""
    return orjson.dumps(
        {
            "scenario": scenario.model_dump(mode="json"),
            "seed": options.seed,
            "formats": list(options.formats),
        },
        option=orjson.OPT_SORT_KEYS,
    )


def _same_run(work: Path, identity: bytes) -> bool:
    path = work / RECEIPTS_DIR / RUN_IDENTITY_FILE
    return path.is_file() and path.read_bytes() == identity
