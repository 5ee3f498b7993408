"""The canonical-line regex accepts roworld's own lines and never a structurally invalid record."""

from __future__ import annotations

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporters.contract import canonical_line, check_structure
from exporters.validation.records import check_line
from tests.dataset_fixture import fixture_ros
from tests.exporters.test_validation_properties import _json_values, _parent, _paths, corrupted_ros
from tests.strategies import repair_orders

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def agreeing_verdict(line: bytes) -> bool:
    """The verdict on a line, checking that both patterns give it when the line has no backslash."""
    verdict = canonical_line.matches(line)
    if b"\\" not in line:
        assert (canonical_line.escaped.fullmatch(line) is not None) == verdict
    return verdict


def structure_problems(ro):
    out = []
    check_structure(ro, out)
    return out


@SETTINGS
@given(repair_orders())
def test_valid_ros_written_compactly_in_field_order_match(ro):
    assert agreeing_verdict(orjson.dumps(ro))


@SETTINGS
@given(corrupted_ros())
def test_a_structural_corruption_never_matches(corrupted):
    ro, _ = corrupted
    if agreeing_verdict(orjson.dumps(ro)):
        assert structure_problems(ro) == []


@SETTINGS
@given(repair_orders(), st.data())
def test_any_value_anywhere_matches_only_if_the_structure_is_valid(ro, data):
    path = data.draw(st.sampled_from([path for path, _ in _paths(ro) if path]))
    _parent(ro, path)[path[-1]] = data.draw(_json_values)
    if agreeing_verdict(orjson.dumps(ro)):
        assert structure_problems(ro) == []


@SETTINGS
@given(repair_orders())
def test_valid_lines_written_another_way_miss_the_regex_and_still_pass(ro):
    reordered = dict(reversed(list(ro.items())))
    for line in (orjson.dumps(reordered), orjson.dumps(ro, option=orjson.OPT_INDENT_2)):
        assert not canonical_line.matches(line)
        assert check_line(line) == (ro, [], True)


def test_escapes_match_in_free_text_and_send_patterned_values_to_the_dict_checker():
    ro = fixture_ros()[0]
    ro["notes"] = 'said "rattles"\n\\ \u00e9 \x01'
    line = orjson.dumps(ro)
    assert b'\\"rattles\\"' in line and b"\\u0001" in line
    assert canonical_line.matches(line)
    number = ro["ro_number"].encode()
    escaped = line.replace(b'"' + number + b'"', b'"' + number[:-1] + b"\\u00" + b"%x" % number[-1] + b'"')
    assert escaped != line and not canonical_line.matches(escaped)
    assert check_line(escaped) == (ro, [], True)
