"""Chunked driving of a SimPy environment."""

from __future__ import annotations

import pytest
import simpy

from world.sim_driver import run_in_chunks


def _ticker(env, buffer, every, stop):
    while env.now < stop:
        yield env.timeout(every)
        buffer.append(env.now)


def test_yields_everything_in_order_and_runs_past_until_to_finish_open_work():
    env = simpy.Environment()
    buffer: list[float] = []
    env.process(_ticker(env, buffer, 1.5, 40.0))
    items = list(run_in_chunks(env, 30.0, buffer, chunk_days=7.0))
    assert items == [1.5 * n for n in range(1, 28)]
    assert buffer == []


def test_items_arrive_chunk_by_chunk():
    env = simpy.Environment()
    buffer: list[float] = []
    env.process(_ticker(env, buffer, 1.0, 20.0))
    stream = run_in_chunks(env, 20.0, buffer, chunk_days=5.0)
    first = next(stream)
    assert first == 1.0 and env.now == 5.0


def test_rejects_a_non_positive_chunk():
    env = simpy.Environment()
    with pytest.raises(ValueError):
        list(run_in_chunks(env, 1.0, [], chunk_days=0))
