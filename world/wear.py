"""Component wear and failure: Weibull lives in miles or years, drawn on common random numbers.

A component installed at point p (odometer miles, or vehicle age in years) fails at
p + scale * (-ln u) ** (1 / shape). For a vehicle that enters the world already old, the same
draws are chained from zero (each life renews the part) until one outlives today, which is the
residual life conditional on survival (``world.initial_wear``); no per-day stepping, one scheduled
point per component.
A hazard multiplier c scales the Weibull scale by c ** (-1 / shape) (S(x) becomes S(x) ** c).
A factory-fitted part under warranty coverage may instead be defective (a share scaled by c): its
first life is then exponential with a short mean, the early failures that warranty pays for.
"""

from __future__ import annotations

import math

import world.crn as crn
from world.behaviour_catalog import Behaviour
from world.catalog import Catalog


class WearModel:
    """The catalog's components as flat tuples, indexed by component position."""

    __slots__ = (
        "keys",
        "by_miles",
        "shape_inverse",
        "scale",
        "urgency_days",
        "symptoms",
        "coverage",
        "defect_share",
        "defect_mean",
        "life_streams",
        "notice_streams",
        "symptom_streams",
        "defect_streams",
        "comeback_streams",
        "deferrable",
    )

    def __init__(self, catalog: Catalog, rate_scale: dict[str, float]) -> None:
        components = list(catalog.components.values())
        notice = catalog.behaviour.notice_days
        self.keys = tuple(c.key for c in components)
        self.by_miles = tuple(c.basis == "miles" for c in components)
        self.shape_inverse = tuple(1.0 / c.shape for c in components)
        self.scale = tuple(_scaled(c.scale, c.shape, rate_scale.get(c.key, 1.0)) for c in components)
        self.urgency_days = tuple(getattr(notice, c.urgency) for c in components)
        deferrable_after = catalog.behaviour.deferrable_notice_days.value
        self.deferrable = tuple(days > deferrable_after for days in self.urgency_days)
        self.symptoms = tuple(c.symptoms for c in components)
        self.coverage = tuple(c.coverage for c in components)
        defects = catalog.behaviour.factory_defects
        self.defect_share = tuple(
            0.0
            if c.coverage == "none"
            else min(1.0, defects.share * c.defect_weight * rate_scale.get(c.key, 1.0))
            for c in components
        )
        self.defect_mean = tuple(
            defects.mean_miles if c.basis == "miles" else defects.mean_years for c in components
        )
        # Each component's random streams (``world.crn``), named by its catalog key.
        self.life_streams = component_streams(self.keys, "life")
        self.notice_streams = component_streams(self.keys, "notice")  # noticing and deferring
        self.symptom_streams = component_streams(self.keys, "symptom")
        self.defect_streams = component_streams(self.keys, "defect")  # defective when fitted, and when
        self.comeback_streams = component_streams(self.keys, "comeback")  # whether and when

    def life(self, key: int, index: int, occurrence: int) -> float:
        """Length of one life of the component (miles or years)."""
        scale = self.scale[index]
        if occurrence == 0 and self.defect_share[index]:
            defect_u, early_u = crn.uniforms(key, self.defect_streams[index], 0, 2)
            if defect_u < self.defect_share[index]:
                return -math.log(early_u) * self.defect_mean[index]
        if scale == math.inf:
            return math.inf
        u = crn.uniform(key, self.life_streams[index], occurrence)
        return scale * (-math.log(u)) ** self.shape_inverse[index]

    def delay(self, key: int, index: int, occurrence: int, decline: float, behaviour: Behaviour) -> float:
        """Days from the failure to the visit: noticing it, then perhaps putting it off."""
        draws = crn.decision(key, self.notice_streams[index], occurrence)  # notice, defer, how long
        days = -math.log(crn.sub_uniform(draws, 0)) * self.urgency_days[index]
        if (
            self.deferrable[index]
            and crn.sub_uniform(draws, 1) < decline * behaviour.defer_probability_scale.value
        ):
            days += -math.log(crn.sub_uniform(draws, 2)) * behaviour.defer_days.value
        return days

    def symptom(self, key: int, index: int, occurrence: int) -> str:
        options = self.symptoms[index]
        pick = int(crn.uniform(key, self.symptom_streams[index], occurrence) * len(options))
        return f"{self.keys[index]}.{options[pick]}"


def component_streams(keys: tuple[str, ...], purpose: str) -> tuple[int, ...]:
    """The stream of one purpose for each component, by index."""
    return tuple(crn.stream("component", key, purpose) for key in keys)


def _scaled(scale: float, shape: float, factor: float) -> float:
    if factor == 0:
        return math.inf
    return scale * factor ** (-1.0 / shape)
