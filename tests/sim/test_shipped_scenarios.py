"""A smoke run of every shipped scenario, shrunk to seconds, checked four ways.

Each scenario keeps its shape (regions, submarkets, shop mix, fleets, export settings) but runs a
small population over a short window, once per scenario for all the checks below:

- the dataset validates clean;
- its targets hold on the smoke world (the ``sim report --check`` computation), within the smoke
  tolerances stated here: a world of about 40 private vehicles and 10 per fleet over 18 months
  measures its means far less precisely than the full scenario;
- its pay-type mix, visit-kind mix and repeat-VIN share lie in ranges any seed meets;
- its digest equals the golden one in tests/golden/scenarios.json, so any change to the bytes a
  scenario produces is a deliberate one. After an intended change, regenerate with
  ``ROWORLD_UPDATE_GOLDEN=1 python -m pytest tests/sim/test_shipped_scenarios.py``; the other
  checks are what says the regenerated data still makes sense.

Scenarios are found relative to this file, so the test runs the same from any directory.
"""

import copy
import json
import os
from datetime import date
from pathlib import Path

import pytest
import yaml

from exporters.report.reader import dataset_facts, read_manifest, read_metrics
from exporters.report.registry import measure
from exporters.report.targets import evaluate_targets
from exporters.validation.findings import Report
from exporters.validation.runner import validate_paths
from sim.run import RunOptions, run_dataset
from sim.scenario import scenario_from_dict
from tests.sim.dataset_digest import dataset_digest
from world.visit import PAY_TYPES, VISIT_KINDS

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
GOLDEN = ROOT / "tests" / "golden" / "scenarios.json"
UPDATE = os.environ.get("ROWORLD_UPDATE_GOLDEN") == "1"
SEED = 42

# Relative tolerance of each target metric on the smoke world (the larger of this and the
# scenario's own). Measured over seeds 1-8 and 42 of every shrunk scenario, the largest relative
# errors were: vehicle age 0.17, hours per RO 0.76 (1.0 on one seed of pii_heavy, whose shrunk world
# has a handful of dealer ROs), customer-pay RO value 0.66, comeback rate 0.82, private annual miles
# 0.35, oil-change interval 0.29, high-mileage RO share 0.73 (about 10 % of a few hundred ROs, from
# a few dozen vehicles); each tolerance leaves a margin above that, and still fails a metric off by
# a factor of two or more.
SMOKE_TOLERANCE = {
    ("vehicle_age_in_operation", None): 0.3,
    ("hours_per_ro", None): 0.8,
    ("mean_ro_value", "customer"): 1.0,
    ("comeback_rate", None): 0.95,
    ("annual_miles", None): 0.5,
    ("oil_change_interval_miles", None): 0.45,
    ("high_mileage_ro_share", None): 0.95,
}
# Targets not held on the smoke world: its dealers write a handful of warranty ROs, and one recall
# campaign moves these by over 100 % between seeds (they are checked on the full scenarios by
# ``sim report --check``).
NOT_ON_THE_SMOKE_WORLD = {("mean_ro_value", "warranty"), ("pay_type_sales_share", "warranty")}
# A shop kind with fewer ROs than this in the smoke world is not held to its targets: they may be
# undefined, or the mean of a handful of ROs (the shrunk independent.yaml has 6 dealer ROs at seed 42).
MIN_ROS_FOR_A_TARGET = 20

# (low, high) shares any seed of any shrunk scenario meets; seen over seeds 1-8 and 42 in brackets.
# An in-house depot bills its own fleet internal pay, and the smoke world's fleets of 10 vehicles
# at fleet mileage write a third of its ROs: the scenarios with a depot sit low on customer pay.
PAY_TYPE_RO_SHARE = {  # ROs with a job of the pay type
    "customer": (0.5, 1.0),  # [0.61, 0.994]
    "warranty": (0.0, 0.15),  # [0.0, 0.067]
    "internal": (0.0, 0.5),  # [0.006, 0.391]
}
VISIT_KIND_SHARE = {
    "maintenance": (0.2, 0.7),  # [0.29, 0.58]
    "failure": (0.25, 0.65),  # [0.31, 0.54]
    "recall": (0.0, 0.05),  # [0.0, 0.019]
    "comeback": (0.0, 0.15),  # [0.008, 0.082]
    "inspection": (0.0, 0.35),  # [0.0, 0.235]
    "reconditioning": (0.0, 0.05),  # [0.0, 0.011]
}
REPEAT_VIN_SHARE = (0.35, 0.95)  # [0.47, 0.86]


