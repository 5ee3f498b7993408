"""Local workers: how many CPUs a run may use, and the fork server a pool forks its workers from."""

import multiprocessing
import os

import pytest

from sim import local_workers


def test_usable_cpus_follow_the_affinity_mask_then_the_cpu_count(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    assert local_workers.usable_cpus() == 3
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert local_workers.usable_cpus() == 1


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server")
def test_pool_workers_are_forked_with_the_shard_code_already_imported():
    with local_workers.pool_context().Pool(1) as pool:
        assert pool.apply(eval, ("'sim.shard_job' in __import__('sys').modules",))
