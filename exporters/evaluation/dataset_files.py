"""Reading a finished dataset folder for its answer keys: the manifest, then part files by role.

Answer keys are made from what a dataset holds on disk (its manifest, ROs and truth files), never
from a simulation, so they can be rebuilt from a dataset alone. Files are found through the
manifest's file list and read line by line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from world.errors import UserError

MANIFEST_NAME = "manifest.json"


class DatasetFiles:
    """A dataset folder whose manifest has been read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        manifest_path = folder / MANIFEST_NAME
        if not folder.is_dir():
            raise UserError(f"{folder}: no such dataset folder")
        if not manifest_path.is_file():
            raise UserError(f"{folder}: not a dataset (no {MANIFEST_NAME}; an unfinished run has none)")
        try:
            self.manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
            self.seed = int(self.manifest["seed"])
            self._files = [(entry["path"], entry["role"]) for entry in self.manifest["files"]]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise UserError(f"{manifest_path}: cannot read the manifest's seed and files: {error}") from None

    def has(self, role: str) -> bool:
        return any(file_role == role for _, file_role in self._files)

    def rows(self, role: str) -> Iterator[dict[str, Any]]:
        """Every JSON Lines record of the files of ``role``, in the manifest's (sorted) file order."""
        paths = [path for path, file_role in self._files if file_role == role]
        if not paths:
            raise UserError(f"{self.folder}: the manifest lists no {role} files")
        for relative in paths:
            path = self.folder / relative
            try:
                with path.open("rb") as handle:
                    for number, line in enumerate(handle, start=1):
                        try:
                            yield orjson.loads(line)
                        except orjson.JSONDecodeError as error:
                            raise UserError(f"{path}:{number}: not a JSON record: {error}") from None
            except OSError as error:
                raise UserError(f"{path}: cannot read: {error}") from None
