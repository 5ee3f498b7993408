"""A dataset folder -> the metrics accumulator, streaming its part files line by line.

The manifest says which files exist (by role) and which window and targets the scenario had.
ROs and their truth rows are written side by side in the same order, so part N of
``repair_orders`` is read in step with part N of ``truth/visits`` and each pair is checked to name
the same RO.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from exporters.report.accumulator import MetricData, MetricsAccumulator
from exporters.report.targets import Target
from exporters.validation.manifest import inside
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
    if inside(dataset_dir, MANIFEST_NAME) is None:
        raise UserError(f"{path}: a link leading out of the dataset folder; not read")
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
    generator = manifest.get("generator")
    source = str(dataset_dir / MANIFEST_NAME)
    try:
        start, end = date.fromisoformat(scenario["start"]), date.fromisoformat(scenario["end"])
    except (KeyError, TypeError, ValueError):
        raise UserError(f"{source}: scenario.start and scenario.end must be ISO dates") from None
    return DatasetFacts(
        path=dataset_dir,
        scenario_name=str(scenario.get("name", "?")),
        seed=manifest.get("seed"),
        generator_version=str(generator.get("version", "?") if isinstance(generator, dict) else "?"),
        start=start,
        end=end,
        targets=parse_targets(scenario.get("targets"), source),
    )


def _files(dataset_dir: Path, manifest: dict[str, Any], role: str) -> list[Path]:
    source = dataset_dir / MANIFEST_NAME
    try:
        paths = sorted(entry["path"] for entry in manifest["files"] if entry.get("role") == role)
        if not all(isinstance(path, str) for path in paths):
            raise TypeError
    except (AttributeError, KeyError, TypeError):
        raise UserError(f"{source}: each files entry needs a path (text) and a role") from None
    files = []
    for relative in paths:
        path = inside(dataset_dir, relative)
        if path is None:
            raise UserError(f"{source}: the listed file {relative} leads out of the dataset folder")
        if not path.is_file():
            raise UserError(f"{dataset_dir}: files listed in the manifest are missing: {relative}")
        files.append(path)
    return files


class _Rows:
    """The JSON object rows of a file, remembering where the last one came from for error messages."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.number = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        try:
            with self.path.open("rb") as handle:
                for self.number, line in enumerate(handle, start=1):
                    try:
                        row = orjson.loads(line)
                    except orjson.JSONDecodeError as error:
                        raise UserError(f"{self.where}: not a JSON line: {error}") from None
                    if type(row) is not dict:
                        raise UserError(f"{self.where}: expected a JSON object, found {type(row).__name__}")
                    yield row
        except OSError as error:
            raise UserError(f"{self.path}: cannot read ({error.strerror})") from None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.number}"


@contextmanager
def _readable(rows: _Rows) -> Iterator[None]:
    """A row the metrics cannot read (a key missing, a value of the wrong kind) as a clear error."""
    try:
        yield
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise UserError(
            f"{rows.where}: not a row the report can read ({type(error).__name__}: {error}); "
            "check the dataset with python -m sim validate"
        ) from None


def read_metrics(dataset_dir: Path, manifest: dict[str, Any], start: date, end: date) -> MetricData:
    return read_into(MetricsAccumulator(start, end), dataset_dir, manifest).finish()


def read_into(
    accumulator: MetricsAccumulator, dataset_dir: Path, manifest: dict[str, Any]
) -> MetricsAccumulator:
    """Feeds the files the manifest (or a shard's listing) names to ``accumulator``; returns it."""
    ro_files = _files(dataset_dir, manifest, "repair_orders")
    truth_files = {path.name: path for path in _files(dataset_dir, manifest, "truth_visits")}
    for ro_path in ro_files:
        truth_path = truth_files.get(ro_path.name)
        if truth_path is None:
            raise UserError(
                f"{ro_path}: no truth/visits/{ro_path.name} beside it; the report needs ground truth"
            )
        ro_rows, truth_rows = _Rows(ro_path), _Rows(truth_path)
        truths = iter(truth_rows)
        with _readable(ro_rows):
            for ro in ro_rows:
                truth = next(truths, None)
                if truth is None or truth.get("ro_number") != ro.get("ro_number"):
                    raise UserError(
                        f"{truth_path}: truth rows are not in step with {ro_path} at RO {ro.get('ro_number')}"
                    )
                accumulator.add_ro(ro, truth)
        if next(truths, None) is not None:
            raise UserError(f"{truth_path}: more truth rows than ROs in {ro_path}")
    for role, add in (
        ("pii_spans", accumulator.add_span),
        ("truth_customers", accumulator.add_customer),
        ("truth_vehicles", accumulator.add_vehicle),
    ):
        for path in _files(dataset_dir, manifest, role):
            rows = _Rows(path)
            with _readable(rows):
                for row in rows:
                    add(row)
    return accumulator
