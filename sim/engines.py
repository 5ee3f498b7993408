"""Engines run shard jobs: in this process, in a local process pool, or as Dask tasks.

Every engine runs the same ``run_task`` (the shard, then its files measured for the targets) on
the same inputs, so the files are identical whatever the engine or worker count; engines differ
only in where the work happens and how progress comes back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import queue
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exporters.report.accumulator import MetricsAccumulator
from exporters.report.build import shard_metrics
from exporters.shard_writer import ShardResult
from sim import local_workers
from sim.scenario import Scenario
from sim.shard_job import ProgressCallback, run_shard
from world.errors import UserError
from world.shards import ShardSpec

POLL_SECONDS = 0.2
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class ShardTask:
    scenario: Scenario
    seed: int
    shard: ShardSpec
    dataset_dir: Path
    formats: tuple[str, ...]


@dataclass(frozen=True)
class ShardDone:
    """A finished shard: its files, and those files measured for the scenario's targets where the
    shard ran (None without targets), so the run merges counts instead of reading them again."""

    result: ShardResult
    metrics: MetricsAccumulator | None


ResultCallback = Callable[[ShardDone], None]


def measured(scenario: Scenario, dataset_dir: Path, result: ShardResult) -> ShardDone:
    """A shard's result with its files measured: where it ran, or in the run for a kept shard."""
    metrics = shard_metrics(dataset_dir, result.files, scenario.targets, scenario.start, scenario.end)
    return ShardDone(result, metrics)


def run_task(task: ShardTask, progress: ProgressCallback | None) -> ShardDone:
    """The unit every engine runs: the shard, then its files measured while they are fresh."""
    result = run_shard(task.scenario, task.seed, task.shard, task.dataset_dir, task.formats, progress)
    return measured(task.scenario, task.dataset_dir, result)


def run_inline(tasks: list[ShardTask], progress: ProgressCallback, on_result: ResultCallback) -> None:
    for task in tasks:
        on_result(run_task(task, progress))


def check_scheduler(scheduler: str) -> None:
    """Refuse a ``--scheduler`` that is not a Dask address before any work (the dask extra is present)."""
    from distributed.comm import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(scheduler)
        get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(location)
    except ValueError as error:
        raise UserError(
            f"--scheduler {scheduler!r} is not a Dask scheduler address ({error}); "
            "expected e.g. tcp://HOST:8786"
        ) from None


_worker_queue: multiprocessing.Queue | None = None


def _die_with_parent() -> None:
    """Have Linux kill this worker when its parent dies, even by SIGKILL, so no orphan keeps writing.

    The parent is the run, or the fork server, which exits as soon as the run is gone. Elsewhere, and
    in the moment before the request takes effect, ``_report_to_parent`` notices the run is gone
    between batches of visits and exits.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _parent_gone() -> bool:
    """Whether the run that started this worker has ended (multiprocessing's sentinel of it)."""
    return not multiprocessing.parent_process().is_alive()


def _init_pool_worker(progress_queue: multiprocessing.Queue) -> None:
    # The parent owns Ctrl-C: it terminates the pool, so workers must not die mid-write on their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_queue
    _worker_queue = progress_queue
    _die_with_parent()
    if _parent_gone():
        os._exit(1)


def _report_to_parent(shard_index: int, ro_count: int, date_ordinal: int, done: bool) -> None:
    assert _worker_queue is not None
    if _parent_gone():
        # Nobody will publish this shard: stop writing into the folder a resumed run may now own.
        os._exit(1)
    _worker_queue.put((shard_index, ro_count, date_ordinal, done))


def _run_in_pool_worker(task: ShardTask) -> ShardDone:
    if _parent_gone():
        os._exit(1)
    return run_task(task, _report_to_parent)


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
    """Shards over a pool of ``workers`` processes.

    Results are taken as they land rather than polled, and once the last one is in the idle workers
    are terminated, not waited for while each tears its interpreter down: the run's files are closed
    and its manifest waits on nothing else. The parent terminates them on interrupt too.
    """
    context = local_workers.pool_context()
    progress_queue = context.Queue()
    landed: queue.SimpleQueue[ShardDone | BaseException] = queue.SimpleQueue()
    pool = context.Pool(workers, initializer=_init_pool_worker, initargs=(progress_queue,))
    try:
        for task in tasks:
            pool.apply_async(_run_in_pool_worker, (task,), callback=landed.put, error_callback=landed.put)
        for _ in tasks:
            outcome = _next_landed(landed, progress_queue, progress)
            if isinstance(outcome, BaseException):
                raise outcome
            progress(
                outcome.result.shard_index, outcome.result.ro_count, tasks[0].scenario.end.toordinal(), True
            )
            on_result(outcome)
    finally:
        pool.terminate()
        pool.join()


def _next_landed(
    landed: queue.SimpleQueue, progress_queue: multiprocessing.Queue, progress: ProgressCallback
) -> ShardDone | BaseException:
    """The next shard to finish (or fail), passing progress reports on while waiting for it."""
    while True:
        _drain(progress_queue, progress)
        try:
            return landed.get(timeout=POLL_SECONDS)
        except queue.Empty:
            continue


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
    # sim.extras has checked the dask extra before the run began.
    from dask.distributed import Client, LocalCluster, as_completed

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
                run_task,
                task,
                None,
                pure=False,
                key=f"roworld-shard-{task.shard.index:05d}-{id(task):x}",
            )
            for task in tasks
        ]
        for future in as_completed(futures):
            done = future.result()
            progress(done.result.shard_index, done.result.ro_count, tasks[0].scenario.end.toordinal(), True)
            on_result(done)
    except BaseException:
        client.cancel(futures)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
