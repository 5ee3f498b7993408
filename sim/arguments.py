"""Argument types and choices the commands share: argparse refuses a bad value (exit 2) before any work
starts. Nothing here imports the world, so a command parses its arguments before paying for that."""

from __future__ import annotations

import argparse

ENGINES = ("local", "dask")  # where a run's shards run
FORMATS = ("jsonl", "parquet")  # JSON Lines always; each other one is exporters.shard_writer.EXTRA_FORMATS
MAX_SEED = 2**64 - 1  # numpy's SeedSequence takes more, but the manifest's JSON readers stop at 64 bits


def seed(text: str) -> int:
    """A run's seed: an integer from 0 to 2**64 - 1."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to {MAX_SEED}, found {text!r}")
    return value
