"""The wear state of a vehicle entering the world already driven: for every component at once,
its failure point, the lives it has used and the delay before its failure brings the owner in.

The same counter-based draws as ``WearModel.life`` and ``WearModel.delay`` (``world.crn``), done
as numpy arrays over the components: a region creates thousands of vehicles and this chain of
renewals was a quarter of a run's time when done one component and one life at a time.
"""

from __future__ import annotations

import numpy as np

import world.crn as crn
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
        self.by_miles = np.array(wear.by_miles, dtype=bool)
        self.scale = np.array(wear.scale)
        self.shape_inverse = np.array(wear.shape_inverse)
        self.defect_share = np.array(wear.defect_share)
        self.defect_mean = np.array(wear.defect_mean)
        self.urgency_days = np.array(wear.urgency_days)
        self.deferrable = np.array(wear.deferrable, dtype=bool)
        self.life_streams = np.array(wear.life_streams, dtype=np.uint64)
        self.defect_streams = np.array(wear.defect_streams, dtype=np.uint64)
        self.notice_streams = np.array(wear.notice_streams, dtype=np.uint64)
        self.defer_days = defer_days
        self.defer_scale = defer_scale

    def _lives(self, keys: np.ndarray, components: np.ndarray, occurrence: int) -> np.ndarray:
        """Lives number ``occurrence`` of the given (vehicle key, component) pairs."""
        # A one-element array, not a numpy scalar: array arithmetic wraps silently as crn expects.
        u = crn.uniform_array(keys, self.life_streams[components], np.full(1, occurrence, dtype=np.uint64))
        return self.scale[components] * (-np.log(u)) ** self.shape_inverse[components]

    def states(
        self, keys: list[int], miles: list[float], ages: list[float], declines: list[float]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(failure points, lives used, delays in days): one row per vehicle, one column per
        component, for vehicles with these keys, odometer readings, ages in years and owners'
        decline rates today.

        Done for many vehicles at once: numpy's cost here is per call, not per element, and the
        world's first population is thousands of vehicles entering together.
        """
        columns = len(self.scale)
        key_column = np.array(keys, dtype=np.uint64)[:, np.newaxis]
        points_now = np.where(self.by_miles, np.array(miles)[:, np.newaxis], np.array(ages)[:, np.newaxis])
        everything = np.arange(columns)
        point = self._lives(key_column, everything, 0)
        first = np.zeros(1, dtype=np.uint64)
        defect_u, early_u = crn.uniforms_array(key_column, self.defect_streams, first, 2)
        point = np.where(defect_u < self.defect_share, -np.log(early_u) * self.defect_mean, point)
        lives = np.ones(point.shape, dtype=np.int64)
        # The renewal chain runs on the flat elements still short of today: element i is
        # component i % columns of vehicle i // columns.
        flat_point, flat_now, flat_lives = point.ravel(), points_now.ravel(), lives.ravel()
        flat_keys = key_column.ravel()
        active = np.nonzero(flat_point <= flat_now)[0]
        occurrence = 1
        while len(active) and occurrence < MAX_INITIAL_LIVES:
            flat_point[active] += self._lives(flat_keys[active // columns], active % columns, occurrence)
            flat_lives[active] = occurrence + 1
            active = active[flat_point[active] <= flat_now[active]]
            occurrence += 1
        if len(active):
            flat_point[active] = flat_now[active] + self._lives(
                flat_keys[active // columns], active % columns, MAX_INITIAL_LIVES
            )
            flat_lives[active] = MAX_INITIAL_LIVES + 1
        notice_u, defer_u, defer_days_u = crn.uniforms_array(
            key_column, self.notice_streams, (lives - 1).astype(np.uint64), 3
        )
        delay = -np.log(notice_u) * self.urgency_days
        deferred = (defer_u < np.array(declines)[:, np.newaxis] * self.defer_scale) & self.deferrable
        delay = np.where(deferred, delay - np.log(defer_days_u) * self.defer_days, delay)
        return point, lives, delay
