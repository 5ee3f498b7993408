"""A golden smoke run of every shipped scenario, shrunk to seconds.

Each scenario keeps its shape (regions, submarkets, shop mix, fleets, export settings) but runs a
small population over a short window. The dataset must validate clean, and its digest must equal
the golden one in tests/golden/scenarios.json: any change to the bytes a scenario produces is
then a deliberate one. After an intended change, regenerate with
``ROWORLD_UPDATE_GOLDEN=1 python -m pytest tests/sim/test_shipped_scenarios.py``.
"""

import copy
import json
import os
from datetime import date
from pathlib import Path

import pytest
import yaml

from exporters.validation.findings import Report
from exporters.validation.runner import validate_paths
from sim.run import RunOptions, run_dataset
from sim.scenario import scenario_from_dict
from tests.sim.dataset_digest import dataset_digest

SCENARIOS = sorted(Path("scenarios").glob("*.yaml"))
GOLDEN = Path("tests/golden/scenarios.json")
UPDATE = os.environ.get("ROWORLD_UPDATE_GOLDEN") == "1"


def shrunk(path: Path) -> dict:
    data = copy.deepcopy(yaml.safe_load(path.read_text()))
    end = date.fromisoformat(str(data["end"]))
    data["start"] = date(end.year - 1, 7, 1).isoformat()
    data["world"]["warmup_years"] = 0.5
    for region in data["world"]["regions"]:
        region["private_vehicles"] = min(region.get("private_vehicles", 1000), 40)
        region["submarkets"] = min(region.get("submarkets", 1), 2)
        for fleet in region.get("fleets", []):
            fleet["vehicles"] = 10
    return data


@pytest.fixture(scope="module")
def golden():
    recorded = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    yield recorded
    if UPDATE:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_shipped_scenario_golden_run(path, tmp_path, golden):
    scenario = scenario_from_dict(shrunk(path), str(path))
    outcome = run_dataset(scenario, RunOptions(seed=42, out_dir=tmp_path / path.stem))
    assert outcome.ro_count > 0

    report = Report(keep=True)
    validate_paths([outcome.dataset_dir], report)
    assert report.violation_count == 0, report.findings[:5]

    measured = {"ro_count": outcome.ro_count, "digest": dataset_digest(outcome.dataset_dir)}
    if UPDATE:
        golden[path.stem] = measured
    assert golden.get(path.stem) == measured
