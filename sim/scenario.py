"""The scenario file: YAML -> a resolved, validated ``Scenario``.

The world's knobs are defined beside the world (``world.config``), the export's beside the
exporters (``exporters.config``); this module composes them, loads files, applies ``--set``
overrides and turns every validation failure into one message naming the file, the key path and
what was expected.
"""

from __future__ import annotations

import copy
import math
from datetime import date, datetime
from decimal import Decimal
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from exporters.config import ExportConfig
from exporters.report.targets import Target
from sim.scenario_yaml import ScenarioYamlError, parse_yaml
from world.config import WorldConfig
from world.errors import UserError
from world.vin import FIRST_CODED_YEAR, MODEL_YEAR_CODES, SECOND_CYCLE_YEAR

# The calendar the world can simulate: the model years the VIN's model-year code tells apart, two
# 30-year cycles from 1980 (49 CFR 565.15). The catalog's vehicles start at 1981, which an RO of
# 1980 may show (a model year runs up to the RO's year + 1).
EARLIEST_START = date(FIRST_CODED_YEAR, 1, 1)
LATEST_END = date(SECOND_CYCLE_YEAR + len(MODEL_YEAR_CODES), 1, 1)
# The export window plus the warm-up, in the world's years of 365.25 days: bounds one run's work.
MAX_SIMULATED_YEARS = 50
YEAR_DAYS = 365.25
# Scenarios are a few kilobytes; the cap keeps a device or a wrong file from being read whole.
MAX_SCENARIO_BYTES = 1_000_000
# A value echoed in an error message is cut to this many characters.
SHOWN_VALUE_CHARS = 80


class Scenario(BaseModel):
    """A whole scenario: what world to simulate, over which window, and how to export it."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(
        description="Short name; the default output folder is out/<name>-seed<N>.",
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        max_length=64,
    )
    description: str = Field("", description="What this scenario exercises.")
    start: date = Field(
        description=f"First day of the export window (inclusive), {EARLIEST_START} or later: the catalog's "
        f"vehicles are of model years {FIRST_CODED_YEAR + 1} to {LATEST_END.year - 1}."
    )
    end: date = Field(
        description=f"End of the export window (exclusive), {LATEST_END} at the latest. The export window "
        f"plus world.warmup_years is at most {MAX_SIMULATED_YEARS} years."
    )
    world: WorldConfig = Field(description="The simulated world.")
    export: ExportConfig = Field(default_factory=ExportConfig, description="How visits become ROs.")
    targets: tuple[Target, ...] = Field(
        (),
        description="What the data should look like: metrics with expected values and tolerances, "
        "checked by `sim report --check` and tuned by `sim calibrate`.",
    )

    @field_validator("start", "end")
    @classmethod
    def _supported_calendar(cls, day: date) -> date:
        if not EARLIEST_START <= day <= LATEST_END:
            raise ValueError(f"expected a date from {EARLIEST_START} to {LATEST_END}")
        return day

    @model_validator(mode="after")
    def _window(self) -> Scenario:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        years = (self.end - self.start).days / YEAR_DAYS + self.world.warmup_years
        if years > MAX_SIMULATED_YEARS:
            raise ValueError(
                f"the export window (start to end) plus world.warmup_years is at most {MAX_SIMULATED_YEARS} "
                f"years, found {years:.1f}"
            )
        return self

    @model_validator(mode="after")
    def _realistic_phones_have_numbers(self) -> Scenario:
        # Realistic phones are drawn until libphonenumber accepts one; an area code not in service
        # has none, and the run would stop at its first customer.
        if self.export.phone_mode != "realistic" or find_spec("phonenumbers") is None:
            return self  # without the realistic extra, sim.extras refuses the run and names it
        unassigned = [
            f"world.regions.{index}.area_codes: {code}"
            for index, region in enumerate(self.world.regions)
            for code in region.area_codes
            if not _in_service(code)
        ]
        if unassigned:
            raise ValueError(
                "export.phone_mode realistic needs area codes in service; not in service: "
                + ", ".join(unassigned)
            )
        return self


def _in_service(area_code: int) -> bool:
    """Whether libphonenumber accepts numbers of ``area_code`` (of any of its exchanges)."""
    import phonenumbers  # the realistic extra: the caller has checked it is installed

    return any(
        phonenumbers.is_valid_number(phonenumbers.parse(f"+1{area_code}{exchange}0000"))
        for exchange in range(200, 1000)
    )


def _shown(value: Any) -> str:
    """A value as the user wrote it in YAML, not as Python spells it; long text is cut."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, date | datetime):
        text = value.isoformat()
    elif isinstance(value, float) and not math.isfinite(value):
        text = ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, int | float | Decimal):
        text = str(value)
    else:
        text = repr(value)
    if len(text) > SHOWN_VALUE_CHARS:
        text = f"{text[: SHOWN_VALUE_CHARS - 3]}..."
    return text


