"""The fast path (msgspec Structs, remembered formats, the rules) gives the detailed checks' verdict.

``clean_ro`` must return an RO exactly when the detailed checks (orjson, the compiled structure
checker, the record rules) find nothing, and the Structs must describe the models' structure.
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporters.contract import contract_violations
from exporters.formats import PATTERN_RULES
from exporters.json_schema import repair_order_json_schema
from exporters.validation.fast_path import clean_ro, compile_identifier_check
from exporters.validation.records import check_line
from exporters.validation.spans import parse_span
from exporters.validation.structs import RepairOrder, Span, structs_from_schema, to_struct
from tests.dataset_fixture import fixture_ro, fixture_ros
from tests.exporters.test_validation_properties import _json_values, _parent, _paths, corrupted_ros
from tests.exporters.wider_models import WiderRepairOrder
from tests.strategies import repair_orders

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCHEMA = repair_order_json_schema()


def detailed_rules(ro: Any) -> set[str]:
    return {violation.rule for violation in contract_violations(ro)}


def assert_same_verdict(ro: Any) -> None:
    clean = clean_ro(orjson.dumps(ro)) is not None
    assert clean == (detailed_rules(ro) == set())


@SETTINGS
@given(repair_orders())
def test_valid_ros_are_clean_and_decode_to_their_structs(ro):
    assert clean_ro(orjson.dumps(ro)) == to_struct(ro)


@SETTINGS
@given(corrupted_ros())
def test_a_corrupted_ro_is_never_clean(corrupted):
    ro, _ = corrupted
    assert clean_ro(orjson.dumps(ro)) is None
    assert detailed_rules(ro)


@SETTINGS
@given(repair_orders(), st.data())
def test_any_value_anywhere_gets_the_detailed_verdict(ro, data):
    path = data.draw(st.sampled_from([path for path, _ in _paths(ro) if path]))
    _parent(ro, path)[path[-1]] = data.draw(_json_values)
    assert_same_verdict(ro)


@SETTINGS
@given(repair_orders())
def test_valid_lines_written_another_way_are_clean_too(ro):
    reordered = dict(reversed(list(ro.items())))
    for line in (orjson.dumps(reordered), orjson.dumps(ro, option=orjson.OPT_INDENT_2)):
        assert clean_ro(line) == to_struct(ro)


def test_escapes_in_free_text_and_in_patterned_values_are_read_as_their_text():
    ro = fixture_ros()[0]
    ro["notes"] = 'said "rattles"\n\\ \u00e9 \x01'
    line = orjson.dumps(ro)
    number = ro["ro_number"].encode()
    escaped = line.replace(b'"' + number + b'"', b'"' + number[:-1] + b"\\u00" + b"%x" % number[-1] + b'"')
    assert b'\\"rattles\\"' in escaped and b"\\u0001" in escaped and escaped != line
    assert clean_ro(escaped) == to_struct(ro)


def _patterned_paths(schema: dict[str, Any], node: dict[str, Any], path: tuple) -> list[tuple[tuple, str]]:
    """(path in the fixture RO with list items at position 0, pattern) of every patterned leaf."""
    ref = node.get("$ref")
    node = schema["$defs"][ref.rsplit("/", 1)[1]] if ref else node
    if node.get("type") == "object":
        return [
            leaf
            for key, child in node["properties"].items()
            for leaf in _patterned_paths(schema, child, (*path, key))
        ]
    if node.get("type") == "array":
        return _patterned_paths(schema, node["items"], (*path, 0))
    return [(path, node["pattern"])] if "pattern" in node else []


PATTERNED = _patterned_paths(SCHEMA, SCHEMA, ())


@pytest.mark.parametrize(("path", "pattern"), PATTERNED, ids=[".".join(map(str, p)) for p, _ in PATTERNED])
@pytest.mark.parametrize("bad", ["", "x", "1.5.0", " 1.00", "AB123-000101 "])
def test_every_patterned_value_that_misses_its_pattern_leaves_the_fast_path(path, pattern, bad):
    ro = fixture_ro("OH101-000101")
    # A customer-pay RO with fees and parts: every list has an item at position 0.
    assert ro["fees"] and ro["parts"]
    _parent(ro, path)[path[-1]] = bad
    assert clean_ro(orjson.dumps(ro)) is None
    assert PATTERN_RULES[pattern] in detailed_rules(ro)


def test_integers_that_orjson_reads_as_floats_are_not_clean():
    vehicle = fixture_ro("OH101-000101")["vehicle"]
    odometers = b'"odometer_in":%d,"odometer_out":%d'
    line = orjson.dumps(fixture_ro("OH101-000101"))
    line = line.replace(
        odometers % (vehicle["odometer_in"], vehicle["odometer_out"]), odometers % (2**64, 2**64)
    )
    assert b"%d" % 2**64 in line
    assert clean_ro(line) is None
    assert {violation.rule for violation in check_line(line).violations} == {"S4-type"}


def _structure(schema: dict[str, Any], node: dict[str, Any]) -> Any:
    """What the Structs must agree on: keys, JSON types, required keys, enums, non-empty texts and lists."""
    ref = node.get("$ref")
    if ref:
        node = schema["$defs"][ref.rsplit("/", 1)[1]]
    if "anyOf" in node:
        return sorted((_structure(schema, option) for option in node["anyOf"]), key=repr)
    if node.get("type") == "object":
        return {
            "keys": list(node["properties"]),
            "required": sorted(node.get("required", [])),
            "closed": node.get("additionalProperties") is False,
            "properties": {key: _structure(schema, child) for key, child in node["properties"].items()},
        }
    if node.get("type") == "array":
        return {"array": _structure(schema, node["items"]), "min": node.get("minItems", 0)}
    enum = node.get("enum") or ([node["const"]] if "const" in node else None)
    return {
        "type": node.get("type", "string"),
        "enum": sorted(enum) if enum else None,
        "min": node.get("minLength", 0),
    }


def test_the_structs_describe_the_models_structure():
    struct_schema = msgspec.json.schema(RepairOrder)
    assert _structure(struct_schema, struct_schema) == _structure(SCHEMA, SCHEMA)


SPAN = (
    b'{"ro_number":"OH101-000101","field":"notes","start":0,"end":4,'
    b'"entity_type":"PERSON","entity_value":"Anna"}'
)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        (SPAN, None),
        (SPAN.replace(b'"start":0', b'"start":%d' % 2**64), "P5-span-format"),
        (SPAN.replace(b'"start":0', b'"start":true'), "P5-span-format"),
        (SPAN.replace(b'"start":0', b'"start":0.0'), "P5-span-format"),
        (SPAN.replace(b'"PERSON"', b'"NAME"'), "P3-span-type"),
        (SPAN.replace(b"}", b',"extra":1}'), "P5-span-format"),
        (SPAN[:-1], "P5-span-format"),
    ],
)
def test_span_lines_decoded_on_the_fast_path_keep_their_verdicts(line, rule):
    span, violation = parse_span(line)
    if rule is None:
        assert violation is None and span == Span("OH101-000101", "notes", 0, 4, "PERSON", "Anna")
    else:
        assert span is None and violation.rule == rule


def test_fields_added_to_the_models_show_up_in_the_structs_and_the_fast_path():
    schema = WiderRepairOrder.model_json_schema(mode="validation")
    structs = structs_from_schema(schema)
    wider = structs["WiderRepairOrder"]
    assert wider.__struct_fields__ == tuple(WiderRepairOrder.model_fields)
    assert structs["WiderVehicle"].__struct_fields__[-2:] == ("trim", "plate_state")
    assert structs["WiderPartLine"].__struct_fields__[-2:] == ("core_charge", "supplier_code")
    assert _structure(msgspec.json.schema(wider), msgspec.json.schema(wider)) == _structure(schema, schema)

    ro = fixture_ro("OH101-000101")
    ro["vehicle"].update(trim="LX", plate_state=None)
    for part in ro["parts"]:
        part.update(core_charge="15.00", supplier_code="ACD-2210")
    ro["bay"] = 3
    decode = msgspec.json.Decoder(wider).decode
    identifiers_match = compile_identifier_check(schema)
    assert identifiers_match(decode(orjson.dumps(ro)))
    ro["vehicle"]["plate_state"] = "OH"
    assert identifiers_match(decode(orjson.dumps(ro)))
    for path, bad in [(("vehicle", "plate_state"), "ohio"), (("parts", 2, "supplier_code"), "acd")]:
        broken = copy.deepcopy(ro)
        _parent(broken, path)[path[-1]] = bad
        assert not identifiers_match(decode(orjson.dumps(broken)))
    for path in [("vehicle", "trim"), ("parts", 0, "core_charge"), ("bay",)]:
        missing = copy.deepcopy(ro)
        del _parent(missing, path)[path[-1]]
        with pytest.raises(msgspec.ValidationError, match="missing required field"):
            decode(orjson.dumps(missing))
    ro["vehicle"]["trim"] = ""
    with pytest.raises(msgspec.ValidationError, match="length >= 1"):
        decode(orjson.dumps(ro))


# Characters a nudge writes: every class of the contract's patterns, and their near misses.
_NUDGE_CHARACTERS = "0123456789AZaz-:.+T @é"
_FREE_TEXT = {"complaint", "cause", "correction", "notes", "description", "name", "line1", "city", "email"}


@st.composite
def nudged_ros(draw: st.DrawFn) -> dict[str, Any]:
    """A valid RO with one value nudged without changing its JSON type, so that the structure holds
    and the value reaches the pattern lookups and the record rules: a digit of a string changed
    (money that no longer adds up, a rate that is not the posted one, a tax rate the tax does not
    follow), a character replaced, dropped or doubled (an identifier or datetime off its pattern, an
    unknown enum value), or an integer moved by a little (an index, a year, an odometer)."""
    ro = draw(repair_orders())
    leaves = [(path, value) for path, value in _paths(ro) if path and type(value) in (str, int)]
    # Free text only matters to the fast path as PII (the span tests): most nudges go to values with rules.
    ruled = [leaf for leaf in leaves if leaf[0][-1] not in _FREE_TEXT]
    # Each field as likely as another, however many lines repeat it: totals.tax_rate as jobs[].index.
    by_field: dict[tuple, list] = {}
    for leaf in ruled if draw(st.integers(0, 9)) else leaves:
        by_field.setdefault(tuple(key if type(key) is str else 0 for key in leaf[0]), []).append(leaf)
    path, value = draw(st.sampled_from(draw(st.sampled_from(list(by_field.values())))))
    if type(value) is int:
        nudged: Any = value + draw(st.sampled_from([-2, -1, 1, 2, 250, 10**6]))
    else:
        position = draw(st.integers(0, max(len(value) - 1, 0)))
        edit = draw(st.sampled_from(["digit", "digit", "digit", "replace", "drop", "double"]))
        digits = [at for at, character in enumerate(value) if character.isdigit()]
        if edit == "digit" and digits:
            at = draw(st.sampled_from(digits))
            other = draw(st.sampled_from([digit for digit in "0123456789" if digit != value[at]]))
            nudged = value[:at] + other + value[at + 1 :]
        elif edit in ("replace", "digit") or not value:
            nudged = value[:position] + draw(st.sampled_from(_NUDGE_CHARACTERS)) + value[position + 1 :]
        elif edit == "drop":
            nudged = value[:position] + value[position + 1 :]
        else:
            nudged = value[: position + 1] + value[position:]
    _parent(ro, path)[path[-1]] = nudged
    return ro


@settings(SETTINGS, max_examples=300)
@given(nudged_ros())
def test_a_nudged_value_is_refused_by_the_fast_path_exactly_when_the_detailed_checks_report_it(ro):
    assert_same_verdict(ro)
