"""The run's progress on a terminal: simulated date, ROs written, ROs/s and ETA.

Progress is measured in simulated time: each shard reports the date its world has reached, and
the bar advances by the mean share of the window the shards have covered. Nothing here reaches
the dataset, so wall-clock time is fine to show.
"""

from __future__ import annotations

import sys
import time
from datetime import date

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn


class RunProgress:
    """Collects shard reports; draws a bar only when asked to and stderr is a terminal."""

    def __init__(self, start: date, end: date, shard_indices: list[int], show: bool) -> None:
        self._start = start.toordinal()
        self._span = max(1, end.toordinal() - self._start)
        self._shards = {index: (0, self._start, False) for index in shard_indices}
        self._began = time.perf_counter()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if show and sys.stderr.isatty():
            self._progress = Progress(
                TextColumn("[bold]{task.fields[sim_date]}"),
                BarColumn(),
                TextColumn("{task.fields[ros]:>10,} ROs"),
                TextColumn("{task.fields[rate]:>8,.0f} ROs/s"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> RunProgress:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task("run", total=1.0, sim_date="", ros=0, rate=0.0)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, shard_index: int, ro_count: int, date_ordinal: int, done: bool) -> None:
        if self._shards[shard_index][2]:
            return  # a report that travelled slower than the shard's result
        self._shards[shard_index] = (ro_count, date_ordinal, done)
        if self._progress is None or self._task is None:
            return
        covered = [
            1.0 if finished else min(1.0, max(0.0, (ordinal - self._start) / self._span))
            for _, ordinal, finished in self._shards.values()
        ]
        unfinished = [ordinal for _, ordinal, finished in self._shards.values() if not finished]
        reached = min(unfinished) if unfinished else self._start + self._span
        ros = self.ro_count
        self._progress.update(
            self._task,
            completed=sum(covered) / len(covered),
            sim_date=date.fromordinal(max(self._start, reached)).isoformat(),
            ros=ros,
            rate=ros / max(1e-9, self.elapsed),
        )

    @property
    def ro_count(self) -> int:
        return sum(count for count, _, _ in self._shards.values())

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._began
