"""A dataset folder -> the metrics accumulator, streaming its part files line by line.

The manifest says which files exist (by role) and which window and targets the scenario had.
ROs and their truth rows are written side by side in the same order, so part N of
``repair_orders`` is read in step with part N of ``truth/visits`` and each pair is checked to name
the same RO.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from exporters.report.accumulator import MetricData, MetricsAccumulator
from exporters.report.targets import Target
from world.errors import UserError

MANIFEST_NAME = "manifest.json"
_TARGETS = TypeAdapter(tuple[Target, ...])


@dataclass(frozen=True)
class DatasetFacts:
    """What the report states about the dataset besides its metrics."""

    path: Path
    scenario_name: str
    seed: Any
    generator_version: str
    start: date
    end: date
    targets: tuple[Target, ...]


def read_manifest(dataset_dir: Path) -> dict[str, Any]:
    if not dataset_dir.is_dir():
        raise UserError(f"{dataset_dir}: no such dataset folder")
    path = dataset_dir / MANIFEST_NAME
    if not path.is_file():
        raise UserError(f"{path}: no manifest; is this a finished dataset folder (python -m sim run)?")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{path}: cannot read the manifest: {error}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise UserError(f"{path}: expected a manifest object with a files list")
    return manifest


def parse_targets(raw: Any, source: str) -> tuple[Target, ...]:
    try:
        return _TARGETS.validate_python(raw or ())
    except ValidationError as error:
        problems = "; ".join(
            f"targets.{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()
        )
        raise UserError(f"{source}: invalid targets: {problems}") from None


def dataset_facts(dataset_dir: Path, manifest: dict[str, Any]) -> DatasetFacts:
    scenario = manifest.get("scenario") or {}
    source = str(dataset_dir / MANIFEST_NAME)
    try:
        start, end = date.fromisoformat(scenario["start"]), date.fromisoformat(scenario["end"])
    except (KeyError, TypeError, ValueError):
        raise UserError(f"{source}: scenario.start and scenario.end must be ISO dates") from None
    return DatasetFacts(
        path=dataset_dir,
        scenario_name=str(scenario.get("name", "?")),
        seed=manifest.get("seed"),
        generator_version=str((manifest.get("generator") or {}).get("version", "?")),
        start=start,
        end=end,
        targets=parse_targets(scenario.get("targets"), source),
    )


def _files(dataset_dir: Path, manifest: dict[str, Any], role: str) -> list[Path]:
    paths = sorted(entry["path"] for entry in manifest["files"] if entry.get("role") == role)
    missing = [path for path in paths if not (dataset_dir / path).is_file()]
    if missing:
        raise UserError(f"{dataset_dir}: files listed in the manifest are missing: {', '.join(missing)}")
    return [dataset_dir / path for path in paths]


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise UserError(f"{path}:{number}: not a JSON line: {error}") from None


def read_metrics(dataset_dir: Path, manifest: dict[str, Any], start: date, end: date) -> MetricData:
    accumulator = MetricsAccumulator(start, end)
    ro_files = _files(dataset_dir, manifest, "repair_orders")
    truth_files = {path.name: path for path in _files(dataset_dir, manifest, "truth_visits")}
    for ro_path in ro_files:
        truth_path = truth_files.get(ro_path.name)
        if truth_path is None:
            raise UserError(
                f"{ro_path}: no truth/visits/{ro_path.name} beside it; the report needs ground truth"
            )
        truths = _lines(truth_path)
        for ro in _lines(ro_path):
            truth = next(truths, None)
            if truth is None or truth.get("ro_number") != ro.get("ro_number"):
                raise UserError(
                    f"{truth_path}: truth rows are not in step with {ro_path} at RO {ro.get('ro_number')}"
                )
            accumulator.add_ro(ro, truth)
        if next(truths, None) is not None:
            raise UserError(f"{truth_path}: more truth rows than ROs in {ro_path}")
    for path in _files(dataset_dir, manifest, "pii_spans"):
        for span in _lines(path):
            accumulator.add_span(span)
    for path in _files(dataset_dir, manifest, "truth_customers"):
        for row in _lines(path):
            accumulator.add_customer(row)
    for path in _files(dataset_dir, manifest, "truth_vehicles"):
        for row in _lines(path):
            accumulator.add_vehicle(row)
    return accumulator.finish()
