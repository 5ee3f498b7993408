from pathlib import Path

import pytest
import yaml

import sim.calibrate as calibration
from exporters.report.accumulator import MetricsAccumulator
from exporters.report.registry import measure
from sim.calibrate import Parameter, calibrate, get_value, parse_parameter, reduce_world, tuned_scenario_text
from sim.cli import main
from sim.scenario import load_scenario
from world.errors import UserError

SMOKE = Path(__file__).resolve().parents[2] / "scenarios" / "smoke.yaml"
RO_COUNT_TARGET = {"metric": "ro_count", "value": 1500, "tolerance": 0.01, "source": "test"}


def smoke_data(targets=()) -> dict:
    data = yaml.safe_load(SMOKE.read_text(encoding="utf-8"))
    data["targets"] = list(targets)
    return data


def resolved(targets=()) -> dict:
    from sim.scenario import scenario_from_dict

    return scenario_from_dict(smoke_data(targets)).model_dump(mode="json")


def fake_world(scenario, seed):
    """ROs in proportion to comeback_scale: a smooth stand-in for the world, for the optimiser's plumbing."""
    accumulator = MetricsAccumulator(scenario.start, scenario.end)
    for number in range(round(1000 * scenario.world.comeback_scale)):
        ro_number = f"TX001-{number:06d}"
        accumulator.add_ro(
            {
                "ro_number": ro_number,
                "shop": {"shop_id": "TX001", "kind": "dealer"},
                "customer": {"kind": "fleet"},
                "vehicle": {"vin": f"V{number}", "odometer_in": 1},
                "opened_at": "2024-02-01T08:00:00-06:00",
                "jobs": [],
                "labor": [],
                "totals": {
                    "total": "1.00",
                    "customer_pay": "1.00",
                    "warranty_pay": "0.00",
                    "internal_pay": "0.00",
                },
            },
            {
                "ro_number": ro_number,
                "visit_kind": "maintenance",
                "vehicle_age_days": 1,
                "archetype": "x",
                "jobs": [],
            },
        )
    return accumulator.finish()


def test_parameters_start_from_the_scenario_or_from_the_command_line():
    data = resolved()
    assert parse_parameter("world.comeback_scale", data) == Parameter("world.comeback_scale", 1.0)
    assert parse_parameter("world.failure_rate_scale.battery=2", data).start == 2.0
    assert get_value(data, "world.regions.0.private_vehicles") == 300


@pytest.mark.parametrize(
    "text, message",
    [
        ("world.failure_rate_scale.battery", "give a start value"),
        ("world.regions.0.id", "is not tunable"),
        ("world.comeback_scale=0", "positive values"),
        ("world.comeback_scale=abc", "not a number"),
        ("world.nothing.here", "is not a section"),
    ],
)
def test_bad_parameters_are_user_errors(text, message):
    with pytest.raises(UserError, match=message):
        parse_parameter(text, resolved())


def test_the_reduced_world_has_fewer_vehicles_but_keeps_fleet_minimums():
    reduced = reduce_world(resolved(), 0.1)
    region = reduced["world"]["regions"][0]
    assert region["private_vehicles"] == 30
    assert [fleet["vehicles"] for fleet in region["fleets"]] == [10, 10]
    with pytest.raises(UserError, match="--scale"):
        reduce_world(resolved(), 1.5)


def test_calibration_finds_the_value_that_meets_the_target(monkeypatch):
    monkeypatch.setattr(calibration, "measure_world", fake_world)
    seen = []
    outcome = calibrate(
        resolved([RO_COUNT_TARGET]),
        1,
        [Parameter("world.comeback_scale", 1.0)],
        budget=25,
        on_evaluation=seen.append,
    )
    assert outcome.best.values[0] == pytest.approx(1.5, rel=0.01)
    assert outcome.best.results[0].passed and outcome.first.objective == pytest.approx((1000 / 1500 - 1) ** 2)
    assert 1 < len(seen) <= 25 and [evaluation.number for evaluation in seen] == list(range(1, len(seen) + 1))
    assert outcome.refined is seen[-1] and outcome.best is outcome.refined


