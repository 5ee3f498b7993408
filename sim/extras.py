"""Features that need an optional extra, checked before a command writes or simulates anything.

Without the check, a missing extra surfaces as a traceback halfway through a run and leaves a
``.partial`` folder behind. Each feature names the extra (a key of ``[project.optional-dependencies]``
in pyproject.toml) and the modules it installs; ``find_spec`` looks for a module without importing it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING

from world.errors import UserError

if TYPE_CHECKING:
    from sim.scenario import Scenario


@dataclass(frozen=True)
class Extra:
    name: str
    modules: tuple[str, ...]


DASK_ENGINE = "--engine dask"
REALISTIC_PHONES = "export.phone_mode=realistic"
SCORE_RETRIEVAL = "sim score retrieval"
SCORE_REDACTION = "sim score redaction"

# Feature, as the user asks for it -> the extra that provides it.
FEATURES = {
    DASK_ENGINE: Extra("dask", ("dask", "distributed")),
    REALISTIC_PHONES: Extra("realistic", ("phonenumbers",)),
    SCORE_RETRIEVAL: Extra("eval", ("ranx",)),
    SCORE_REDACTION: Extra("redaction", ("nervaluate",)),
}


def install_line(extra: str) -> str:
    return f"pip install -e '.[{extra}]'"


def require(feature: str) -> None:
    """Raise ``UserError`` naming the extra to install when a module of ``feature`` is missing."""
    extra = FEATURES[feature]
    missing = [module for module in extra.modules if importlib.util.find_spec(module) is None]
    if missing:
        raise UserError(
            f"{feature} needs the {extra.name} extra (not installed: {', '.join(missing)}): "
            f"{install_line(extra.name)}",
            expected=f"the {extra.name} extra",
        )


def require_for_scenario(scenario: Scenario) -> None:
    """The extras a scenario's own options need, wherever it is simulated (run, calibrate)."""
    if scenario.export.phone_mode == "realistic":
        require(REALISTIC_PHONES)


def require_for_run(scenario: Scenario, engine: str) -> None:
    require_for_scenario(scenario)
    if engine == "dask":
        require(DASK_ENGINE)
