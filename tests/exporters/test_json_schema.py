from __future__ import annotations

import argparse
import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from exporters.json_schema import COMMITTED_SCHEMA, repair_order_json_schema, schema_text
from sim import cmd_schema
from tests.dataset_fixture import fixture_ro, fixture_ros
from tests.strategies import repair_orders

PII_FIELDS = {
    "customer.name",
    "customer.contact_name",
    "customer.phone",
    "customer.email",
    "customer.address.line1",
    "customer.address.city",
    "customer.address.state",
    "customer.address.postal_code",
    "vehicle.vin",
}
FIELD_CLASSES = {"identifier", "pii", "narrative", "financial", "vehicle", "temporal", "code"}

SCHEMA = repair_order_json_schema()
VALIDATOR = Draft202012Validator(SCHEMA)


def _leaves(schema: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Dotted path -> property schema of every leaf (arrays of objects use the item's fields)."""
    leaves = {}
    for name, prop in schema["properties"].items():
        path = f"{prefix}{name}"
        target = prop.get("items", prop)
        if "$ref" in target:
            leaves |= _leaves(SCHEMA["$defs"][target["$ref"].rsplit("/", 1)[1]], path + ".")
        else:
            leaves[path] = prop
    return leaves


def test_committed_schema_is_what_the_models_produce():
    assert COMMITTED_SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "exporters/schema-v2.json is stale: run python -m sim schema --out exporters/schema-v2.json"
    )


def test_schema_is_draft_2020_12_and_closed_at_every_level():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for definition in [SCHEMA, *SCHEMA["$defs"].values()]:
        assert definition["additionalProperties"] is False


def test_pii_marks_and_field_classes():
    leaves = _leaves(SCHEMA)
    assert {path for path, prop in leaves.items() if prop.get("x-pii")} == PII_FIELDS
    for path, prop in leaves.items():
        assert prop.get("x-field-class") in FIELD_CLASSES, path
        assert prop.get("description"), path
    assert leaves["jobs.complaint"]["x-field-class"] == "narrative"
    assert leaves["totals.total"]["x-field-class"] == "financial"
    assert leaves["opened_at"]["x-field-class"] == "temporal"


@pytest.mark.parametrize("ro", fixture_ros(), ids=lambda ro: ro["ro_number"])
def test_jsonschema_accepts_the_fixture(ro):
    VALIDATOR.validate(ro)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repair_orders())
def test_jsonschema_accepts_random_valid_ros(ro):
    VALIDATOR.validate(ro)


def _objects(ro: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [("(root)", ro)]
    for key, value in ro.items():
        if isinstance(value, dict):
            found += [(f"{key}.{path}", obj) for path, obj in _objects(value)]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            found += [(f"{key}[0].{path}", obj) for path, obj in _objects(value[0])]
    return found


def test_jsonschema_rejects_an_unknown_key_at_every_level():
    paths = [path for path, _ in _objects(fixture_ro("OH101-000101"))]
    assert (
        len(paths) == 11
    )  # root, shop, labor_rates, customer, address, vehicle, job, labor, part, fee, totals
    for position, path in enumerate(paths):
        ro = copy.deepcopy(fixture_ro("OH101-000101"))
        _objects(ro)[position][1]["unexpected"] = "x"
        errors = list(VALIDATOR.iter_errors(ro))
        assert [error.validator for error in errors] == ["additionalProperties"], path


def test_schema_command_writes_the_schema(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    cmd_schema.register(parser.add_subparsers())
    out = tmp_path / "schema.json"
    args = parser.parse_args(["schema", "--out", str(out)])
    assert args.func(args) == 0
    assert out.read_text(encoding="utf-8") == schema_text()
    args = parser.parse_args(["schema"])
    assert args.func(args) == 0
    assert capsys.readouterr().out == schema_text()
