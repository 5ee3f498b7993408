import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from exporters.config import ExportConfig
from exporters.manifest import manifest_document, write_manifest
from exporters.report.accumulator import MetricsAccumulator
from exporters.report.build import check_measured, shard_metrics, write_report
from exporters.report.reader import dataset_facts, read_manifest
from exporters.report.registry import measure
from exporters.writers import FileEntry
from sim.cli import main
from sim.scenario import scenario_from_dict
from tests.exporters.dataset_factory import write_shard
from world.errors import UserError

SMOKE = Path(__file__).resolve().parents[2] / "scenarios" / "smoke.yaml"
SHARDS = [SimpleNamespace(index=0, key="metro/0"), SimpleNamespace(index=1, key="metro/1")]
VISITS_PER_SHARD = 60


def scenario_with(targets):
    data = yaml.safe_load(SMOKE.read_text(encoding="utf-8"))
    data["targets"] = targets
    return scenario_from_dict(data)


def write_dataset(folder: Path, targets=()) -> Path:
    folder.mkdir(parents=True)
    results = [
        write_shard(folder, shard.index, VISITS_PER_SHARD, ExportConfig(narrative_pii_rate=0.3))
        for shard in SHARDS
    ]
    write_manifest(folder, manifest_document(scenario_with(list(targets)), 5, SHARDS, results, "test"))
    return folder


ACHIEVABLE = {"metric": "ro_count", "value": 2 * VISITS_PER_SHARD, "tolerance": 0.01, "source": "the factory"}
IMPOSSIBLE = {
    "metric": "mean_ro_value",
    "shop_kind": "dealer",
    "pay_type": "customer",
    "value": 1_000_000,
    "tolerance": 0.1,
    "source": "nobody pays this",
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("report") / "ds", [ACHIEVABLE, IMPOSSIBLE])


@pytest.fixture(scope="module")
def outcome(dataset):
    return write_report(dataset)


def test_report_writes_a_self_contained_page_with_every_chart(dataset, outcome):
    html = outcome.page.read_text(encoding="utf-8")
    assert outcome.page == dataset / "report" / "index.html"
    assert html.count('src="data:image/png;base64,') == 12
    assert not re.search(r'(src|href)="(?!data:)', html)
    for heading in (
        "Targets",
        "Key numbers",
        "By shop kind",
        "Scenario coverage",
        "Days between visits of a VIN",
        "Comeback rate by shop",
        "PII spans by type",
    ):
        assert heading in html
    assert "mean_ro_value[shop_kind=dealer, pay_type=customer]" in html and "nobody pays this" in html


def test_report_metrics_agree_with_the_manifest_summaries(dataset, outcome):
    summaries = json.loads((dataset / "manifest.json").read_text(encoding="utf-8"))["summaries"]
    data = outcome.data
    assert data.ro_count == summaries["ro_count"]
    assert dict(data.spans_by_type) == summaries["pii_spans_by_type"]
    assert dict(data.select().visit_kinds) == summaries["ros_by_visit_kind"]
    assert measure("comeback_rate", data) == pytest.approx(summaries["comeback_rate"], abs=1e-6)
    jobs = sum(jobs * count for jobs, count in summaries["jobs_per_ro"])
    assert measure("jobs_per_ro", data) == pytest.approx(jobs / summaries["ro_count"])
    split = summaries["pay_split_cents"]
    assert measure("pay_type_sales_share", data, {"pay_type": "warranty"}) == pytest.approx(
        split["warranty"] / sum(split.values())
    )
    assert sum(visits * vins for visits, vins in data.visits_per_vin.items()) == summaries["ro_count"]


def test_targets_are_checked_from_the_manifest(outcome):
    assert [result.passed for result in outcome.results] == [True, False]
    assert outcome.results[0].relative_error == 0.0
    assert outcome.failed == (outcome.results[1],)


