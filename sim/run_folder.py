"""The paths around ``--out`` and the one rule for touching them: roworld deletes only what it made.

A run writes into ``OUT.partial``, marked as roworld's by ``PARTIAL_MARKER`` the moment it is
created; publishing renames it to ``OUT``, moving an older dataset aside to ``OUT.replaced`` for
the swap. A folder is provably roworld's when it holds that marker (an unfinished run) or a
``manifest.json`` naming roworld as its generator (a dataset). Anything else found at these paths
is the user's: it is refused with a UserError and left as it is, even with ``--force``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import orjson

from exporters.manifest import MANIFEST_NAME
from world.errors import UserError

PARTIAL_MARKER = ".roworld-partial"
MANIFEST_MAX_BYTES = 64 << 20  # far above any real manifest; a bigger file is not one


def partial_dir(out_dir: Path) -> Path:
    return out_dir.with_name(out_dir.name + ".partial")


def replaced_dir(out_dir: Path) -> Path:
    return out_dir.with_name(out_dir.name + ".replaced")


def out_folder(out_dir: Path) -> Path:
    """``--out`` of a dataset or an export as an absolute path whose parent folder exists (created if
    needed)."""
    final = Path(os.path.abspath(out_dir))
    if not final.name:
        raise UserError(f"--out {out_dir} names no folder; give the folder's path")
    for ancestor in reversed(final.parents):
        if os.path.lexists(ancestor) and not ancestor.is_dir():
            raise UserError(f"--out {out_dir}: {ancestor} is a file, not a folder")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"--out {out_dir}: cannot create {final.parent} ({error.strerror})") from None
    return final


def json_in_folder(path: Path, name: str) -> dict[str, Any] | None:
    """The JSON object in the file ``name`` of the real folder (not a link) ``path``; None when there
    is no such file or it is not a JSON object of a sane size."""
    document_path = path / name
    if path.is_symlink() or not path.is_dir() or not document_path.is_file():
        return None
    if document_path.stat().st_size > MANIFEST_MAX_BYTES:
        return None
    try:
        document = orjson.loads(document_path.read_bytes())
    except (orjson.JSONDecodeError, OSError):
        return None
    return document if isinstance(document, dict) else None


def names_roworld(document: dict[str, Any] | None) -> bool:
    """Whether a manifest or receipt names roworld as its generator."""
    generator = document.get("generator") if document else None
    return isinstance(generator, dict) and generator.get("name") == "roworld"


def is_roworld_dataset(path: Path) -> bool:
    """A real folder (not a link) whose manifest names roworld as its generator."""
    return names_roworld(json_in_folder(path, MANIFEST_NAME))


def is_roworld_partial(path: Path) -> bool:
    """An unfinished run's folder: marked when created, or already holding its manifest."""
    if path.is_symlink() or not path.is_dir():
        return False
    return (path / PARTIAL_MARKER).is_file() or is_roworld_dataset(path)


def check_target(final: Path, force: bool) -> None:
    """Refuse before any work unless ``final`` is free, or is a roworld dataset and ``force`` is set."""
    if not os.path.lexists(final):
        return
    if not is_roworld_dataset(final):
        raise UserError(
            f"{final} exists and is not a roworld dataset (no manifest.json naming roworld); roworld "
            "replaces only its own datasets, even with --force: choose another --out or move it away"
        )
    if not force:
        raise UserError(f"{final} already exists; pass --force to replace it")
    retired = replaced_dir(final)
    if os.path.lexists(retired) and not is_roworld_dataset(retired):
        raise UserError(
            f"{retired} exists and is not a roworld dataset; roworld needs that name to replace {final} "
            "and deletes only what it made: move it away"
        )


def check_partial(work: Path) -> None:
    if os.path.lexists(work) and not is_roworld_partial(work):
        raise UserError(
            f"{work} exists but roworld did not make it (no {PARTIAL_MARKER} marker and no roworld "
            "manifest inside); roworld deletes only what it made: move it away or choose another --out"
        )


def create_partial(work: Path) -> None:
    work.mkdir()
    (work / PARTIAL_MARKER).write_text("an unfinished roworld run; --resume continues it\n")


def remove_own(path: Path) -> None:
    """Delete a folder roworld made; anything it cannot prove it made is refused."""
    if not (is_roworld_partial(path) or is_roworld_dataset(path)):
        raise UserError(f"{path} was not made by roworld; it is left as it is")
    shutil.rmtree(path)


def publish(work: Path, final: Path) -> None:
    """Swap the finished folder into place; an older dataset is removed only after the swap."""
    (work / PARTIAL_MARKER).unlink()
    retired = replaced_dir(final)
    replacing = os.path.lexists(final)
    if replacing:
        if os.path.lexists(retired):
            remove_own(retired)
        final.rename(retired)
    work.rename(final)
    if replacing:
        remove_own(retired)
