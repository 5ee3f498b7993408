"""The wear state of a vehicle entering the world already driven: for every component at once,
its failure point, the lives it has used and the delay before its failure brings the owner in.

The same counter-based draws as ``WearModel.life`` and ``WearModel.delay`` (``world.crn``), done
as numpy arrays over the components: a region creates thousands of vehicles and this chain of
renewals was a quarter of a run's time when done one component and one life at a time.
"""

from __future__ import annotations

import numpy as np

from world import crn
from world.wear import WearModel

MAX_INITIAL_LIVES = 60  # a bound on the renewal chain for absurdly short lives


class InitialWear:
    __slots__ = (
        "by_miles",
        "scale",
        "shape_inverse",
        "defect_share",
        "defect_mean",
        "urgency_days",
        "deferrable",
        "life_streams",
        "defect_streams",
        "notice_streams",
        "defer_days",
        "defer_scale",
    )

    def __init__(self, wear: WearModel, defer_days: float, defer_scale: float) -> None:
        count = len(wear.keys)
        index = np.arange(count, dtype=np.uint64)
        self.by_miles = np.array(wear.by_miles, dtype=bool)
        self.scale = np.array(wear.scale)
        self.shape_inverse = np.array(wear.shape_inverse)
        self.defect_share = np.array(wear.defect_share)
        self.defect_mean = np.array(wear.defect_mean)
        self.urgency_days = np.array(wear.urgency_days)
        self.deferrable = self.urgency_days > 2
        self.life_streams = np.uint64(crn.LIFE) + index
        self.defect_streams = np.uint64(crn.DEFECT) + index
        self.notice_streams = np.uint64(crn.NOTICE) + index
        self.defer_days = defer_days
        self.defer_scale = defer_scale

    def _lives(self, key: int, chosen: np.ndarray, occurrence: int) -> np.ndarray:
        counters = np.full(len(chosen), occurrence, dtype=np.uint64)
        u = crn.uniform_array(key, self.life_streams[chosen], counters)
        return self.scale[chosen] * (-np.log(u)) ** self.shape_inverse[chosen]

    def state(
        self, key: int, points_now: np.ndarray, decline: float
    ) -> tuple[list[float], list[int], list[float]]:
        """(failure points, lives used, delays in days) per component, given each component's
        point reached today (odometer miles or age in years by its basis)."""
        everything = np.arange(len(points_now))
        point = self._lives(key, everything, 0)
        zero = np.zeros(len(points_now), dtype=np.uint64)
        defect_u, early_u = crn.uniforms_array(key, self.defect_streams, zero, 2)
        defective = defect_u < self.defect_share
        point = np.where(defective, -np.log(early_u) * self.defect_mean, point)
        lives = np.ones(len(points_now), dtype=np.int64)
        active = np.nonzero(point <= points_now)[0]
        occurrence = 1
        while len(active) and occurrence < MAX_INITIAL_LIVES:
            point[active] += self._lives(key, active, occurrence)
            lives[active] = occurrence + 1
            active = active[point[active] <= points_now[active]]
            occurrence += 1
        if len(active):
            point[active] = points_now[active] + self._lives(key, active, MAX_INITIAL_LIVES)
            lives[active] = MAX_INITIAL_LIVES + 1
        notice_u, defer_u, defer_days_u = crn.uniforms_array(
            key, self.notice_streams, (lives - 1).astype(np.uint64), 3
        )
        delay = -np.log(notice_u) * self.urgency_days
        deferred = (defer_u < decline * self.defer_scale) & self.deferrable
        delay = np.where(deferred, delay - np.log(defer_days_u) * self.defer_days, delay)
        return point.tolist(), lives.tolist(), delay.tolist()

    def points_now(self, miles: float, age_years: float) -> np.ndarray:
        return np.where(self.by_miles, miles, age_years)
