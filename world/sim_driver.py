"""Drives a SimPy environment in chunks of simulated time and hands out what closed meanwhile.

The world's processes append closed visits to a buffer; running a week at a time keeps the buffer
small (memory stays flat in simulated years) while the caller writes visits as they come.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TypeVar

import simpy

Item = TypeVar("Item")
CHUNK_DAYS = 7.0


def run_in_chunks(
    env: simpy.Environment, until: float, buffer: list[Item], chunk_days: float = CHUNK_DAYS
) -> Iterator[Item]:
    """Run until no event is left, yielding buffered items in the order they were appended.

    ``until`` is where the world stops opening new visits; events after it only close visits
    already open, so the loop ends by itself once those are done.
    """
    if chunk_days <= 0:
        raise ValueError(f"chunk_days must be positive, got {chunk_days}")
    while env.now < until and env.peek() != math.inf:
        env.run(until=min(env.now + chunk_days, until))
        yield from _drain(buffer)
    # Past ``until`` only visits already open are closing (at most weeks of them): run them out.
    env.run()
    yield from _drain(buffer)


def _drain(buffer: list[Item]) -> list[Item]:
    ready = buffer[:]
    buffer.clear()
    return ready
