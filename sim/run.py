"""A dataset run: plan shards, run them on an engine, write the manifest last, publish atomically.

All files are written into a sibling ``<out>.partial`` folder; only when every shard is done and
the manifest is written is that folder renamed to ``<out>``. An interrupted or failed run leaves
at most a ``.partial`` folder without a manifest, which ``--resume`` picks up: shards whose
receipts still match their files are kept, the rest run again, and the bytes come out the same.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from exporters.manifest import write_manifest
from exporters.shard_writer import ShardResult
from sim import engines
from sim.arguments import MAX_SEED
from sim.extras import require_for_run
from sim.progress import RunProgress
from sim.scenario import Scenario
from sim.shard_job import RECEIPTS_DIR, kept_result
from sim.version import generator_version
from world.errors import UserError
from world.shards import plan_shards

ENGINES = ("local", "dask")
FORMATS = ("jsonl", "parquet")
RUN_IDENTITY_FILE = "run.json"


@dataclass(frozen=True)
class RunOptions:
    seed: int
    out_dir: Path
    workers: int = 1
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


def partial_dir(out_dir: Path) -> Path:
    return out_dir.with_name(out_dir.name + ".partial")


def run_dataset(scenario: Scenario, options: RunOptions) -> RunOutcome:
    began = time.perf_counter()
    _check_options(options)
    require_for_run(scenario, options.engine)
    final = options.out_dir
    if final.exists() and not options.force:
        raise UserError(f"{final} already exists; pass --force to replace it")
    work = partial_dir(final)
    identity = _run_identity(scenario, options)
    if work.exists() and not (options.resume and _same_run(work, identity)):
        shutil.rmtree(work)
    (work / RECEIPTS_DIR).mkdir(parents=True, exist_ok=True)
    (work / RECEIPTS_DIR / RUN_IDENTITY_FILE).write_bytes(identity)

    shards = plan_shards(scenario.world)
    results: dict[int, ShardResult] = {}
    if options.resume:
        for shard in shards:
            kept = kept_result(work, shard.index)
            if kept is not None:
                results[shard.index] = kept
    kept_count = len(results)
    tasks = [
        engines.ShardTask(scenario, options.seed, shard, work, options.formats)
        for shard in shards
        if shard.index not in results
    ]

    def collect(result: ShardResult) -> None:
        results[result.shard_index] = result

    with RunProgress(
        scenario.start, scenario.end, [s.index for s in shards], options.show_progress
    ) as progress:
        for result in results.values():
            progress.update(result.shard_index, result.ro_count, scenario.end.toordinal(), True)
        if options.engine == "dask":
            engines.run_dask(tasks, options.workers, options.scheduler, progress.update, collect)
        elif options.workers == 1 or len(tasks) <= 1:
            engines.run_inline(tasks, progress.update, collect)
        else:
            engines.run_pool(tasks, min(options.workers, len(tasks)), progress.update, collect)

    ordered = [results[shard.index] for shard in shards]
    shutil.rmtree(work / RECEIPTS_DIR)
    write_manifest(work, scenario, options.seed, shards, ordered, generator_version())
    _publish(work, final)
    return RunOutcome(
        dataset_dir=final,
        ro_count=sum(result.ro_count for result in ordered),
        shards_run=len(tasks),
        shards_kept=kept_count,
        seconds=time.perf_counter() - began,
    )


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


def _publish(work: Path, final: Path) -> None:
    """Swap the finished folder into place; an older dataset is removed only after the swap."""
    retired = final.with_name(final.name + ".replaced")
    if retired.exists():
        shutil.rmtree(retired)
    if final.exists():
        final.rename(retired)
    work.rename(final)
    if retired.exists():
        shutil.rmtree(retired)
