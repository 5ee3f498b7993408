"""The Python API: generate writes what `sim run` writes; a Dataset reads it back; errors are UserError."""

import copy
import hashlib
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
import yaml

from exporters.writers import ParquetWriter
from sim.api import Dataset, generate, open_dataset
from tests.dataset_fixture import DATASET, copy_dataset, fixture_ros, read_jsonl, replace_ro
from tests.sim.tiny_scenario import TINY_SCENARIO
from world.errors import UserError


def file_digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def cli_dataset(tmp_path_factory) -> Path:
    """The tiny scenario written by `python -m sim run` from a YAML file."""
    folder = tmp_path_factory.mktemp("cli")
    scenario = folder / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(TINY_SCENARIO))
    out = folder / "dataset"
    command = [sys.executable, "-m", "sim", "run", str(scenario), "--seed", "7", "--out", str(out), "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out


def test_generate_from_a_dict_writes_the_bytes_of_sim_run(cli_dataset, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dataset = generate(TINY_SCENARIO, seed=7)
    assert dataset.path == Path("out/tiny-seed7")  # sim run's default folder
    assert file_digests(dataset.path) == file_digests(cli_dataset)
    assert len(file_digests(cli_dataset)) > 5


def test_generate_from_a_path_with_overrides_writes_the_bytes_of_sim_run(tmp_path):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(TINY_SCENARIO))
    override = "world.regions.0.private_vehicles=60"
    cli_out = tmp_path / "cli"
    command = [sys.executable, "-m", "sim", "run", str(scenario), "--seed", "3", "--set", override]
    result = subprocess.run([*command, "--out", str(cli_out), "--quiet"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    dataset = generate(scenario, 3, out=tmp_path / "api", overrides=[override], workers=2)
    assert dataset.manifest["scenario"]["world"]["regions"][0]["private_vehicles"] == 60
    assert file_digests(dataset.path) == file_digests(cli_out)


def test_generate_refuses_to_replace_a_dataset_unless_forced(cli_dataset, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    for force in (False, True):
        with pytest.raises(UserError, match="not a roworld dataset"):
            generate(TINY_SCENARIO, 7, out=mine, force=force)
    assert (mine / "notes.txt").read_text() == "mine"
    out = shutil.copytree(cli_dataset, tmp_path / "dataset")
    (out / "stale.txt").write_text("from the replaced dataset")
    with pytest.raises(UserError, match="already exists"):
        generate(TINY_SCENARIO, 7, out=out)
    assert file_digests(generate(TINY_SCENARIO, 7, out=out, force=True).path) == file_digests(cli_dataset)


def test_a_bad_dict_scenario_is_the_file_error_with_dict_as_the_file(tmp_path):
    scenario = copy.deepcopy(TINY_SCENARIO)
    scenario["world"]["regions"][0]["shops"]["garages"] = 3
    with pytest.raises(UserError) as caught:
        generate(scenario, 1, out=tmp_path / "out")
    error = caught.value
    assert str(error).startswith("<dict>: invalid scenario\n  world.regions.0.shops.garages: ")
    assert (error.file, error.key_path, error.exit_code) == ("<dict>", "world.regions.0.shops.garages", 2)
    assert error.expected == "Extra inputs are not permitted"
    assert list(tmp_path.iterdir()) == []


def test_a_bad_scenario_file_names_the_file_and_key_path(tmp_path):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(TINY_SCENARIO))
    with pytest.raises(UserError) as caught:
        generate(scenario, 1, out=tmp_path / "out", overrides=["world.regions.0.tax_rate=-1"])
    assert (caught.value.file, caught.value.key_path) == (str(scenario), "world.regions.0.tax_rate")
    assert "greater than or equal to 0" in caught.value.expected


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"seed": "7"}, "seed must be a non-negative integer"),
        ({"seed": -1}, "--seed must be a non-negative integer"),
        ({"overrides": "export.coupon_rate=0"}, "overrides: expected a list"),
        ({"overrides": ["world.regions.5.tax_rate=0"]}, "world.regions.5 is not an index"),
        ({"workers": 0}, "--workers must be at least 1"),
    ],
)
def test_bad_arguments_are_user_errors(tmp_path, arguments, message):
    with pytest.raises(UserError, match=message):
        generate(TINY_SCENARIO, **{"seed": 1, "out": tmp_path / "out", **arguments})
    assert list(tmp_path.iterdir()) == []


