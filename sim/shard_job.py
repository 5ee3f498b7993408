"""One shard, start to finish: simulate its submarket and export every visit to its part files.

This is the unit of work every engine runs (in-process, a process pool, or a Dask worker). It
depends only on (scenario, seed, shard), never on which worker runs it, so its files are the
same bytes wherever it runs. When it finishes it leaves a receipt beside the part files; a
resumed run keeps a shard whose receipt still matches the files on disk.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

from exporters.shard_writer import ShardResult, ShardWriter
from exporters.writers import file_sha256
from sim.scenario import Scenario
from world.shards import ShardSpec
from world.world import build

RECEIPTS_DIR = ".receipts"
PROGRESS_EVERY = 1024  # visits between progress reports: frequent enough for a smooth bar, cheap

# (shard index, ROs written so far, simulated date as an ordinal, finished?)
ProgressCallback = Callable[[int, int, int, bool], None]


def receipt_path(dataset_dir: Path, shard_index: int) -> Path:
    return dataset_dir / RECEIPTS_DIR / f"shard-{shard_index:05d}.pickle"


def run_shard(
    scenario: Scenario,
    seed: int,
    shard: ShardSpec,
    dataset_dir: Path,
    formats: tuple[str, ...],
    progress: ProgressCallback | None = None,
) -> ShardResult:
    world = build(scenario, seed, shard)
    writer = ShardWriter(dataset_dir, shard.index, scenario.export, formats)
    try:
        for visit in world.run():
            writer.add(visit)
            if progress is not None and writer.ro_count % PROGRESS_EVERY == 0:
                progress(shard.index, writer.ro_count, world.sim_date.toordinal(), False)
        result = writer.finish(world.ledger())
    except BaseException:
        writer.abort()
        raise
    if progress is not None:
        progress(shard.index, writer.ro_count, scenario.end.toordinal(), True)
    _write_receipt(dataset_dir, shard.index, result)
    return result


def _write_receipt(dataset_dir: Path, shard_index: int, result: ShardResult) -> None:
    path = receipt_path(dataset_dir, shard_index)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    # The receipt is our own scratch state inside the run's temporary folder, read back only by
    # ``--resume`` of the same folder, and deleted before the dataset is published.
    temporary.write_bytes(pickle.dumps(result))
    temporary.replace(path)


def kept_result(dataset_dir: Path, shard_index: int) -> ShardResult | None:
    """The shard's earlier result if its receipt exists and every file still matches it."""
    path = receipt_path(dataset_dir, shard_index)
    if not path.is_file():
        return None
    try:
        result = pickle.loads(path.read_bytes())
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(result, ShardResult):
        return None
    for entry in result.files:
        file_path = dataset_dir / entry.path
        if not file_path.is_file() or file_sha256(file_path) != entry.sha256:
            return None
    return result
