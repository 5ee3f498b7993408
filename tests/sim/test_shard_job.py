"""Receipts: plain JSON read back with validation, so the output folder can never run code; one
builder kept per process for all its shards, without changing a byte."""

import builtins
import pickle
import threading
from pathlib import Path

import orjson
import pytest

from exporters import ro_builder
from exporters.config import ExportConfig
from sim import shard_job
from sim.scenario import load_scenario
from sim.shard_job import kept_result, receipt_path, run_shard
from tests.exporters.dataset_factory import write_shard
from world.shards import plan_shards

SMOKE = Path(__file__).resolve().parents[2] / "scenarios" / "smoke.yaml"


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


def dataset_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_shards_sharing_the_kept_builder_in_any_order_write_the_bytes_of_shards_with_fresh_builders(
    tmp_path, monkeypatch
):
    scenario = load_scenario(
        SMOKE,
        ["world.regions.0.private_vehicles=60", "world.warmup_years=0.5", "end=2024-07-01"],
    )
    shards = plan_shards(scenario.world)
    made = []

    class CountedBuilder(ro_builder.RoBuilder):
        def __init__(self, *args, **kwargs):
            made.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(ro_builder, "RoBuilder", CountedBuilder)
    monkeypatch.setattr(ro_builder, "_kept", threading.local())
    for shard in reversed(shards):  # each shard meets caches the others filled
        run_shard(scenario, 7, shard, tmp_path / "shared", ("jsonl",))
    assert len(shards) == 2 and len(made) == 1
    # It keeps only the people of the shops of the shard that ran last (shard 0): the others' are forgotten.
    shops = (tmp_path / "shared" / "truth" / "shops" / "part-00000.jsonl").read_bytes().splitlines()
    kept_people = {writer_id.split("-")[0] for writer_id in made[0]._narrator._writers}
    assert kept_people and kept_people <= {orjson.loads(line)["shop_id"] for line in shops}
    monkeypatch.setattr(shard_job, "kept_builder", CountedBuilder)
    for shard in shards:
        run_shard(scenario, 7, shard, tmp_path / "fresh", ("jsonl",))
    assert len(made) == 3
    shared, fresh = dataset_bytes(tmp_path / "shared"), dataset_bytes(tmp_path / "fresh")
    assert len(shared) == 2 * 7 and shared == fresh


def test_the_kept_builder_is_the_latest_configs_and_each_threads_own():
    config = ExportConfig(narrative_pii_rate=0.25)
    kept = ro_builder.kept_builder(config)
    assert ro_builder.kept_builder(ExportConfig(narrative_pii_rate=0.25)) is kept
    other = ro_builder.kept_builder(ExportConfig(narrative_pii_rate=0.5))
    assert other is not kept and ro_builder.kept_builder(config) is not kept
    in_thread = []
    thread = threading.Thread(target=lambda: in_thread.append(ro_builder.kept_builder(config)))
    thread.start()
    thread.join()
    assert in_thread[0] is not ro_builder.kept_builder(config)
