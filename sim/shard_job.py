"""One shard, start to finish: simulate its submarket and export every visit to its part files.

This is the unit of work every engine runs (in-process, a process pool, or a Dask worker). It
depends only on (scenario, seed, shard), never on which worker runs it, so its files are the
same bytes wherever it runs. When it finishes it leaves a receipt beside the part files; a
resumed run keeps a shard whose receipt still matches the files on disk. A process's shards share
one RO builder (``exporters.ro_builder.kept_builder``), so the later ones start with warm caches.

Receipts are plain JSON validated against ``ShardResult`` on the way back in: whoever can write
into the output folder (shared storage, for Dask) can at worst make a shard run again, never run
code. A receipt that does not validate, names another shard or a file outside the shard's own part
files is ignored with a warning.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pydantic

from exporters.ro_builder import kept_builder
from exporters.shard_writer import ShardResult, ShardWriter
from exporters.writers import file_sha256
from sim.scenario import Scenario
from world.shards import ShardSpec
from world.world import build

RECEIPTS_DIR = ".receipts"
PROGRESS_EVERY = 1024  # visits between progress reports: frequent enough for a smooth bar, cheap

# (shard index, ROs written so far, simulated date as an ordinal, finished?)
ProgressCallback = Callable[[int, int, int, bool], None]

_RECEIPT = pydantic.TypeAdapter(ShardResult)


def receipt_path(dataset_dir: Path, shard_index: int) -> Path:
    return dataset_dir / RECEIPTS_DIR / f"shard-{shard_index:05d}.json"


def run_shard(
    scenario: Scenario,
    seed: int,
    shard: ShardSpec,
    dataset_dir: Path,
    formats: tuple[str, ...],
    progress: ProgressCallback | None = None,
) -> ShardResult:
    world = build(scenario, seed, shard)
    writer = ShardWriter(dataset_dir, shard.index, scenario.export, formats, kept_builder(scenario.export))
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
    temporary.write_bytes(_RECEIPT.dump_json(result))
    temporary.replace(path)


def kept_result(dataset_dir: Path, shard_index: int) -> ShardResult | None:
    """The shard's earlier result if its receipt is valid and every file still matches it."""
    path = receipt_path(dataset_dir, shard_index)
    if not path.is_file():
        return None
    try:
        result = _RECEIPT.validate_json(path.read_bytes(), strict=True)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        _ignore(path, f"not a valid receipt ({first['msg']} at {'.'.join(map(str, first['loc'])) or 'top'})")
        return None
    own_file = re.compile(rf"[a-z_]+(/[a-z_]+)*/part-{shard_index:05d}\.[a-z]+")
    foreign = [entry.path for entry in result.files if not own_file.fullmatch(entry.path)]
    if result.shard_index != shard_index or foreign:
        _ignore(path, f"names shard {result.shard_index} or files that are not its own: {foreign[:3]}")
        return None
    for entry in result.files:
        file_path = dataset_dir / entry.path
        if not file_path.is_file() or file_sha256(file_path) != entry.sha256:
            return None
    return result


def _ignore(path: Path, why: str) -> None:
    print(f"warning: ignoring {path}: {why}; the shard runs again", file=sys.stderr)
