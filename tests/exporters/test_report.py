import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from exporters.config import ExportConfig
from exporters.manifest import write_manifest
from exporters.report.build import write_report
from exporters.report.registry import measure
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
    write_manifest(folder, scenario_with(list(targets)), 5, SHARDS, results, "test")
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
