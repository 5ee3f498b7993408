"""Receipts: plain JSON read back with validation, so the output folder can never run code."""

import builtins
import pickle

import orjson
import pytest

from exporters.config import ExportConfig
from sim import shard_job
from sim.shard_job import kept_result, receipt_path
from tests.exporters.dataset_factory import write_shard


@pytest.fixture
def finished_shard(tmp_path):
    """A dataset folder holding shard 1's files and its receipt, as a finished shard leaves them."""
    result = write_shard(tmp_path, 1, 30, ExportConfig())
    shard_job._write_receipt(tmp_path, 1, result)
    return tmp_path, result


def rewrite_receipt(dataset_dir, change) -> None:
    path = receipt_path(dataset_dir, 1)
    receipt = orjson.loads(path.read_bytes())
    change(receipt)
    path.write_bytes(orjson.dumps(receipt))


def test_a_receipt_is_plain_json_and_gives_the_result_back(finished_shard):
    dataset_dir, result = finished_shard
    receipt = orjson.loads(receipt_path(dataset_dir, 1).read_bytes())
    assert receipt["shard_index"] == 1 and len(receipt["files"]) == len(result.files)
    assert kept_result(dataset_dir, 1) == result


def test_a_pickle_in_place_of_a_receipt_is_never_loaded(finished_shard, capsys):
    dataset_dir, _ = finished_shard
    planted = dataset_dir / "code-ran"

    class Payload:
        def __reduce__(self):
            return builtins.open, (str(planted), "w")

    for path in (receipt_path(dataset_dir, 1), receipt_path(dataset_dir, 1).with_suffix(".pickle")):
        path.write_bytes(pickle.dumps(Payload()))
    assert kept_result(dataset_dir, 1) is None
    assert not planted.exists()
    assert "warning: ignoring" in capsys.readouterr().err


@pytest.mark.parametrize(
    "change",
    [
        lambda receipt: receipt.update(ro_count="30"),
        lambda receipt: receipt.pop("summary"),
        lambda receipt: receipt["files"][0].update(records=None),
    ],
    ids=["string-for-int", "missing-field", "null-count"],
)
def test_a_malformed_receipt_is_ignored_with_a_warning(finished_shard, capsys, change):
    dataset_dir, _ = finished_shard
    rewrite_receipt(dataset_dir, change)
    assert kept_result(dataset_dir, 1) is None
    assert f"warning: ignoring {receipt_path(dataset_dir, 1)}: not a valid receipt" in capsys.readouterr().err


def test_a_truncated_receipt_is_ignored_with_a_warning(finished_shard, capsys):
    dataset_dir, _ = finished_shard
    path = receipt_path(dataset_dir, 1)
    path.write_bytes(path.read_bytes()[:40])
    assert kept_result(dataset_dir, 1) is None
    assert "not a valid receipt" in capsys.readouterr().err


@pytest.mark.parametrize(
    "path",
    ["../outside/part-00001.jsonl", "/etc/hostname", "repair_orders/part-00002.jsonl", "manifest.json"],
)
def test_a_receipt_naming_files_that_are_not_the_shards_own_is_ignored(finished_shard, capsys, path):
    dataset_dir, _ = finished_shard
    rewrite_receipt(dataset_dir, lambda receipt: receipt["files"][0].update(path=path))
    assert kept_result(dataset_dir, 1) is None
    assert "files that are not its own" in capsys.readouterr().err


def test_a_receipt_of_another_shard_is_ignored(finished_shard):
    dataset_dir, _ = finished_shard
    rewrite_receipt(dataset_dir, lambda receipt: receipt.update(shard_index=0))
    assert kept_result(dataset_dir, 1) is None


def test_a_changed_part_file_voids_its_receipt(finished_shard):
    dataset_dir, result = finished_shard
    part = dataset_dir / result.files[0].path
    part.write_bytes(part.read_bytes() + b"\n")
    assert kept_result(dataset_dir, 1) is None
