"""One JSON line of an RO file: parse it, check its structure, then its record rules."""

from __future__ import annotations

from typing import Any

import orjson

from exporters.contract import canonical_line, check_structure
from exporters.rules import record_violations
from exporters.violation import Violation


def ro_number_of(record: Any) -> str:
    """The record's ro_number for reports, or "" when it has none."""
    if type(record) is dict:
        number = record.get("ro_number")
        if type(number) is str:
            return number
    return ""


def check_line(line: bytes) -> tuple[Any, list[Violation], bool]:
    """(parsed record or None, its violations, whether it is sound enough for dataset and span rules)."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        message = "empty line" if not line.strip() else f"malformed JSON: {error}"
        return None, [Violation("S1-json", (), message)], False
    if type(record) is not dict:
        return (
            record,
            [Violation("S1-json", (), "line is not a JSON object", "object", type(record).__name__)],
            False,
        )
    if not canonical_line.matches(line):
        out: list[Violation] = []
        check_structure(record, out)
        if out:
            return record, out, False
    out = record_violations(record)
    # Dataset and span rules read instants from opened_at and closed_at: they must name real ones.
    return record, out, not out or all(violation.rule != "F10-datetime" for violation in out)