def test_a_budget_too_small_to_refine_keeps_the_lowest_evaluation(monkeypatch):
    monkeypatch.setattr(calibration, "measure_world", fake_world)
    outcome = calibrate(resolved([RO_COUNT_TARGET]), 1, [Parameter("world.comeback_scale", 1.0)], budget=3)
    assert len(outcome.evaluations) == 3 and outcome.refined is None and outcome.best is outcome.lowest


def test_several_parameters_use_nelder_mead_within_the_budget(monkeypatch):
    monkeypatch.setattr(calibration, "measure_world", fake_world)
    parameters = [Parameter("world.comeback_scale", 1.0), Parameter("world.warmup_years", 1.0)]
    outcome = calibrate(resolved([RO_COUNT_TARGET]), 1, parameters, budget=30)
    assert len(outcome.evaluations) <= 30
    assert outcome.best.values[0] == pytest.approx(1.5, rel=0.02)


def test_calibration_needs_targets_and_a_budget():
    with pytest.raises(UserError, match="no targets"):
        calibrate(resolved(), 1, [Parameter("world.comeback_scale", 1.0)], budget=5)
    with pytest.raises(UserError, match="--budget"):
        calibrate(resolved([RO_COUNT_TARGET]), 1, [Parameter("world.comeback_scale", 1.0)], budget=0)


def test_the_tuned_scenario_is_the_given_file_plus_the_best_values(monkeypatch):
    monkeypatch.setattr(calibration, "measure_world", fake_world)
    parameters = [Parameter("world.failure_rate_scale.battery", 1.0), Parameter("world.comeback_scale", 1.0)]
    outcome = calibrate(resolved([RO_COUNT_TARGET]), 1, parameters, budget=6)
    text = tuned_scenario_text(smoke_data([RO_COUNT_TARGET]), outcome, ["first line", "", "last line"])
    assert text.startswith("# first line\n#\n# last line\n")
    tuned = yaml.safe_load(text)
    assert tuned["world"]["failure_rate_scale"]["battery"] == pytest.approx(outcome.best.values[0], rel=1e-5)
    assert (
        tuned["world"]["regions"][0]["private_vehicles"] == 300
    )  # the evaluated world's reduction is not kept


