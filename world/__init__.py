"""The simulated world: shops, owners and aging vehicles whose visits become repair orders."""

from world.world import World, build

__all__ = ["World", "build"]