def test_shards_measured_apart_and_merged_in_order_are_the_whole_dataset_measured(dataset, outcome):
    """What a run's workers measure of their own shards gives the manifest what ``sim report`` reads."""
    manifest = read_manifest(dataset)
    facts = dataset_facts(dataset, manifest)
    shards = []
    for shard in SHARDS:
        own = f"part-{shard.index:05d}."
        files = [FileEntry(**entry) for entry in manifest["files"] if own in entry["path"]]
        shards.append(shard_metrics(dataset, files, facts.targets, facts.start, facts.end))
    merged = MetricsAccumulator(facts.start, facts.end)
    for metrics in shards:
        merged.merge(metrics)
    data = merged.finish()
    assert data == outcome.data and list(data.shops) == list(outcome.data.shops)
    assert data.ro_count == len(SHARDS) * VISITS_PER_SHARD
    assert check_measured(shards, facts.targets, facts.start, facts.end) == outcome.results
    assert shard_metrics(dataset, files, (), facts.start, facts.end) is None
    assert check_measured([None, None], (), facts.start, facts.end) == ()


def test_metrics_of_another_window_are_not_merged():
    with pytest.raises(ValueError, match="cannot merge 2020-01-01..2021-01-01 into 2020-01-01..2022-01-01"):
        MetricsAccumulator(date(2020, 1, 1), date(2022, 1, 1)).merge(
            MetricsAccumulator(date(2020, 1, 1), date(2021, 1, 1))
        )


def test_check_exits_1_on_an_impossible_target_and_prints_the_table(dataset, capsys):
    assert main(["report", str(dataset), "--check"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "mean_ro_value[shop_kind=dealer, pay_type=customer]" in out
    assert "check failed: 1 of 2 targets missed" in out and "index.html" in out


def test_without_check_the_report_exits_0_even_when_a_target_fails(dataset, capsys):
    assert main(["report", str(dataset)]) == 0
    assert "FAIL" in capsys.readouterr().out


def test_check_passes_with_the_targets_of_another_scenario_file(dataset, tmp_path, capsys):
    data = yaml.safe_load(SMOKE.read_text(encoding="utf-8"))
    data["targets"] = [ACHIEVABLE]
    scenario_file = tmp_path / "with-targets.yaml"
    scenario_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["report", str(dataset), "--check", "--targets", str(scenario_file)]) == 0
    assert "check passed: 1 targets met" in capsys.readouterr().out


def test_a_dataset_without_targets_reports_an_empty_table(tmp_path, capsys):
    folder = write_dataset(tmp_path / "plain")
    assert main(["report", str(folder), "--check"]) == 0
    assert "declares none" in capsys.readouterr().out
    html = (folder / "report" / "index.html").read_text(encoding="utf-8")
    assert "The scenario declares no targets." in html


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda root: root / "missing", "no such dataset folder"),
        (lambda root: root, "no manifest"),
    ],
)
def test_unreadable_datasets_are_user_errors(tmp_path, capsys, make, message):
    assert main(["report", str(make(tmp_path))]) == 2
    assert message in capsys.readouterr().err


def test_truth_out_of_step_with_the_ros_is_a_user_error(tmp_path):
    folder = write_dataset(tmp_path / "ds")
    truth_file = folder / "truth" / "visits" / "part-00000.jsonl"
    lines = truth_file.read_text(encoding="utf-8").splitlines(keepends=True)
    truth_file.write_text("".join(reversed(lines)), encoding="utf-8")
    with pytest.raises(UserError, match="not in step"):
        write_report(folder)


def test_invalid_targets_in_a_manifest_are_user_errors(tmp_path):
    folder = write_dataset(tmp_path / "ds")
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["scenario"]["targets"] = [{"metric": "warp_factor", "value": 9, "tolerance": 0.1, "source": "?"}]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(UserError, match="unknown metric 'warp_factor'"):
        write_report(folder)


def test_the_report_renders_for_the_smoke_scenario(tmp_path):
    from sim.run import RunOptions, run_dataset
    from sim.scenario import load_scenario

    run = run_dataset(load_scenario(SMOKE), RunOptions(seed=1, out_dir=tmp_path / "smoke"))
    outcome = write_report(run.dataset_dir)
    html = outcome.page.read_text(encoding="utf-8")
    assert outcome.data.ro_count == run.ro_count > 0
    assert html.count('src="data:image/png;base64,') == 12
    assert measure("shop_kinds_present", outcome.data) == 4 and outcome.data.vehicle_years > 0


