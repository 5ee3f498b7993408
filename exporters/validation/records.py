"""One JSON line of an RO file: its structure, then its record rules.

Nearly every line is valid and exporters.validation.fast_path says so; only the others are parsed
into dicts and walked field by field to name each rule they break.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

import orjson

from exporters.rules import ro_violations
from exporters.validation.duplicates import repeated_key_violations
from exporters.validation.fast_path import clean_ro
from exporters.validation.structs import RepairOrder, to_struct
from exporters.validation.structure import Checker, committed_schema, compile_checker
from exporters.violation import Violation


class CheckedLine(NamedTuple):
    ro_number: str  # "" when the line has none
    violations: list[Violation]
    # The decoded RO when it is sound enough for the dataset and span rules, else None.
    ro: RepairOrder | None


def check_line(line: bytes) -> CheckedLine:
    ro = clean_ro(line)
    if ro is None:
        return _check_in_detail(line)
    # The RO as decoded (last of repeated keys) still joins the dataset rules: it is one reading of the line.
    return CheckedLine(ro.ro_number, repeated_key_violations(line, ro), ro)


def _has_real_instants(violations: list[Violation]) -> bool:
    # Dataset and span rules read instants from opened_at and closed_at: they must name real ones.
    return not violations or all(violation.rule != "F10-datetime" for violation in violations)


@cache
def _structure_checker() -> Checker:
    return compile_checker(committed_schema())


def _check_in_detail(line: bytes) -> CheckedLine:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        message = "empty line" if not line.strip() else f"malformed JSON: {error}"
        return CheckedLine("", [Violation("S1-json", (), message)], None)
    if type(record) is not dict:
        return CheckedLine(
            "",
            [Violation("S1-json", (), "line is not a JSON object", "object", type(record).__name__)],
            None,
        )
    repeated = repeated_key_violations(line, record)
    out: list[Violation] = []
    _structure_checker()(record, out)
    if out:
        return CheckedLine(_ro_number_of(record), repeated + out, None)
    ro = to_struct(record)
    violations = ro_violations(ro)
    return CheckedLine(ro.ro_number, repeated + violations, ro if _has_real_instants(violations) else None)


def _ro_number_of(record: dict[str, Any]) -> str:
    """The record's ro_number for reports, or "" when it has none."""
    number = record.get("ro_number")
    return number if type(number) is str else ""
