"""The simulated world: shops, owners and aging vehicles whose visits become repair orders."""

from __future__ import annotations

from typing import Any

__all__ = ["World", "build"]


def __getattr__(name: str) -> Any:
    # Imported on first use: a light submodule (world.vin for the validator) must not pull in the
    # whole simulation and its libraries.
    if name in __all__:
        from world import world

        return getattr(world, name)
    raise AttributeError(f"module 'world' has no attribute {name!r}")
