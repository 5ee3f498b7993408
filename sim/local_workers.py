"""Local worker processes: how many CPUs a run may use, and the fork server its pool forks them from.

A worker forked from a server that has imported the shard code once starts in milliseconds instead
of importing everything itself, and no worker is forked from the run's own process, whose threads
(the progress bar's, numpy's) make forking it unsafe. ``sim run`` starts the server before it
imports the world itself, so that the server's imports overlap the run's own on another CPU.
"""

from __future__ import annotations

import multiprocessing
import os

PRELOAD = ["sim.engines"]  # what every worker runs: the shard code, the world and the exporters


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, which containers and taskset narrow)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def pool_context() -> multiprocessing.context.BaseContext:
    """The fork server's context where the platform has one; elsewhere each worker is a fresh interpreter."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_fork_server() -> None:
    """Start the fork server now, if there is one, to import the shard code while the caller goes on."""
    if pool_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver  # a POSIX module: imported only where there is one

        forkserver.ensure_running()