def test_the_shipped_scenarios_are_found():
    # An empty parameter list would skip every test below and pass: fail here instead.
    assert ROOT / "scenarios" / "smoke.yaml" in SCENARIOS


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


@pytest.fixture(scope="module", params=SCENARIOS, ids=[path.stem for path in SCENARIOS])
def smoke_run(request, tmp_path_factory):
    path = request.param
    scenario = scenario_from_dict(shrunk(path), str(path))
    outcome = run_dataset(
        scenario, RunOptions(seed=SEED, out_dir=tmp_path_factory.mktemp("smoke") / path.stem)
    )
    manifest = read_manifest(outcome.dataset_dir)
    facts = dataset_facts(outcome.dataset_dir, manifest)
    data = read_metrics(outcome.dataset_dir, manifest, facts.start, facts.end)
    return path, outcome, facts, data


@pytest.fixture(scope="module")
def golden():
    recorded = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    yield recorded
    if UPDATE:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")


def test_shipped_scenario_validates_clean(smoke_run):
    _, outcome, _, _ = smoke_run
    assert outcome.ro_count > 0
    report = Report(keep=True)
    validate_paths([outcome.dataset_dir], report)
    assert report.violation_count == 0, report.findings[:5]
    assert report.records == outcome.ro_count


def test_shipped_scenario_meets_its_targets_on_the_smoke_world(smoke_run):
    path, _, facts, data = smoke_run
    assert facts.targets, f"{path.name} declares no targets"
    missed = []
    for result in evaluate_targets(facts.targets, data):
        target = result.target
        key = (target.metric, target.pay_type)
        if key in NOT_ON_THE_SMOKE_WORLD:
            continue
        smoke = SMOKE_TOLERANCE.get(key, SMOKE_TOLERANCE.get((target.metric, None)))
        assert smoke is not None, f"{target.label()}: state its smoke tolerance or why it is not checked"
        group = {"shop_kind": target.shop_kind} if target.shop_kind else {}
        if measure("ro_count", data, group) < MIN_ROS_FOR_A_TARGET:
            continue
        if result.measured is None:
            missed.append(f"{target.label()}: undefined")
        elif abs(result.relative_error) > max(smoke, target.tolerance):
            error = f"{result.relative_error:+.0%}"
            missed.append(f"{target.label()}: {result.measured:.3f} vs {target.value} (error {error})")
    assert not missed, missed


def test_shipped_scenario_distributions_are_in_range(smoke_run):
    _, _, _, data = smoke_run
    shares = {
        f"pay_type_ro_share[{pay}]": measure("pay_type_ro_share", data, {"pay_type": pay})
        for pay in PAY_TYPES
    }
    shares |= {
        f"visit_kind_share[{kind}]": measure("visit_kind_share", data, {"visit_kind": kind})
        for kind in VISIT_KINDS
    }
    shares["repeat_vin_share"] = measure("repeat_vin_share", data, {})
    ranges = {f"pay_type_ro_share[{pay}]": PAY_TYPE_RO_SHARE[pay] for pay in PAY_TYPES}
    ranges |= {f"visit_kind_share[{kind}]": VISIT_KIND_SHARE[kind] for kind in VISIT_KINDS}
    ranges["repeat_vin_share"] = REPEAT_VIN_SHARE
    outside = {
        name: value for name, value in shares.items() if not ranges[name][0] <= value <= ranges[name][1]
    }
    assert not outside, outside
    assert sum(shares[f"visit_kind_share[{kind}]"] for kind in VISIT_KINDS) == pytest.approx(1)


def test_shipped_scenario_golden_run(smoke_run, golden):
    path, outcome, _, _ = smoke_run
    measured = {"ro_count": outcome.ro_count, "digest": dataset_digest(outcome.dataset_dir)}
    if UPDATE:
        golden[path.stem] = measured  # recorded for review in the diff of tests/golden/scenarios.json
    else:
        assert golden.get(path.stem) == measured
