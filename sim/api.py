"""roworld as a library: write a dataset or open one, and read it back as Python objects.

``generate`` resolves the scenario as ``sim run`` does and calls the same ``run_dataset``, so it
writes the same bytes. Errors are the CLI's: a ``UserError`` raised instead of printed.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from exporters.manifest import MANIFEST_NAME
from sim.run import RunOptions, default_out_dir, run_dataset
from sim.scenario import load_scenario, load_scenario_mapping
from world.errors import UserError

TRUTH_ROLE_PREFIX = "truth_"
_ARROW_BATCH_ROWS = 8192


@dataclass(frozen=True)
class Dataset:
    """A complete roworld dataset folder (one with its manifest), read lazily file by file."""

    path: Path
    manifest: dict[str, Any] = field(repr=False)

    def _files(self, role: str) -> list[Path]:
        # The manifest lists files sorted by path, so parts come in shard order.
        return [self.path / entry["path"] for entry in self.manifest["files"] if entry["role"] == role]

    def _rows(self, role: str) -> Iterator[dict[str, Any]]:
        for path in self._files(role):
            try:
                handle = path.open("rb")
            except OSError as error:
                raise UserError(
                    f"{path}: listed in {MANIFEST_NAME} but cannot be read ({error.strerror})", file=str(path)
                ) from None
            with handle:
                for line in handle:
                    yield orjson.loads(line)

    def ros(self) -> Iterator[dict[str, Any]]:
        """Every repair order, one dict per JSON line, streamed across the parts in shard order."""
        return self._rows("repair_orders")

    def spans(self) -> Iterator[dict[str, Any]]:
        """Every labelled PII span of the narratives."""
        return self._rows("pii_spans")

    @property
    def truth_names(self) -> list[str]:
        roles = {entry["role"] for entry in self.manifest["files"]}
        return sorted(
            role.removeprefix(TRUTH_ROLE_PREFIX) for role in roles if role.startswith(TRUTH_ROLE_PREFIX)
        )

    def truth(self, name: str) -> Iterator[dict[str, Any]]:
        """The rows of ``truth/<name>/`` (visits, customers, vehicles, shops)."""
        names = self.truth_names
        if name not in names:
            raise UserError(
                f"{self.path}: no truth table {name!r}; this dataset has {', '.join(names) or 'none'}",
                file=str(self.path),
                expected=f"one of {', '.join(names)}",
            )
        return self._rows(TRUTH_ROLE_PREFIX + name)

    def to_arrow(self):
        """The ROs as a pyarrow Table with the schema of ``--format parquet`` (money as exact decimals)."""
        import pyarrow as pa

        from exporters.writers import ros_to_arrow_table

        ros = self.ros()
        tables = []
        while batch := list(islice(ros, _ARROW_BATCH_ROWS)):
            tables.append(ros_to_arrow_table(batch))
        return pa.concat_tables(tables) if tables else ros_to_arrow_table([])

    def validate(self):
        """Run every rule of ``sim validate`` on this folder; the result is its ``Report`` (empty ``counts``
        when clean, every violation in ``findings``)."""
        from exporters.validation.findings import Report
        from exporters.validation.runner import validate_paths

        report = Report(keep=True)
        validate_paths([self.path], report)
        return report


def generate(
    scenario: str | Path | Mapping[str, Any],
    seed: int,
    out: str | Path | None = None,
    overrides: Sequence[str] | None = None,
    workers: int | None = None,
    *,
    force: bool = False,
) -> Dataset:
    """Simulate ``scenario`` (a YAML path, or a mapping validated like a file) and write its dataset.

    ``overrides`` are ``--set`` strings (``"export.narrative_pii_rate=0.3"``); ``out`` defaults to
    ``out/<scenario name>-seed<seed>`` as with ``sim run``; ``workers=None`` keeps ``RunOptions``'s default;
    ``force`` replaces an existing dataset.
    """
    if isinstance(overrides, str):
        raise UserError(
            f"overrides: expected a list of 'key.path=value' strings, got the string {overrides!r}",
            expected="a list of 'key.path=value' strings",
        )
    try:
        seed = operator.index(seed)
    except TypeError:
        raise UserError(f"seed must be a non-negative integer, got {seed!r}", expected="an integer") from None
    overrides = tuple(overrides or ())
    if isinstance(scenario, Mapping):
        resolved = load_scenario_mapping(dict(scenario), overrides)
    else:
        resolved = load_scenario(scenario, overrides)
    out_dir = Path(out) if out is not None else default_out_dir(resolved, seed)
    tuning = {} if workers is None else {"workers": workers}
    options = RunOptions(seed=seed, out_dir=out_dir, force=force, show_progress=False, **tuning)
    return open_dataset(run_dataset(resolved, options).dataset_dir)


def open_dataset(path: str | Path) -> Dataset:
    """The dataset in folder ``path``; a folder without a roworld manifest is refused."""
    path = Path(path)
    manifest_path = path / MANIFEST_NAME
    if not path.is_dir():
        raise UserError(f"{path}: no such dataset folder", file=str(path), expected="a dataset folder")
    try:
        manifest = orjson.loads(manifest_path.read_bytes())
    except FileNotFoundError:
        raise UserError(
            f"{path}: not a dataset (no {MANIFEST_NAME}: an unfinished run, or not written by roworld)",
            file=str(manifest_path),
            expected=MANIFEST_NAME,
        ) from None
    except (OSError, orjson.JSONDecodeError) as error:
        raise UserError(
            f"{manifest_path}: cannot read the manifest ({error})", file=str(manifest_path), expected="JSON"
        ) from None
    generator = manifest.get("generator") if isinstance(manifest, dict) else None
    if not isinstance(generator, dict) or generator.get("name") != "roworld" or "files" not in manifest:
        raise UserError(
            f"{manifest_path}: not a roworld manifest (expected generator.name 'roworld' and a files list)",
            file=str(manifest_path),
            key_path="generator.name",
            expected="roworld",
        )
    return Dataset(path, manifest)
