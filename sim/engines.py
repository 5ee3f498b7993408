"""Engines run shard jobs: in this process, in a local process pool, or as Dask tasks.

Every engine runs the same ``run_shard`` on the same inputs, so the files are identical whatever
the engine or worker count; engines differ only in where the work happens and how progress
comes back.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exporters.shard_writer import ShardResult
from sim.scenario import Scenario
from sim.shard_job import ProgressCallback, run_shard
from world.errors import UserError
from world.shards import ShardSpec

POLL_SECONDS = 0.2


@dataclass(frozen=True)
class ShardTask:
    scenario: Scenario
    seed: int
    shard: ShardSpec
    dataset_dir: Path
    formats: tuple[str, ...]


ResultCallback = Callable[[ShardResult], None]


def run_inline(tasks: list[ShardTask], progress: ProgressCallback, on_result: ResultCallback) -> None:
    for task in tasks:
        on_result(run_shard(task.scenario, task.seed, task.shard, task.dataset_dir, task.formats, progress))


_worker_queue: multiprocessing.Queue | None = None


def _init_pool_worker(progress_queue: multiprocessing.Queue) -> None:
    # The parent owns Ctrl-C: it terminates the pool, so workers must not die mid-write on their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_queue
    _worker_queue = progress_queue


def _report_to_parent(shard_index: int, ro_count: int, date_ordinal: int, done: bool) -> None:
    assert _worker_queue is not None
    _worker_queue.put((shard_index, ro_count, date_ordinal, done))


def _run_in_pool_worker(task: ShardTask) -> ShardResult:
    return run_shard(task.scenario, task.seed, task.shard, task.dataset_dir, task.formats, _report_to_parent)


def _drain(progress_queue: multiprocessing.Queue, progress: ProgressCallback) -> None:
    while True:
        try:
            update = progress_queue.get_nowait()
        except queue.Empty:
            return
        progress(*update)


def run_pool(
    tasks: list[ShardTask], workers: int, progress: ProgressCallback, on_result: ResultCallback
) -> None:
    """Shards over a pool of ``workers`` processes; the parent terminates them on interrupt."""
    context = multiprocessing.get_context("spawn")
    progress_queue = context.Queue()
    pool = context.Pool(workers, initializer=_init_pool_worker, initargs=(progress_queue,))
    try:
        pending = [pool.apply_async(_run_in_pool_worker, (task,)) for task in tasks]
        while pending:
            pending[0].wait(POLL_SECONDS)
            _drain(progress_queue, progress)
            still_pending = []
            for async_result in pending:
                if async_result.ready():
                    on_result(async_result.get())
                else:
                    still_pending.append(async_result)
            pending = still_pending
        _drain(progress_queue, progress)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def run_dask(
    tasks: list[ShardTask],
    workers: int,
    scheduler: str | None,
    progress: ProgressCallback,
    on_result: ResultCallback,
) -> None:
    """Shards as Dask tasks, on a LocalCluster or on the cluster at ``scheduler``.

    With a remote cluster, the workers write their shard files to ``dataset_dir`` themselves, so
    that path must be shared storage mounted at the same place on every worker.
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise UserError("--engine dask needs the dask extra: pip install -e '.[dask]'") from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as error:
            raise UserError(
                f"--scheduler {scheduler}: cannot connect to the Dask scheduler: {error}"
            ) from None
    futures = []
    try:
        futures = [
            client.submit(
                run_shard,
                task.scenario,
                task.seed,
                task.shard,
                task.dataset_dir,
                task.formats,
                None,
                pure=False,
                key=f"roworld-shard-{task.shard.index:05d}-{id(task):x}",
            )
            for task in tasks
        ]
        for future in as_completed(futures):
            result = future.result()
            progress(result.shard_index, result.ro_count, tasks[0].scenario.end.toordinal(), True)
            on_result(result)
    except BaseException:
        client.cancel(futures)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