def _key_path(item: Any) -> str:
    return ".".join(str(part) for part in item["loc"]) or "(top level)"


def _expectation(item: Any) -> str:
    return item["msg"].removeprefix("Value error, ")


def _reported(error: ValidationError) -> list[Any]:
    """The errors worth a line: pydantic reports a list as too short again when one of its items
    failed (it counts the valid ones), which repeats the item's error in a misleading way."""
    items = error.errors()
    locations = [item["loc"] for item in items]
    return [
        item
        for item in items
        if not (
            item["type"] == "too_short"
            and any(
                len(other) > len(item["loc"]) and other[: len(item["loc"])] == item["loc"]
                for other in locations
            )
        )
    ]


def _format_error(source: str, items: list[Any]) -> str:
    lines = [f"{source}: invalid scenario"]
    for item in items:
        found = item.get("input")
        found_text = "" if isinstance(found, dict | list | tuple) else f" (found {_shown(found)})"
        lines.append(f"  {_key_path(item)}: {_expectation(item)}{found_text}")
    return "\n".join(lines)


def _parse_override(text: str) -> tuple[list[str], Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise UserError(f"--set {text!r}: expected key.path=value", expected="key.path=value")
    try:
        value = parse_yaml(raw) if raw else ""
    except ScenarioYamlError as error:
        where = f"{key}.{error.key_path}" if error.key_path else key
        raise UserError(f"--set {text!r}: {error}", key_path=where, expected="a YAML value") from None
    return key.split("."), value


def _apply_override(data: dict[str, Any], path: list[str], value: Any, text: str) -> None:
    node: Any = data
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        where = ".".join(path[: depth + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise UserError(
                    f"--set {text!r}: {where} is not an index of a list of {len(node)}",
                    key_path=where,
                    expected=f"an index below {len(node)}",
                )
            index = int(part)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            where = ".".join(path[:depth])
            raise UserError(
                f"--set {text!r}: {where} is a value, not a mapping", key_path=where, expected="a mapping"
            )


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, override and validate a scenario file; raise ``UserError`` naming what is wrong."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_SCENARIO_BYTES + 1)
    except OSError as error:
        raise UserError(f"{path}: cannot read scenario file: {error.strerror}", file=str(path)) from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise UserError(
            f"{path}: a scenario file is at most {MAX_SCENARIO_BYTES:,} bytes",
            file=str(path),
            expected=f"at most {MAX_SCENARIO_BYTES:,} bytes",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = error.object[error.start]
        raise UserError(
            f"{path}: not UTF-8 text (byte 0x{byte:02x} at offset {error.start}); save the scenario as UTF-8",
            file=str(path),
            expected="UTF-8 text",
        ) from None
    try:
        data = parse_yaml(text)
    except ScenarioYamlError as error:
        raise UserError(
            f"{path}: {error}", file=str(path), key_path=error.key_path, expected="YAML"
        ) from None
    return load_scenario_mapping(data, overrides, source=str(path))


def load_scenario_mapping(
    data: Any, overrides: list[str] | tuple[str, ...] = (), source: str = "<dict>"
) -> Scenario:
    """Override and validate a scenario given as a mapping, exactly as a file's; ``data`` is not changed.

    ``source`` stands for the file in error messages.
    """
    if not isinstance(data, dict):
        raise UserError(
            f"{source}: expected a mapping of scenario keys at the top level",
            file=source,
            expected="a mapping of scenario keys",
        )
    data = copy.deepcopy(data)
    for override in overrides:
        keys, value = _parse_override(override)
        _apply_override(data, keys, value, override)
    return scenario_from_dict(data, source=source)


def scenario_from_dict(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        items = _reported(error)
        raise UserError(
            _format_error(source, items),
            file=source,
            key_path=_key_path(items[0]),
            expected=_expectation(items[0]),
        ) from None


def scenario_json_schema() -> dict[str, Any]:
    return Scenario.model_json_schema()