def test_the_command_prints_progress_and_writes_the_tuned_file(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(calibration, "measure_world", fake_world)
    scenario_file = tmp_path / "tuned-me.yaml"
    scenario_file.write_text(yaml.safe_dump(smoke_data([RO_COUNT_TARGET]), sort_keys=False), encoding="utf-8")
    code = main(
        ["calibrate", str(scenario_file), "--seed", "3", "--param", "world.comeback_scale", "--budget", "12"]
    )
    out = capsys.readouterr().out
    assert code == 0 and "eval   1/12  comeback_scale=1" in out
    written = tmp_path / "tuned-me-calibrated.yaml"
    assert f"tuned scenario: {written}" in out
    text = written.read_text(encoding="utf-8")
    assert "# world.comeback_scale: 1 -> 1.5" in text and "ro_count: expected 1,500" in text
    assert load_scenario(written).world.comeback_scale == pytest.approx(1.5, rel=0.01)


def test_the_command_refuses_a_negative_seed(tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        main(["calibrate", str(SMOKE), "--seed", "-1", "--param", "world.comeback_scale"])
    assert raised.value.code == 2
    assert "argument --seed" in capsys.readouterr().err


# No warm-up and no fleets: the world's cost goes into two exported years of private vehicles,
# enough headlamp jobs (about 180) for the measured rate to follow the hazard through the noise.
SMALL_WORLD = [
    "world.regions.0.submarkets=1",
    "world.regions.0.private_vehicles=600",
    "world.regions.0.fleets=[]",
    "world.regions.0.state_inspection=false",
    "world.warmup_years=0",
    "end=2026-01-01",
]


@pytest.mark.slow  # a real calibration: dozens of in-memory world runs
def test_a_failure_rate_perturbed_twofold_is_recovered_within_15_percent():
    component, seed = "headlamp", 1
    base = load_scenario(SMOKE, SMALL_WORLD)
    filters = {"concern": component}
    target_value = measure("concern_per_vehicle_year", calibration.measure_world(base, seed), filters)
    target = {
        "metric": "concern_per_vehicle_year",
        **filters,
        "value": target_value,
        "tolerance": 0.02,
        "source": "the unperturbed world",
    }
    perturbed = base.model_dump(mode="json") | {"targets": [target]}
    perturbed["world"]["failure_rate_scale"] = {component: 2.0}
    outcome = calibrate(perturbed, seed, [Parameter(f"world.failure_rate_scale.{component}", 2.0)], budget=12)
    assert outcome.first.objective > 0.01
    assert outcome.best.values[0] == pytest.approx(1.0, rel=0.15)
    assert outcome.best.objective < outcome.first.objective / 10


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("world.regions.0.tax_rate", "written as text ('0.0825')"),
        ("world.regions.0.tax_rate=0.09", "written as text ('0.0825')"),
        ("world.regions.0.private_vehicles", "a whole number (300)"),
        ("world.regions", "a list"),
    ],
)
def test_a_value_that_is_not_real_valued_is_not_tunable(text, kind):
    with pytest.raises(UserError) as raised:
        parse_parameter(text, resolved())
    assert str(raised.value) == (
        f"--param {text.partition('=')[0]} is not tunable: calibrate searches real-valued rates and scales, "
        f"and this value is {kind}"
    )


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--spread", "nan"),
        ("--spread", "inf"),
        ("--spread", "1"),
        ("--scale", "nan"),
        ("--scale", "-0.5"),
        ("--scale", "inf"),
        ("--budget", "0"),
        ("--budget", "-3"),
    ],
)
def test_numeric_options_out_of_range_are_refused_when_parsed(monkeypatch, capsys, option, value):
    monkeypatch.setattr(calibration, "measure_world", lambda *args: pytest.fail("a world was evaluated"))
    monkeypatch.setattr("sim.scenario.load_scenario", lambda *args: pytest.fail("the scenario was loaded"))
    with pytest.raises(SystemExit) as raised:
        main(["calibrate", str(SMOKE), "--seed", "1", "--param", "world.comeback_scale", option, value])
    assert raised.value.code == 2
    assert f"argument {option}: expected" in capsys.readouterr().err


def _tuned_me(tmp_path: Path) -> Path:
    scenario_file = tmp_path / "tuned-me.yaml"
    scenario_file.write_text(yaml.safe_dump(smoke_data([RO_COUNT_TARGET]), sort_keys=False), encoding="utf-8")
    return scenario_file


@pytest.mark.parametrize("out", ["a-file/tuned.yaml", "a-folder", "missing/tuned.yaml"])
def test_an_out_that_cannot_be_written_is_refused_before_the_first_evaluation(
    monkeypatch, tmp_path, capsys, out
):
    monkeypatch.setattr(calibration, "measure_world", lambda *args: pytest.fail("a world was evaluated"))
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    argv = ["calibrate", str(_tuned_me(tmp_path)), "--seed", "1", "--param", "world.comeback_scale"]
    assert main([*argv, "--out", str(tmp_path / out)]) == 2
    assert capsys.readouterr().err.startswith(f"error: --out {tmp_path / out}: ")


def test_a_result_that_cannot_be_written_at_the_end_is_printed(monkeypatch, tmp_path, capsys):
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def world_then_folder_gone(scenario, seed):
        if out_dir.exists():
            out_dir.rmdir()
        return fake_world(scenario, seed)

    monkeypatch.setattr(calibration, "measure_world", world_then_folder_gone)
    argv = ["calibrate", str(_tuned_me(tmp_path)), "--seed", "3", "--param", "world.comeback_scale"]
    assert main([*argv, "--budget", "4", "--out", str(out_dir / "tuned.yaml")]) == 2
    captured = capsys.readouterr()
    assert "the tuned scenario is printed above" in captured.err
    tuned = yaml.safe_load(captured.out[captured.out.index("# Calibrated from") :])
    assert tuned["world"]["comeback_scale"] > 1
