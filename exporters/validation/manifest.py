"""Manifest checks: listed files exist inside the dataset with their sha256 and record count; RO and
span files are listed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import orjson

from exporters.validation.duplicates import repeated_key_violations
from exporters.violation import Violation
from world.errors import UserError

MANIFEST = "manifest.json"
LISTED_DIRECTORIES = ("repair_orders", "pii_spans")
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class ListedFile:
    path: str
    role: str
    records: int
    sha256: str


def read_manifest(folder: Path) -> tuple[dict[str, ListedFile] | None, Violation | None]:
    """The files the manifest lists by relative path, or the M1 violation that makes it unusable."""
    path = folder / MANIFEST
    if not path.is_file():
        return None, Violation(
            "M1-manifest", (), "no manifest.json: the dataset is incomplete", MANIFEST, "absent"
        )
    if inside(folder, MANIFEST) is None:
        return None, outside(MANIFEST)
    try:
        text = path.read_bytes()
        manifest = orjson.loads(text)
        files = {
            entry["path"]: ListedFile(entry["path"], entry["role"], entry["records"], entry["sha256"])
            for entry in manifest["files"]
        }
    except (orjson.JSONDecodeError, OSError, TypeError, KeyError) as error:
        return None, Violation(
            "M1-manifest", (), f"manifest.json is unreadable ({type(error).__name__}: {error})"
        )
    if len(files) != len(manifest["files"]):
        return None, Violation(
            "M1-manifest", (), "manifest.json lists a path twice", "each path once", "repeated"
        )
    repeated = repeated_key_violations(text, manifest)
    if repeated:
        return None, Violation("M1-manifest", repeated[0].loc, f"manifest.json: {repeated[0].message}")
    for listed in files.values():
        if not (
            isinstance(listed.path, str)
            and isinstance(listed.records, int)
            and isinstance(listed.sha256, str)
        ):
            return None, Violation(
                "M1-manifest",
                (),
                "manifest.json files entries need path, records and sha256",
                "string path, integer records, string sha256",
                repr(listed),
            )
    return files, None


def inside(folder: Path, relative: str) -> Path | None:
    """The file ``relative`` (a manifest path) names in ``folder``; None when it would lead out of it:
    an absolute path, a ``..`` part, or a symlink (of the file or a folder on the way) pointing outside."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
        return None
    path = folder / relative
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: OSError from Python 3.13, RuntimeError before
        return None
    return path if resolved.is_relative_to(folder.resolve()) else None


def outside(relative: str) -> Violation:
    return Violation(
        "M6-file-path",
        (),
        f"{relative} leads out of the dataset folder; not read",
        "a relative path inside the dataset folder",
        relative,
    )


def files_on_disk(folder: Path) -> list[str]:
    """Relative paths of the RO and span files the manifest must list."""
    return sorted(
        path.relative_to(folder).as_posix()
        for directory in LISTED_DIRECTORIES
        for path in (folder / directory).glob("*.jsonl")
    )


def digest_file(path: Path) -> tuple[str, int | str]:
    """(sha256, record count) of a file: JSON lines, or rows for Parquet; instead of the count, why
    the file has none (an unreadable Parquet file)."""
    hasher = hashlib.sha256()
    newlines = 0
    last = b"\n"
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                hasher.update(chunk)
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError as error:
        raise UserError(f"{path}: cannot read ({error.strerror})") from None
    if path.suffix == ".parquet":
        return hasher.hexdigest(), _parquet_rows(path)
    return hasher.hexdigest(), newlines + (last != b"\n")


def _parquet_rows(path: Path) -> int | str:
    import pyarrow  # only here: a dataset of JSON lines does not pay for importing it
    import pyarrow.parquet as parquet

    try:
        return parquet.ParquetFile(path).metadata.num_rows
    except (pyarrow.ArrowException, OSError) as error:  # truncated or not Parquet at all
        return f"not a readable Parquet file ({error})"


def check_listed(listed: ListedFile, exists: bool, sha256: str, records: int | str) -> list[Violation]:
    if not exists:
        return [Violation("M2-file-missing", (), f"{listed.path} is listed but missing", "present", "absent")]
    out = []
    if sha256 != listed.sha256:
        out.append(
            Violation(
                "M3-checksum", (), f"{listed.path} sha256 differs from the manifest", listed.sha256, sha256
            )
        )
    if isinstance(records, str):
        out.append(
            Violation(
                "M4-record-count", (), f"{listed.path} records cannot be counted", listed.records, records
            )
        )
    elif records != listed.records:
        out.append(
            Violation(
                "M4-record-count",
                (),
                f"{listed.path} record count differs from the manifest",
                listed.records,
                records,
            )
        )
    return out


def unlisted(path: str) -> Violation:
    return Violation("M5-unlisted-file", (), f"{path} is not listed in manifest.json", "listed", "unlisted")
