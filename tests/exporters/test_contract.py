"""The compiled contract check (exporters.contract) gives the models' verdict, with the same rule ids."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from exporters.config import ExportConfig
from exporters.contract import contract_violations, validated_ro_json
from exporters.models import RepairOrder
from exporters.ro_builder import RoBuilder
from tests.dataset_fixture import fixture_ros
from tests.exporters.test_validation_properties import _json_values, _parent, _paths, corrupted_ros
from tests.exporters.visit_factory import make_visit
from tests.strategies import repair_orders

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def model_rules(ro: Any) -> set[str]:
    try:
        RepairOrder.model_validate(ro)
    except ValidationError as error:
        return {item["type"] for item in error.errors()}
    return set()


def fast_rules(ro: Any) -> set[str]:
    return {violation.rule for violation in contract_violations(ro)}


@SETTINGS
@given(repair_orders())
def test_valid_ros_pass_both_and_serialize_as_the_models_do(ro):
    assert fast_rules(ro) == model_rules(ro) == set()
    assert validated_ro_json(ro) == RepairOrder.model_validate(ro).model_dump_json().encode()


@SETTINGS
@given(corrupted_ros())
def test_a_corrupted_ro_breaks_the_same_rules_for_both(corrupted):
    ro, _ = corrupted
    rules = fast_rules(ro)
    assert rules and rules == model_rules(ro)


@SETTINGS
@given(repair_orders(), st.data())
def test_any_value_anywhere_gets_the_same_verdict_and_rule_ids(ro, data):
    path = data.draw(st.sampled_from([path for path, _ in _paths(ro) if path]))
    _parent(ro, path)[path[-1]] = data.draw(_json_values)
    assert fast_rules(ro) == model_rules(ro)


@pytest.mark.parametrize("ro", fixture_ros(), ids=lambda ro: ro["ro_number"])
def test_the_fixture_passes_and_its_bytes_are_kept(ro):
    assert validated_ro_json(ro) == orjson.dumps(ro)


def test_a_rejected_ro_raises_one_validation_error_naming_every_broken_rule():
    ro = fixture_ros()[0]
    ro["totals"]["total"] = "0.01"
    ro["vehicle"]["odometer_out"] = ro["vehicle"]["odometer_in"] - 1
    with pytest.raises(ValidationError) as raised:
        validated_ro_json(ro)
    assert {item["type"] for item in raised.value.errors()} == {"R9-total", "F20-odometer"}
    assert model_rules(ro) == {"R9-total", "F20-odometer"}


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**40))
def test_built_ros_are_what_the_models_accept_and_serialize(seed):
    built = RoBuilder(ExportConfig(narrative_pii_rate=0.3)).build(make_visit(seed))
    assert built.json_line == RepairOrder.model_validate_json(built.json_line).model_dump_json().encode()
