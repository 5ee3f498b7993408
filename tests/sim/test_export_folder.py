"""``sim export``'s --out: written whole or not at all, never inside the dataset, and only an earlier
export (every file listed in its receipt) is replaced, with --force."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sim.cli import main
from sim.export_folder import RECEIPT, is_roworld_export
from sim.run_folder import PARTIAL_MARKER
from tests.dataset_fixture import DATASET, copy_dataset


def export(out: Path, *extra: str, dataset: Path = DATASET) -> int:
    return main(["export", "redaction", str(dataset), "--to", "conll", "--out", str(out), *extra])


def test_an_export_is_published_whole_with_a_receipt_listing_its_files(tmp_path, capsys):
    out = tmp_path / "deep" / "export"
    assert export(out) == 0
    # 11 jobs of three narratives and 7 notes that are not empty.
    assert f"{out}: 40 narratives, 8 PII spans (conll)" in capsys.readouterr().out
    assert sorted(path.name for path in out.iterdir()) == ["documents.tsv", RECEIPT, "narratives.conll"]
    assert is_roworld_export(out)
    assert not os.path.lexists(tmp_path / "deep" / "export.partial")


def test_an_empty_folder_is_filled_and_an_earlier_export_needs_force(tmp_path, capsys):
    out = tmp_path / "export"
    out.mkdir()
    assert export(out) == 0
    assert export(out) == 2
    assert "already holds an export; pass --force" in capsys.readouterr().err
    assert main(["export", "redaction", str(DATASET), "--to", "presidio", "--out", str(out), "--force"]) == 0
    assert sorted(path.name for path in out.iterdir()) == [RECEIPT, "presidio.json"]
    assert json.loads((out / RECEIPT).read_text())["format"] == "presidio"


def test_a_folder_of_the_users_is_never_replaced_even_with_force(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    assert export(mine, "--force") == 2
    assert "is not a roworld export" in capsys.readouterr().err
    assert (mine / "notes.txt").read_text() == "keep me"
    # An export the user added a file to is theirs too now: the receipt does not list that file.
    out = tmp_path / "export"
    assert export(out) == 0
    (out / "labels.txt").write_text("mine")
    assert not is_roworld_export(out)
    assert export(out, "--force") == 2
    assert (out / "labels.txt").read_text() == "mine"
    # A file at --out is refused as well.
    (tmp_path / "file").write_text("x")
    assert export(tmp_path / "file", "--force") == 2
    assert (tmp_path / "file").read_text() == "x"


def test_an_interrupted_exports_partial_folder_is_replaced_and_a_users_is_refused(tmp_path, capsys):
    out = tmp_path / "export"
    partial = tmp_path / "export.partial"
    partial.mkdir()
    (partial / PARTIAL_MARKER).write_text("")
    (partial / "narratives.conll").write_text("half")
    assert export(out) == 0
    assert not partial.exists() and is_roworld_export(out)
    other = tmp_path / "other"
    (tmp_path / "other.partial").mkdir()
    (tmp_path / "other.partial" / "mine.txt").write_text("keep")
    assert export(other) == 2
    assert "roworld did not make it" in capsys.readouterr().err
    assert (tmp_path / "other.partial" / "mine.txt").read_text() == "keep"
    assert not os.path.lexists(other)


def test_never_writes_into_the_dataset(tmp_path, capsys):
    dataset = copy_dataset(tmp_path)
    before = sorted(path.relative_to(dataset) for path in dataset.rglob("*"))
    for out in (dataset, dataset / "export", dataset / "pii_spans" / "export"):
        assert export(out, "--force", dataset=dataset) == 2
        assert "inside the dataset" in capsys.readouterr().err
    assert sorted(path.relative_to(dataset) for path in dataset.rglob("*")) == before


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda folder: None, "no such dataset folder"),
        (lambda folder: folder.mkdir(), "not a dataset (no manifest.json"),
        (
            lambda folder: (folder.mkdir(), (folder / "manifest.json").write_text("{")),
            "cannot read the manifest",
        ),
    ],
)
def test_a_missing_or_invalid_dataset_exits_2_and_writes_nothing(tmp_path, capsys, make, message):
    dataset = tmp_path / "dataset"
    make(dataset)
    out = tmp_path / "export"
    assert export(out, dataset=dataset) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert not os.path.lexists(out) and not os.path.lexists(tmp_path / "export.partial")


def test_a_span_that_does_not_match_its_narrative_is_a_user_error_and_leaves_nothing(tmp_path, capsys):
    dataset = copy_dataset(tmp_path)
    part = dataset / "pii_spans" / "part-00000.jsonl"
    part.write_text(part.read_text().replace('"start":17,"end":31', '"start":18,"end":32', 1))
    assert export(tmp_path / "export", dataset=dataset) == 2
    assert "does not match its text; run `sim validate`" in capsys.readouterr().err
    # Found halfway through writing: the half-written folder is removed as well.
    assert not os.path.lexists(tmp_path / "export") and not os.path.lexists(tmp_path / "export.partial")
