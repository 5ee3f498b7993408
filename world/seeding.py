"""Randomness owned by the run: one SeedSequence from the seed, named child streams.

A stream is addressed by a path of names and integers, e.g. ("shard", 3, "wear", "battery").
Each path element becomes a stable 32-bit word (names through blake2b, never the salted
built-in ``hash``), and the words become the ``spawn_key`` of a SeedSequence built on the run's
entropy. So a stream depends only on the seed and its path: not on which worker asks for it,
in what order, or how many other streams exist.
"""

from __future__ import annotations

import hashlib
import random

import numpy as np

PathPart = str | int


def _word(part: PathPart) -> int:
    if isinstance(part, bool):
        raise TypeError("stream path parts are names or non-negative integers, not booleans")
    if isinstance(part, int):
        if part < 0 or part >= 2**32:
            raise ValueError(f"stream path integer out of range [0, 2**32): {part}")
        return part
    digest = hashlib.blake2b(part.encode("utf-8"), digest_size=4).digest()
    # Names and small integers must not collide: names live in the upper half of the space.
    return int.from_bytes(digest, "big") | 0x8000_0000


class Seeds:
    """The run's seed and the streams derived from it."""

    def __init__(self, seed: int, path: tuple[PathPart, ...] = ()) -> None:
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        self.seed = seed
        self.path = path

    def child(self, *path: PathPart) -> Seeds:
        """A sub-namespace: ``seeds.child("shard", 3).rng("wear")`` == ``seeds.rng("shard", 3, "wear")``."""
        return Seeds(self.seed, self.path + path)

    def sequence(self, *path: PathPart) -> np.random.SeedSequence:
        full = self.path + path
        return np.random.SeedSequence(entropy=self.seed, spawn_key=tuple(_word(p) for p in full))

    def rng(self, *path: PathPart) -> np.random.Generator:
        """A numpy Generator for batched draws."""
        return np.random.Generator(np.random.PCG64(self.sequence(*path)))

    def integer(self, *path: PathPart) -> int:
        """A 64-bit integer derived from the path, e.g. to seed a per-record generator."""
        return int(self.sequence(*path).generate_state(2, np.uint32).view(np.uint64)[0])

    def py_random(self, *path: PathPart) -> random.Random:
        """A private ``random.Random`` for hot scalar draws (never the module-level global)."""
        return random.Random(self.integer(*path))
