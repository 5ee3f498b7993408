"""Which phrases a job may write, worked out once per situation instead of at every pick.

A phrase is written only where its condition holds of the job's facts and every placeholder it names
is filled (``exporters.narrative``). Both turn on few facts, so a visit's facts are reduced once to
a situation: the facts with each clock, cylinder count and model year replaced by how many of the
library's thresholds for it lie at or below it (all that any condition tells apart), then the job's
facts and which placeholders its values fill. Slots picked together (a complaint, a cause and
correction, a note) keep their options per projection of the situation onto the facts their
conditions read: a job looks its options up instead of testing every condition at some twenty picks
per RO, and a shard meets a few thousand projections.
"""

from __future__ import annotations

from bisect import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from exporters.templates import JOB_FACTS, Condition, Facts, Phrase, Slot, Template

# A situation: the Facts fields (numbers reduced to threshold counts), then the filled placeholders' id.
Situation = tuple[Any, ...]
FILLED = len(Facts._fields)
# Per slot, the phrases a job may pick from; None for a slot without phrases, which draws nothing
# (an empty tuple: the slot has phrases, but none true of the job).
Options = tuple[tuple[Template, ...] | None, ...]


class Situations:
    """Reduces facts to situations, for the thresholds of ``conditions`` (the library's)."""

    def __init__(self, conditions: Iterable[Condition]) -> None:
        cuts: dict[str, set[int]] = defaultdict(set)
        for condition in conditions:
            for fact, cut in condition.cuts():
                cuts[fact].add(cut)
        self.cuts = {fact: frozenset(values) for fact, values in cuts.items()}
        self._numbers = tuple((Facts._fields.index(fact), sorted(values)) for fact, values in cuts.items())
        self._filled: dict[frozenset[str], int] = {}

    def of_visit(self, facts: Facts) -> Situation:
        """The visit's facts as a situation, without the job's facts and the filled placeholders."""
        situation = list(facts[:JOB_FACTS])
        for index, cuts in self._numbers:
            situation[index] = bisect(cuts, situation[index])
        return tuple(situation)

    def of_job(self, visit: Situation, facts: Facts, values: Mapping[str, str]) -> Situation:
        """A job's (or the notes') situation: the visit's, the job's facts and what ``values`` fill."""
        filled = self._filled.setdefault(frozenset(values), len(self._filled))
        return visit + facts[JOB_FACTS:] + (filled,)


class Choices:
    """One slot's phrases for jobs that all fill ``keys``: those any such job may write, and the
    others with the facts that decide them."""

    __slots__ = ("empty", "fixed", "checked", "reads")

    def __init__(self, slot: Slot, keys: frozenset[str]) -> None:
        def anywhere(phrase: Phrase) -> bool:
            return phrase.when is None and phrase.template.fields <= keys

        self.empty = not slot
        self.fixed = tuple(phrase.template for phrase in slot if anywhere(phrase))
        self.checked = tuple(
            (phrase.when, phrase.template.fields, phrase.template) for phrase in slot if not anywhere(phrase)
        )
        self.reads = {fact for when, _, _ in self.checked if when is not None for fact in when.reads()}
        if any(not fields <= keys for _, fields, _ in self.checked):
            self.reads.add("filled")

    def options(self, facts: Facts, values: Mapping[str, str]) -> tuple[Template, ...] | None:
        """The phrases true of ``facts`` that ``values`` fill; None for a slot without phrases."""
        if self.empty:
            return None
        filled = values.keys()
        return self.fixed + tuple(
            [
                template
                for when, fields, template in self.checked
                if (when is None or when.holds(facts)) and fields <= filled
            ]
        )


class ChoiceSet:
    """Slots picked together, for jobs that all fill ``keys``: their options per projection of the
    situation onto what their conditions read."""

    def __init__(self, slots: Sequence[Slot], keys: frozenset[str], situations: Situations) -> None:
        self._choices = tuple(Choices(slot, keys) for slot in slots)
        reads = set().union(*(choices.reads for choices in self._choices))
        conditions = {when for choices in self._choices for when, _, _ in choices.checked if when is not None}
        for when in conditions:
            unknown = [(fact, cut) for fact, cut in when.cuts() if cut not in situations.cuts.get(fact, ())]
            if unknown:  # a condition the situations were not built for would be told apart wrongly
                raise ValueError(f"thresholds {unknown} are not among the situations' {situations.cuts}")
        indices = sorted(FILLED if fact == "filled" else Facts._fields.index(fact) for fact in reads)
        self._project = itemgetter(*indices) if indices else None
        self._options: dict[Any, Options] = {}

    def options(self, situation: Situation, facts: Facts, values: Mapping[str, str]) -> Options:
        """Per slot, the phrases true of ``facts`` that ``values`` fill (``situation`` is theirs)."""
        projection = self._project(situation) if self._project is not None else None
        options = self._options.get(projection)
        if options is None:
            options = self._options[projection] = tuple(
                choices.options(facts, values) for choices in self._choices
            )
        return options
