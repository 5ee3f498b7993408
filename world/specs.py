"""Which build a vehicle has: its trim (engine, transmission, equipment) and what its model year fitted.

A vehicle's trim is drawn by weight on its own named stream among the trims its model's
generation offered (fleets among the trims fleets buy); its VIN then names trim and engine in the
VDS (``world.vin_factory``). Refrigerant, cabin filter and TPMS follow the model year: TPMS by the
FMVSS 138 phase-in, a whole model year of a model fitted or not, on a stream named by the model.

Every distinct spec gets an index, the vehicle's ``fitment``: parts and book hours depend on the
spec only, so they are worked out once per index (``world.assembly``).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

import world.crn as crn
from world.catalog import BuildSpecs, Condition, ModelSpecs, Trim, VehicleModel
from world.visit import VehicleSpec

TRIM_STREAM = crn.stream("vehicle", "trim")
TPMS_STREAM = crn.stream("model_year", "tpms")


@dataclass(frozen=True, slots=True)
class Fitment:
    """Everything parts and book hours depend on: the spec and the model's make and segment."""

    make: str
    segment: str
    spec: VehicleSpec


def value_of(fitment: Fitment, path: str) -> str:
    """A fact of the build named by a fitment.yaml path (``spec.engine.fuel``), as the YAML writes it."""
    value = fitment
    for name in path.split("."):
        value = getattr(value, name)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def holds(fitment: Fitment, condition: Condition) -> bool:
    return all(value_of(fitment, path) in values for path, values in condition)


class SpecBook:
    """Chooses vehicles' specs and numbers the distinct ones."""

    __slots__ = ("_specs", "_requires", "_choices", "_indices", "_lacks", "fitments")

    def __init__(self, specs: BuildSpecs, requires: dict[str, Condition]) -> None:
        """``requires``: the services and components a build has only on a condition."""
        self._specs = specs
        self._requires = requires
        self._lacks: dict[int, frozenset[str]] = {}
        # (make, model, year, fleet) -> the trims on offer, their cumulative weights and fitment indices
        self._choices: dict[tuple[str, str, int, bool], tuple[tuple[Trim, ...], list[float], list[int]]] = {}
        self._indices: dict[Fitment, int] = {}
        self.fitments: list[Fitment] = []

    def choose(self, model: VehicleModel, year: int, fleet: bool, key: int) -> tuple[int, Trim]:
        """(fitment index, trim) of a vehicle with this counter-based key."""
        choice = self._choices.get((model.make, model.model, year, fleet))
        if choice is None:
            generation = self._model(model).generation(year)
            # fleets buy fleet trims (every fleet model's generation has one: checked on load)
            trims = tuple(trim for trim in generation.trims if trim.fleet) if fleet else generation.trims
            choice = (trims, list(itertools.accumulate(trim.weight for trim in trims)), [-1] * len(trims))
            self._choices[model.make, model.model, year, fleet] = choice
        trims, cumulative, indices = choice
        position = bisect.bisect_right(cumulative, crn.uniform(key, TRIM_STREAM) * cumulative[-1])
        trim = trims[position]
        if indices[position] < 0:
            # One index per distinct build, not per (model, year, trim): most model years of a
            # generation build the same trim alike, and everything kept per index is shared.
            build = Fitment(model.make, model.segment, self._spec(model, year, trim))
            known = self._indices.setdefault(build, len(self.fitments))
            if known == len(self.fitments):
                self.fitments.append(build)
            indices[position] = known
        return indices[position], trim

    def spec(self, fitment: int) -> VehicleSpec:
        return self.fitments[fitment].spec

    def lacks(self, fitment: int) -> frozenset[str]:
        """The services and components (catalog keys) a build does not have."""
        lacking = self._lacks.get(fitment)
        if lacking is None:
            build = self.fitments[fitment]
            lacking = frozenset(
                key for key, condition in self._requires.items() if not holds(build, condition)
            )
            self._lacks[fitment] = lacking
        return lacking

    def _model(self, model: VehicleModel) -> ModelSpecs:
        return self._specs.models[model.make, model.model]

    def _spec(self, model: VehicleModel, year: int, trim: Trim) -> VehicleSpec:
        specs = self._model(model)
        if year < specs.r134a_from:
            refrigerant = "R-12"
        elif year < specs.r1234yf_from:
            refrigerant = "R-134a"
        else:
            refrigerant = "R-1234yf"
        return VehicleSpec(
            trim=trim.name,
            engine=trim.engine,
            transmission=trim.transmission,
            drivetrain=trim.drivetrain,
            refrigerant=refrigerant,
            tpms=self._tpms(model, year),
            cabin_filter=year >= specs.cabin_filter_from,
            headlamps=trim.headlamps,
            tire_size=trim.tire_size,
            engine_orientation=specs.generation(year).orientation,
        )

    def _tpms(self, model: VehicleModel, year: int) -> bool:
        if year >= self._specs.tpms_all_from:
            return True
        share = self._specs.tpms_shares.get(year, 0.0)
        return (
            share > 0 and crn.uniform(crn.stream("model", model.make, model.model), TPMS_STREAM, year) < share
        )