def test_open_dataset_reads_what_sim_run_wrote(cli_dataset):
    dataset = open_dataset(cli_dataset)
    manifest = orjson.loads((cli_dataset / "manifest.json").read_bytes())
    assert dataset.manifest == manifest and dataset.path == cli_dataset
    assert sum(1 for _ in dataset.ros()) == manifest["summaries"]["ro_count"]
    assert dataset.truth_names == ["customers", "shops", "vehicles", "visits"]
    visits = [row["ro_number"] for row in dataset.truth("visits")]
    assert visits == [ro["ro_number"] for ro in dataset.ros()]


def test_open_dataset_refuses_a_missing_folder(tmp_path):
    with pytest.raises(UserError, match="no such dataset folder"):
        open_dataset(tmp_path / "missing")


@pytest.mark.parametrize(
    "manifest, message",
    [
        (None, "not a dataset (no manifest.json"),
        ("{", "cannot read the manifest"),
        ("[]", "not a roworld manifest"),
        ('{"generator": {"name": "other"}, "files": []}', "not a roworld manifest"),
    ],
)
def test_open_dataset_refuses_a_folder_without_a_roworld_manifest(tmp_path, manifest, message):
    if manifest is not None:
        (tmp_path / "manifest.json").write_text(manifest)
    with pytest.raises(UserError, match=re.escape(message)):
        open_dataset(tmp_path)


def test_ros_stream_every_part_in_order_as_dicts():
    ros = open_dataset(DATASET).ros()
    assert iter(ros) is ros  # an iterator, read as it goes, not a list
    assert list(ros) == fixture_ros()


def test_spans_and_truth_are_the_files_rows():
    dataset = open_dataset(DATASET)
    spans_files = sorted((DATASET / "pii_spans").glob("*.jsonl"))
    assert list(dataset.spans()) == [row for path in spans_files for row in read_jsonl(path)]
    visit_files = sorted((DATASET / "truth" / "visits").glob("*.jsonl"))
    assert list(dataset.truth("visits")) == [row for path in visit_files for row in read_jsonl(path)]


def test_an_unknown_truth_table_lists_the_tables():
    with pytest.raises(UserError, match=r"no truth table 'owners'; this dataset has visits"):
        open_dataset(DATASET).truth("owners")


def test_a_listed_file_that_is_gone_is_a_user_error(tmp_path):
    folder = copy_dataset(tmp_path)
    (folder / "pii_spans" / "part-00001.jsonl").unlink()
    with pytest.raises(UserError, match="part-00001.jsonl: listed in manifest.json but cannot be read"):
        list(open_dataset(folder).spans())


def test_to_arrow_is_the_table_the_parquet_writer_writes(tmp_path):
    writer = ParquetWriter(tmp_path, "ros.parquet")
    for ro in fixture_ros():
        writer.write(ro)
    writer.close()
    table = open_dataset(DATASET).to_arrow()
    assert table.equals(pq.read_table(tmp_path / "ros.parquet"))
    assert table.column("totals").combine_chunks().field("total")[0].as_py() == Decimal(
        fixture_ros()[0]["totals"]["total"]
    )


def test_to_arrow_of_a_dataset_without_ros_is_an_empty_table_of_the_schema(tmp_path):
    folder = copy_dataset(tmp_path)
    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    manifest["files"] = [entry for entry in manifest["files"] if entry["role"] != "repair_orders"]
    table = Dataset(folder, manifest).to_arrow()
    assert table.num_rows == 0 and table.schema == open_dataset(DATASET).to_arrow().schema


def test_validate_returns_the_validators_report(tmp_path):
    assert not open_dataset(DATASET).validate().counts
    folder = copy_dataset(tmp_path)
    ro = fixture_ros()[0]
    ro["vehicle"]["odometer_out"] = ro["vehicle"]["odometer_in"] - 1
    replace_ro(folder, ro)
    report = open_dataset(folder).validate()
    assert report.counts and all(finding.ro_number == ro["ro_number"] for finding in report.findings)
