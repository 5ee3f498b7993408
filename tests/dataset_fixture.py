"""The hand-written valid dataset of tests/data/dataset, and tools to mutate a copy of it.

Eight ROs over two shops (OH101 in part-00000, TX205 in part-00001) with repeat VINs and
customers, a fleet account, warranty, internal and mixed pay, fees, discounts and labelled PII spans.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import orjson

DATASET = Path(__file__).parent / "data" / "dataset"


def fixture_ros() -> list[dict[str, Any]]:
    """All ROs of the fixture in file order: part-00000 (OH101) then part-00001 (TX205)."""
    return [
        orjson.loads(line)
        for part in sorted((DATASET / "repair_orders").glob("*.jsonl"))
        for line in part.read_bytes().splitlines()
    ]


def fixture_ro(ro_number: str) -> dict[str, Any]:
    return copy.deepcopy(next(ro for ro in fixture_ros() if ro["ro_number"] == ro_number))


def copy_dataset(target: Path) -> Path:
    folder = target / "dataset"
    shutil.copytree(DATASET, folder)
    return folder


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def write_jsonl(path: Path, records: list[Any]) -> None:
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))


def replace_ro(folder: Path, ro: dict[str, Any], ro_number: str | None = None) -> None:
    """Put ``ro`` in place of the RO numbered ``ro_number`` (default: its own), and refresh the manifest."""
    wanted = ro_number or ro["ro_number"]
    for part in sorted((folder / "repair_orders").glob("*.jsonl")):
        records = read_jsonl(part)
        for position, record in enumerate(records):
            if record["ro_number"] == wanted:
                records[position] = ro
                write_jsonl(part, records)
                refresh_manifest(folder)
                return
    raise KeyError(wanted)


def refresh_manifest(folder: Path) -> None:
    """Rewrite the sha256 and record count of every file the manifest lists."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    for entry in manifest["files"]:
        data = (folder / entry["path"]).read_bytes()
        entry["sha256"] = hashlib.sha256(data).hexdigest()
        entry["records"] = data.count(b"\n")
    path.write_text(json.dumps(manifest, sort_keys=True, indent=2) + "\n")
