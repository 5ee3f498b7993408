"""Local workers: how many CPUs a run may use, and the fork server a pool forks its workers from."""

import os

from sim import local_workers


def test_usable_cpus_follow_the_affinity_mask_then_the_cpu_count(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    assert local_workers.usable_cpus() == 3
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert local_workers.usable_cpus() == 1
