"""The simulated world: shops, owners and aging vehicles whose visits become repair orders."""
