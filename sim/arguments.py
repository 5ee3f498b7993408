"""Argument types the commands share: argparse refuses a bad value (exit 2) before any work starts."""

from __future__ import annotations

import argparse

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
