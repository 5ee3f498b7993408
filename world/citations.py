"""Whether the RO of a comeback cites the RO of the repair it comes back to.

Citing is a habit of the advisor who writes the comeback up (whether they look up and quote the
earlier RO), drawn once per advisor from the catalog's share, not a coin per visit: an advisor
who cites does so on every comeback. Only the shop that did the first repair can cite its RO
number; a comeback at another shop never does.
"""

from __future__ import annotations

import world.crn as crn


class CitationHabits:
    __slots__ = ("_key", "_share", "_habits")

    def __init__(self, key: int, share: float) -> None:
        """``key``: the run's key for these habits; ``share``: the share of advisors who cite."""
        self._key = key
        self._share = share
        self._habits: dict[str, bool] = {}

    def cites(self, advisor_id: str) -> bool:
        habit = self._habits.get(advisor_id)
        if habit is None:
            draw = crn.uniform(self._key, crn.stream("advisor", advisor_id, "cites_prior_ro"))
            habit = self._habits[advisor_id] = draw < self._share
        return habit
