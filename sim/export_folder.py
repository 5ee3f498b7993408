"""The ``--out`` folder of ``sim export``, under run_folder's rule: roworld deletes only what it made.

An export is written into ``OUT.partial`` (marked as roworld's when created, as a run's is) and
renamed to ``OUT`` once its receipt, ``export.json``, is written last. ``OUT`` may be missing or an
empty folder; anything else is replaced only with ``--force`` and only when it is provably an
earlier export: its receipt names roworld and lists every file the folder holds, so nothing the
user put there is lost.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sim.run_folder import PARTIAL_MARKER, json_in_folder, names_roworld
from world.errors import UserError

RECEIPT = "export.json"


def is_roworld_export(path: Path) -> bool:
    """A real folder whose receipt names roworld and lists every file in it."""
    receipt = json_in_folder(path, RECEIPT)
    files = receipt.get("files") if receipt else None
    if not (names_roworld(receipt) and isinstance(files, list)):
        return False
    found = {entry.relative_to(path).as_posix() for entry in path.rglob("*")}
    return found <= {RECEIPT, *(name for name in files if isinstance(name, str))}


def _is_empty_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink() and not any(path.iterdir())


def check_export_target(out: Path, dataset: Path, force: bool) -> None:
    """Refuse before any work: ``out`` inside the dataset, or taken by anything but an earlier export."""
    resolved, source = out.resolve(), dataset.resolve()
    if resolved == source or source in resolved.parents:
        raise UserError(f"{out} is inside the dataset {dataset}; an export never writes into its dataset")
    if not os.path.lexists(out) or _is_empty_folder(out):
        return
    if not is_roworld_export(out):
        raise UserError(
            f"{out} exists, is not empty and is not a roworld export (no {RECEIPT} listing every file in "
            "it); roworld replaces only its own exports, even with --force: choose another --out or move "
            "it away"
        )
    if not force:
        raise UserError(f"{out} already holds an export; pass --force to replace it")


def publish_export(work: Path, out: Path) -> None:
    """Put the finished ``work`` folder at ``out``, removing the empty folder or earlier export there."""
    (work / PARTIAL_MARKER).unlink()
    if _is_empty_folder(out):
        out.rmdir()
    elif os.path.lexists(out):
        if not is_roworld_export(out):
            raise UserError(f"{out} was not made by roworld; it is left as it is")
        shutil.rmtree(out)
    work.rename(out)
