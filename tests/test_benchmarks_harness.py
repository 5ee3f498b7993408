"""The benchmark harness: its JSON on a tiny run, its stage attribution, and the baseline's RO shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.run import OTHER_STAGE, STAGE_MODULES, stage_of_module, stage_seconds

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_ROS = ROOT / "tests" / "data" / "dataset" / "repair_orders"
STAGES = {*STAGE_MODULES, OTHER_STAGE}


def key_paths(value, prefix: str = "") -> set[str]:
    """Every key path of a JSON value, list items folded into ``[]``."""
    if isinstance(value, dict):
        paths = set()
        for key, item in value.items():
            paths.add(prefix + key)
            paths |= key_paths(item, f"{prefix}{key}.")
        return paths
    if isinstance(value, list):
        return set().union(*(key_paths(item, prefix.rstrip(".") + "[].") for item in value))
    return set()


# A whole benchmarks/run.py --quick in a subprocess: the tests that use it are marked slow.
@pytest.fixture(scope="module")
def quick_results(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "target" in completed.stdout
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_quick_run_records_the_machine_and_config(quick_results):
    machine = quick_results["machine"]
    assert quick_results["quick"] is True
    assert machine["nproc"] >= 1 and machine["python"].startswith("3.")
    assert len(machine["load_average_start"]) == 3
    assert quick_results["config"]["repeats"] == 1


@pytest.mark.slow
def test_quick_run_measures_throughput_and_the_baseline(quick_results):
    e2e, baseline = quick_results["end_to_end"], quick_results["baseline"]
    assert e2e["ro_count"] > 0
    assert len(e2e["workers_1"]["seconds"]) == len(e2e["workers_2"]["seconds"]) == 1
    assert e2e["workers_1"]["ros_per_s"] > 0 and e2e["workers_2"]["ros_per_s"] > 0
    assert e2e["ratio_2w_1w"] == pytest.approx(
        e2e["workers_2"]["ros_per_s"] / e2e["workers_1"]["ros_per_s"], rel=0.01
    )
    assert baseline["ro_count"] > 0 and baseline["ros_per_s"] > 0
    assert baseline["ratio_1w_to_baseline"] > 0


@pytest.mark.slow
def test_quick_run_validates_the_generated_dataset(quick_results):
    validator = quick_results["validator"]
    assert validator["ro_count"] == quick_results["end_to_end"]["ro_count"]
    assert validator["ros_per_s"] > 0
    assert validator["dataset_clean"] is True


@pytest.mark.slow
def test_quick_run_times_a_shrunk_metro_with_two_workers(quick_results):
    metro = quick_results["metro"]
    assert metro["workers"] == 2 and metro["ro_count"] > 0
    assert len(metro["seconds"]) == 1 and metro["median_seconds"] == metro["seconds"][0]
    # every region of the metro is shrunk, not only the first
    assert sum("private_vehicles=40" in setting for setting in metro["overrides"]) >= 2


@pytest.mark.slow
def test_quick_run_compares_memory_across_years_and_vehicles(quick_results):
    memory = quick_results["memory"]
    runs = memory["runs"]
    assert set(runs) == {"base", "vehicles_x4", "vehicles_x4_long"}
    assert runs["vehicles_x4"]["vehicle_population"] == 4 * runs["base"]["vehicle_population"]
    assert runs["vehicles_x4_long"]["ro_count"] > runs["vehicles_x4"]["ro_count"] > runs["base"]["ro_count"]
    assert all(run["peak_rss_kb"] > 0 and run["ledger_vehicles"] > 0 for run in runs.values())
    assert memory["peak_rss_kb_1_worker"] > 0
    assert memory["ratio_long_to_short_years"] > 0 and memory["ratio_x4_vehicles"] > 0
    assert isinstance(memory["kb_per_vehicle"], float)


@pytest.mark.slow
def test_quick_run_splits_profiled_time_into_stages(quick_results):
    stages = quick_results["stages"]
    assert set(stages["share"]) == STAGES == set(stages["profiled_us_per_ro"])
    assert sum(stages["share"].values()) == pytest.approx(1.0, abs=0.01)
    assert stages["share"]["simulation"] > 0 and stages["share"]["build_validation"] > 0
    assert stages["ro_count"] > 0 and stages["top_functions_own_seconds"]


@pytest.mark.slow
def test_quick_run_prints_every_target_beside_its_measure(quick_results):
    targets = quick_results["targets"]
    assert len(targets) == 6
    assert all(isinstance(row["met"], bool) and row["target"][:2] in (">=", "<=") for row in targets)


def test_project_modules_map_to_their_stage():
    assert stage_of_module(str(ROOT / "world" / "world.py"), ROOT) == "simulation"
    assert stage_of_module(str(ROOT / "exporters" / "validation" / "records.py"), ROOT) == "build_validation"
    assert stage_of_module(str(ROOT / "exporters" / "pii.py"), ROOT) == "narratives_pii"
    assert stage_of_module(str(ROOT / "exporters" / "shard_writer.py"), ROOT) == "serialization_writing"
    assert stage_of_module(str(ROOT / "sim" / "shard_job.py"), ROOT) == OTHER_STAGE
    assert stage_of_module("/usr/lib/python3.11/random.py", ROOT) is None
    assert stage_of_module("~", ROOT) is None


def test_every_exporter_module_a_shard_loads_is_owned_by_a_stage():
    # A module left out of STAGE_MODULES is charged to "other": the stage shares would then hide
    # where the export's time goes (writing.py and sinks/ once were).
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, sim.shard_job; print(*sorted(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    files = [
        ROOT.joinpath(*name.split(".")).with_suffix(".py") for name in loaded if name.startswith("exporters.")
    ]
    assert len(files) > 20
    unowned = [
        str(path) for path in files if path.is_file() and stage_of_module(str(path), ROOT) == OTHER_STAGE
    ]
    assert unowned == []


def test_library_time_is_shared_among_callers_in_proportion():
    simulate = (str(ROOT / "world" / "world.py"), 10, "run")
    narrate = (str(ROOT / "exporters" / "narrative.py"), 20, "write")
    library = ("/usr/lib/python3.11/random.py", 30, "choice")
    dumps = ("~", 0, "<built-in method orjson.dumps>")
    orphan = ("/usr/lib/python3.11/threading.py", 40, "run")
    stats = {
        simulate: (1, 1, 1.0, 2.0, {}),
        narrate: (1, 1, 1.0, 6.0, {}),
        library: (4, 4, 4.0, 4.0, {simulate: (1, 1, 1.0, 1.0), narrate: (3, 3, 3.0, 3.0)}),
        dumps: (1, 1, 2.0, 2.0, {narrate: (1, 1, 2.0, 2.0)}),
        orphan: (1, 1, 0.5, 0.5, {}),
    }
    seconds = stage_seconds(stats, ROOT)
    assert seconds == pytest.approx(
        {
            "simulation": 2.0,
            "narratives_pii": 4.0,
            "serialization_writing": 2.0,
            "build_validation": 0.0,
            OTHER_STAGE: 0.5,
        }
    )


def test_naive_baseline_writes_the_schema_v2_shape(tmp_path):
    out = tmp_path / "baseline.jsonl"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "naive_baseline.py"), "--count", "60", "--out", str(out)],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    baseline = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    fixture = [
        json.loads(line)
        for part in sorted(FIXTURE_ROS.glob("*.jsonl"))
        for line in part.read_text(encoding="utf-8").splitlines()
    ]
    assert len(baseline) == 60
    assert set().union(*map(key_paths, baseline)) == set().union(*map(key_paths, fixture))
