from datetime import date

import pytest
import yaml
from pydantic import ValidationError

from exporters.report.accumulator import MetricsAccumulator
from exporters.report.targets import Target, TargetResult, evaluate_targets, squared_error_sum
from sim.scenario import load_scenario
from tests.sim.tiny_scenario import TINY_SCENARIO as BASE
from world.errors import UserError

CUSTOMER_PAY = {
    "metric": "mean_ro_value",
    "shop_kind": "dealer",
    "pay_type": "customer",
    "value": 311,
    "tolerance": 0.25,
    "source": "NADA Data 2019: average customer-pay RO at dealerships",
}


def load_with(tmp_path, targets):
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump({**BASE, "targets": targets}))
    return load_scenario(path)


def error_with(tmp_path, targets) -> str:
    with pytest.raises(UserError) as caught:
        load_with(tmp_path, targets)
    return str(caught.value)


def test_a_scenario_carries_its_targets(tmp_path):
    scenario = load_with(
        tmp_path,
        [
            CUSTOMER_PAY,
            {"metric": "comeback_rate", "value": 0.05, "tolerance": 0.5, "source": "industry rule of thumb"},
        ],
    )
    first, second = scenario.targets
    assert first.filters() == {"shop_kind": "dealer", "pay_type": "customer"}
    assert first.label() == "mean_ro_value[shop_kind=dealer, pay_type=customer]"
    assert second.label() == "comeback_rate"
    assert scenario.model_dump(mode="json")["targets"][0]["value"] == 311


def test_targets_default_to_none(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(BASE))
    assert load_scenario(path).targets == ()


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"metric": "warp_factor"}, "unknown metric 'warp_factor'"),
        ({"pay_type": None, "visit_kind": "recall"}, "does not take visit_kind"),
        ({"shop_kind": "garage"}, "shop_kind 'garage' is not one of"),
        ({"tolerance": 0}, "targets.0.tolerance"),
        ({"value": -3}, "targets.0.value"),
        ({"colour": "blue"}, "targets.0.colour"),
        ({"source": ""}, "targets.0.source"),
    ],
)
def test_bad_targets_are_user_errors_naming_the_key(tmp_path, change, expected):
    target = {key: value for key, value in {**CUSTOMER_PAY, **change}.items() if value is not None}
    assert expected in error_with(tmp_path, [target])


def test_a_metric_that_needs_a_filter_refuses_to_go_without():
    with pytest.raises(ValidationError, match="needs pay_type"):
        Target(metric="pay_type_sales_share", value=0.19, tolerance=0.3, source="NADA")


def test_an_undefined_metric_fails_its_target():
    empty = MetricsAccumulator(date(2024, 1, 1), date(2025, 1, 1)).finish()
    (result,) = evaluate_targets([Target(**CUSTOMER_PAY)], empty)
    assert result.measured is None and result.relative_error is None and not result.passed
    assert squared_error_sum([result], undefined_penalty=7.0) == 7.0


@pytest.mark.parametrize(
    ("measured", "relative_error", "passed"),
    [
        (100.0, 0.0, True),
        (75.0, -0.25, True),  # the tolerance itself passes, on both sides
        (125.0, 0.25, True),
        (74.0, -0.26, False),
        (126.0, 0.26, False),
        (0.0, -1.0, False),
        (300.0, 2.0, False),
    ],
)
def test_a_target_passes_within_its_relative_tolerance(measured, relative_error, passed):
    target = Target(metric="ro_count", value=100, tolerance=0.25, source="test")
    result = TargetResult(target, measured)
    assert result.relative_error == pytest.approx(relative_error)
    assert result.passed is passed


def test_the_calibration_objective_sums_squared_relative_errors():
    target = Target(metric="ro_count", value=200, tolerance=0.1, source="test")
    results = [TargetResult(target, 160.0), TargetResult(target, 300.0), TargetResult(target, None)]
    # (-0.2)^2 + 0.5^2 + the penalty for the undefined metric
    assert squared_error_sum(results, undefined_penalty=3.0) == pytest.approx(0.04 + 0.25 + 3.0)
