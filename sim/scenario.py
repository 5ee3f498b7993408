"""The scenario file: YAML -> a resolved, validated ``Scenario``.

The world's knobs are defined beside the world (``world.config``), the export's beside the
exporters (``exporters.config``); this module composes them, loads files, applies ``--set``
overrides and turns every validation failure into one message naming the file, the key path and
what was expected.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from exporters.config import ExportConfig
from exporters.report.targets import Target
from world.config import WorldConfig
from world.errors import UserError


class Scenario(BaseModel):
    """A whole scenario: what world to simulate, over which window, and how to export it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        description="Short name; the default output folder is out/<name>-seed<N>.",
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
    )
    description: str = Field("", description="What this scenario exercises.")
    start: date = Field(description="First day of the export window (inclusive).")
    end: date = Field(description="End of the export window (exclusive).")
    world: WorldConfig = Field(description="The simulated world.")
    export: ExportConfig = Field(default_factory=ExportConfig, description="How visits become ROs.")
    targets: tuple[Target, ...] = Field(
        (),
        description="What the data should look like: metrics with expected values and tolerances, "
        "checked by `sim report --check` and tuned by `sim calibrate`.",
    )

    @model_validator(mode="after")
    def _window(self) -> Scenario:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


def _key_path(item: Any) -> str:
    return ".".join(str(part) for part in item["loc"]) or "(top level)"


def _format_error(source: str, error: ValidationError) -> str:
    lines = [f"{source}: invalid scenario"]
    for item in error.errors():
        path = _key_path(item)
        found = item.get("input")
        found_text = "" if isinstance(found, dict | list) else f" (found {found!r})"
        lines.append(f"  {path}: {item['msg']}{found_text}")
    return "\n".join(lines)


def _parse_override(text: str) -> tuple[list[str], Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise UserError(f"--set {text!r}: expected key.path=value", expected="key.path=value")
    try:
        value = yaml.safe_load(raw) if raw else ""
    except yaml.YAMLError as error:
        raise UserError(
            f"--set {text!r}: the value is not valid YAML: {error}", key_path=key, expected="a YAML value"
        ) from None
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
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: cannot read scenario file: {error.strerror}", file=str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UserError(f"{path}: not valid YAML: {error}", file=str(path), expected="YAML") from None
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
        first = error.errors()[0]
        raise UserError(
            _format_error(source, error), file=source, key_path=_key_path(first), expected=first["msg"]
        ) from None


def scenario_json_schema() -> dict[str, Any]:
    return Scenario.model_json_schema()
