"""Random ROs: valid ones pass the validator and the models; any single corruption is caught by both."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from exporters.models import RepairOrder
from exporters.rules import RULE_IDS
from exporters.validation.findings import Report
from exporters.validation.records import check_line
from exporters.validation.runner import validate_paths
from exporters.validation.structs import to_struct
from tests.strategies import repair_orders

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every object (paths to dicts) and every leaf."""
    found = [(prefix, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            found += _paths(item, (*prefix, position))
    return found


def _parent(ro: dict[str, Any], path: tuple[Any, ...]) -> Any:
    target = ro
    for part in path[:-1]:
        target = target[part]
    return target


def _is_amount(path: tuple[Any, ...]) -> bool:
    return path[-1] == "amount" or (path[0] == "totals" and path[-1] != "tax_rate")


@st.composite
def corrupted_ros(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    ro = copy.deepcopy(draw(repair_orders()))
    entries = _paths(ro)
    objects = [path for path, value in entries if isinstance(value, dict)]
    leaves = [path for path, value in entries if not isinstance(value, dict | list)]
    kind = draw(st.sampled_from(("wrong_type", "missing_key", "unknown_key", "amount_off_by_a_cent")))
    if kind == "unknown_key":
        _parent(ro, (*draw(st.sampled_from(objects)), "x"))["unexpected"] = draw(st.text(max_size=5))
    elif kind == "missing_key":
        path = draw(st.sampled_from([path for path in entries if path[0] and isinstance(path[0][-1], str)]))[
            0
        ]
        del _parent(ro, path)[path[-1]]
    elif kind == "wrong_type":
        path = draw(st.sampled_from(leaves))
        value = _parent(ro, path)[path[-1]]
        _parent(ro, path)[path[-1]] = (
            draw(st.integers(-(2**63), 2**63 - 1)) if isinstance(value, str | None) else str(value)
        )
    else:
        path = draw(st.sampled_from([path for path in leaves if _is_amount(path)]))
        text = _parent(ro, path)[path[-1]]
        cents = int(text.replace(".", "")) + draw(st.sampled_from((-1, 1)))
        if cents < 0:
            cents = 1
        _parent(ro, path)[path[-1]] = f"{cents // 100}.{cents % 100:02d}"
    return ro, kind


@SETTINGS
@given(repair_orders())
def test_random_valid_ros_pass_the_validator(ro):
    ro_number, violations, decoded = check_line(orjson.dumps(ro))
    assert ro_number == ro["ro_number"] and violations == [] and decoded == to_struct(ro)


@SETTINGS
@given(corrupted_ros())
def test_any_single_corruption_is_rejected_by_validator_and_models(corrupted):
    ro, _ = corrupted
    _, violations, _ = check_line(orjson.dumps(ro))
    assert violations
    with pytest.raises(ValidationError):
        RepairOrder.model_validate(ro)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(repair_orders(), min_size=1, max_size=6, unique_by=lambda ro: ro["ro_number"]))
def test_a_file_of_random_valid_ros_has_only_dataset_rule_findings(tmp_path, ros):
    path = tmp_path / "random.jsonl"
    path.write_bytes(b"".join(orjson.dumps(ro) + b"\n" for ro in ros))
    report = Report(keep=True)
    validate_paths([path], report)
    # Independent random ROs may share a shop id and clash on its identity or ordering; nothing else.
    assert {rule[0] for rule in report.counts} <= {"D"}
    assert report.records == len(ros)


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@SETTINGS
@given(repair_orders(), st.data())
def test_any_value_anywhere_gives_violations_never_a_traceback(ro, data):
    entries = [path for path, _ in _paths(ro) if path]
    path = data.draw(st.sampled_from(entries))
    _parent(ro, path)[path[-1]] = data.draw(_json_values)
    _, violations, _ = check_line(orjson.dumps(ro))
    assert {violation.rule for violation in violations} <= set(RULE_IDS)
    try:
        RepairOrder.model_validate(ro)
    except ValidationError as error:
        assert {violation.rule for violation in violations} == {detail["type"] for detail in error.errors()}
    else:
        assert violations == []


@SETTINGS
@given(st.binary(max_size=40) | _json_values.map(orjson.dumps))
def test_arbitrary_lines_are_rejected_with_a_rule_never_a_traceback(line):
    ro_number, violations, ro = check_line(line)
    # No line this short is a repair order: each is reported, and nothing is decoded from it.
    assert violations and ro is None
    assert {violation.rule for violation in violations} <= set(RULE_IDS)
    assert isinstance(ro_number, str)
