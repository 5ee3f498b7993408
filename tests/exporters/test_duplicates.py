"""Repeated keys in a JSON line (S5): found whatever the writer's spacing, escapes or key order."""

from __future__ import annotations

import orjson
import pytest

from exporters.validation.duplicates import repeated_key_violations
from exporters.validation.records import check_line
from tests.dataset_fixture import fixture_ro

RO_LINE = orjson.dumps(fixture_ro("OH101-000103"))


def _rules_and_places(line: bytes) -> list[tuple[str, tuple[str | int, ...]]]:
    _, violations, _ = check_line(line)
    return [(violation.rule, violation.loc) for violation in violations]


@pytest.mark.parametrize(
    ("line", "place"),
    [
        # A second total that readers keeping the first key see instead of the validated one.
        (RO_LINE.replace(b'"totals":{', b'"totals":{"total":"1.00",'), ("totals", "total")),
        # Spaced like Python's json.dumps, so the line is not its own compact re-encoding.
        (RO_LINE.replace(b'"notes":', b'"notes": "x", "notes":'), ("notes",)),
        # A space before the colon, and the key spelled with an escape.
        (RO_LINE.replace(b'"notes":', b'"notes" : "x","not\\u0065s":'), ("notes",)),
        # In a list item; the line also breaks a record rule, so it takes the detailed path.
        (
            RO_LINE.replace(b'"index":1,', b'"index":1,"index":1,', 1).replace(
                b'"hours":"', b'"hours":"9', 1
            ),
            ("jobs", 0, "index"),
        ),
    ],
)
def test_a_repeated_key_is_an_s5_violation_at_its_place(line, place):
    assert ("S5-duplicate-key", place) in _rules_and_places(line)


@pytest.mark.parametrize(
    "line",
    [
        RO_LINE,
        orjson.dumps(orjson.loads(RO_LINE), option=orjson.OPT_SORT_KEYS),
        RO_LINE.replace(b",", b", ").replace(b'":', b'": '),
        # Colons written as escapes in a narrative do not pass for keys.
        RO_LINE.replace(b'"notes":"', b'"notes":"\\u003a\\u003a '),
    ],
)
def test_lines_without_repeated_keys_have_none_whatever_their_spelling(line):
    assert "S5-duplicate-key" not in {rule for rule, _ in _rules_and_places(line)}


def test_the_decoded_value_is_not_what_the_first_key_said():
    line = RO_LINE.replace(b'"totals":{', b'"totals":{"total":"1.00",')
    assert orjson.loads(line)["totals"]["total"] != "1.00"
    assert [violation.rule for violation in repeated_key_violations(line, orjson.loads(line))] == [
        "S5-duplicate-key"
    ]