def test_out_puts_the_page_elsewhere_and_leaves_the_dataset_alone(dataset, tmp_path, capsys):
    elsewhere = tmp_path / "pages" / "ds"
    before = sorted(path.relative_to(dataset) for path in dataset.rglob("*"))
    assert main(["report", str(dataset), "--out", str(elsewhere)]) == 0
    assert f"report: {elsewhere / 'index.html'}" in capsys.readouterr().out
    assert (elsewhere / "index.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(path.relative_to(dataset) for path in dataset.rglob("*")) == before


def test_an_unwritable_report_folder_is_a_clear_error_before_the_dataset_is_read(
    tmp_path, capsys, monkeypatch
):
    folder = write_dataset(tmp_path / "ds")
    (folder / "report").write_text("a file where the report folder would go", encoding="utf-8")
    import exporters.report.build as build

    monkeypatch.setattr(build, "read_metrics", lambda *args: pytest.fail("the dataset was read"))
    assert main(["report", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {folder / 'report'}: cannot write the report there") and "--out" in err


def _edit_manifest(folder: Path, edit) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _list_truth_vehicles(path: str):
    return lambda manifest: manifest["files"].append(
        {"path": path, "role": "truth_vehicles", "records": 1, "sha256": "0" * 64}
    )


@pytest.mark.parametrize("listed", ["../elsewhere.jsonl", "/etc/hostname", "outside.jsonl"])
def test_the_report_reads_no_file_outside_the_dataset(tmp_path, capsys, listed):
    folder = write_dataset(tmp_path / "ds")
    (tmp_path / "elsewhere.jsonl").write_text("{}\n", encoding="utf-8")
    (folder / "outside.jsonl").symlink_to(tmp_path / "elsewhere.jsonl")
    _edit_manifest(folder, _list_truth_vehicles(listed))
    assert main(["report", str(folder)]) == 2
    assert f"the listed file {listed} leads out of the dataset folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2]\n", ":1: expected a JSON object, found list"),
        (b'{"vin": "X"}\n', ":1: not a row the report can read (KeyError"),
    ],
)
def test_a_broken_row_is_a_clear_error_naming_its_line(tmp_path, capsys, content, message):
    folder = write_dataset(tmp_path / "ds")
    (folder / "truth" / "vehicles" / "part-00000.jsonl").write_bytes(content)
    assert main(["report", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"truth/vehicles/part-00000.jsonl{message}" in err and "Traceback" not in err


@pytest.mark.parametrize("entry", [{"role": "pii_spans"}, {"role": "pii_spans", "path": 5}, "pii_spans"])
def test_a_manifest_entry_without_a_path_is_a_clear_error(tmp_path, capsys, entry):
    folder = write_dataset(tmp_path / "ds")
    _edit_manifest(folder, lambda manifest: manifest["files"].append(entry))
    assert main(["report", str(folder)]) == 2
    assert "each files entry needs a path" in capsys.readouterr().err


def test_a_dataset_folder_named_in_another_encoding_reports_without_a_traceback(tmp_path):
    folder = write_dataset(tmp_path / os.fsdecode(b"ds-\xe9"))
    completed = subprocess.run(
        [sys.executable, "-m", "sim", "report", str(folder)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert completed.returncode == 0 and completed.stderr == b""
    assert f"report: {tmp_path}/ds-\\udce9/report/index.html".encode() in completed.stdout


def test_a_manifest_linked_from_outside_the_dataset_is_not_read(tmp_path, capsys):
    folder = write_dataset(tmp_path / "ds")
    (folder / "manifest.json").rename(tmp_path / "elsewhere.json")
    (folder / "manifest.json").symlink_to(tmp_path / "elsewhere.json")
    assert main(["report", str(folder)]) == 2
    assert "leading out of the dataset folder" in capsys.readouterr().err


def test_a_generator_entry_of_another_shape_shows_an_unknown_version(tmp_path):
    folder = write_dataset(tmp_path / "ds")
    _edit_manifest(folder, lambda manifest: manifest.update(generator="someone else"))
    assert write_report(folder).facts.generator_version == "?"
