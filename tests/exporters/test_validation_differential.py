"""The validator's fast path against its per-RO reference path, on whole dataset folders.

The fast path (exporters.validation.fast_path) decodes a line into Structs and only says whether it
is clean, by the lean verdict of exporters.validation.verdict or, when that doubts, by the record
rules; the reference path parses every line into a dict and walks it rule by rule. The findings of
a dataset (record, dataset, span and manifest rules, with file, line and RO number, in order) must not
depend on which one read the lines: here the rules are made to answer for every RO, then the
reference path is forced for every line, and the three reports are compared whole, on datasets with
injected violations of every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from exporters.rules import RULE_IDS
from exporters.validation import fast_path, records, runner
from exporters.validation.findings import Finding, Report
from exporters.validation.runner import validate_paths
from tests.dataset_fixture import copy_dataset, fixture_ro, refresh_manifest
from tests.exporters.test_rules import MUTATIONS
from tests.exporters.test_validation import (
    DATASET_MUTATIONS,
    MANIFEST_MUTATIONS,
    RO_PART_0,
    SPAN_MUTATIONS,
)

MAX_LINE_BYTES = 1 << 14  # small, so that one injected line is over the limit (S6)


def _report(folder: Path) -> tuple[list[Finding], int]:
    report = Report(keep=True)
    validate_paths([folder], report)
    return report.findings, report.records


def _fast_and_reference(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple]:
    monkeypatch.setattr(runner, "MAX_LINE_BYTES", MAX_LINE_BYTES)
    monkeypatch.setattr(runner, "_CHUNK", 1 << 12)  # lines cut by chunks, as long ones are
    fast = _report(folder)
    with monkeypatch.context() as forced:
        forced.setattr(fast_path, "record_is_clean", lambda ro: False)  # the rules answer for every RO
        assert _report(folder) == fast
    with monkeypatch.context() as forced:
        forced.setattr(records, "clean_ro", lambda line: None)  # every line takes the detailed path
        reference = _report(folder)
    return fast, reference


def _every_record_violation(folder: Path) -> None:
    """Append to part-00000 one RO per record mutation of test_rules, then the lines that only a line
    can be: malformed, blank, not an object, a repeated key, over the length limit."""
    mutated = []
    for _, ro_number, mutation in MUTATIONS:
        ro = fixture_ro(ro_number)
        mutation(ro)
        mutated.append(orjson.dumps(ro))
    renumbered = fixture_ro("OH101-000103")  # a lower number, opened after OH101-000101: D2
    renumbered["ro_number"] = "OH101-000099"
    renamed = fixture_ro("OH101-000101")  # the same customer_uuid under another name: D5
    renamed["customer"]["name"] = "Dana Whitfield-Ross"
    mutated += [orjson.dumps(renumbered), orjson.dumps(renamed)]
    repeated_key = orjson.dumps(fixture_ro("OH101-000101")).replace(
        b'"totals":{', b'"totals":{"tax":"9.99",', 1
    )
    overlong = b'{"ro_number":"' + b"X" * MAX_LINE_BYTES + b'"}'
    part = folder / RO_PART_0
    lines = [*mutated, b"{", b"", b"[1, 2]", repeated_key, overlong]
    part.write_bytes(part.read_bytes() + b"".join(line + b"\n" for line in lines))
    refresh_manifest(folder)


def test_every_injected_record_violation_gets_the_same_findings_on_both_paths(tmp_path, monkeypatch):
    folder = copy_dataset(tmp_path)
    _every_record_violation(folder)
    fast, reference = _fast_and_reference(folder, monkeypatch)
    assert fast == reference
    findings, _ = fast
    record_and_dataset_rules = {rule for rule in RULE_IDS if rule[0] in "SFRD"}
    assert record_and_dataset_rules <= {finding.violation.rule for finding in findings}


MUTATION_CASES: list[tuple[str, Callable[[Path], None]]] = [
    ("clean", lambda folder: None),
    *DATASET_MUTATIONS,
    *SPAN_MUTATIONS,
    *MANIFEST_MUTATIONS,
]


@pytest.mark.parametrize(
    ("rule", "mutation"), MUTATION_CASES, ids=[f"{rule}-{n}" for n, (rule, _) in enumerate(MUTATION_CASES)]
)
def test_dataset_span_and_manifest_mutations_get_the_same_findings_on_both_paths(
    tmp_path, monkeypatch, rule, mutation
):
    folder = copy_dataset(tmp_path)
    mutation(folder)
    fast, reference = _fast_and_reference(folder, monkeypatch)
    assert fast == reference
    findings, _ = fast
    assert {finding.violation.rule for finding in findings} == (set() if rule == "clean" else {rule})
