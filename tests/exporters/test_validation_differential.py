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

import copy
import tempfile
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporters.pii_surface import full_spellings
from exporters.rules import RULE_IDS
from exporters.validation import fast_path, records, runner, spans
from exporters.validation.findings import Finding, Report
from exporters.validation.runner import validate_paths
from exporters.validation.spans import NARRATIVES, phone_spellings
from tests.dataset_fixture import (
    DATASET,
    copy_dataset,
    fixture_ro,
    fixture_ros,
    read_jsonl,
    refresh_manifest,
    replace_ro,
    write_jsonl,
)
from tests.exporters.test_rules import MUTATIONS
from tests.exporters.test_validation import (
    DATASET_MUTATIONS,
    MANIFEST_MUTATIONS,
    RO_PART_0,
    SPAN_MUTATIONS,
    SPANS_PART_0,
)

SPANS_PART_1 = Path("pii_spans/part-00001.jsonl")
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
        forced.setattr(spans, "_decode_span", _refuse)  # every span line too
        forced.setattr(spans, "_may_mention_pii", lambda ro: True)  # every RO's PII is searched for
        forced.setattr(spans, "_mentioned", lambda *value_and_texts: True)  # in every spelling
        reference = _report(folder)
    return fast, reference


def _refuse(line: bytes) -> None:
    raise ValueError("the detailed path reads every line")


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


@st.composite
def dataset_edits(draw: st.DrawFn) -> Callable[[Path], None]:
    """One edit of the fixture dataset that the fast path must see as the reference path does: a span
    moved off its text or given another value, an RO given another RO's number, or a spelling of an
    RO's own PII (its customer perhaps renamed first) written into one of its narratives, which the
    fast path's search for PII must find; one value of an RO nudged is test_fast_path's, line by line."""
    ros = fixture_ros()
    position = draw(st.integers(0, len(ros) - 1))
    ro = copy.deepcopy(ros[position])
    kind = draw(st.sampled_from(["span", "number", "pii"]))
    if kind == "span":
        part = draw(st.sampled_from([SPANS_PART_0, SPANS_PART_1]))
        line = draw(st.integers(0, len(read_jsonl(DATASET / part)) - 1))
        key = draw(st.sampled_from(["start", "end", "entity_value"]))
        shift = draw(st.sampled_from([-2, -1, 1, 2]))

        def edit(folder: Path) -> None:
            span_list = read_jsonl(folder / part)
            span = span_list[line]
            span[key] = span[key] + shift if key != "entity_value" else span[key][:shift] + "x"
            write_jsonl(folder / part, span_list)
            refresh_manifest(folder)

        return edit
    if kind == "number":
        ro["ro_number"] = draw(st.sampled_from([other["ro_number"] for other in ros]))
    else:
        customer = ro["customer"]
        # Names whose upper-case spelling lower-cases to another text, or whose lower case depends on context.
        customer["name"] = draw(
            st.sampled_from([customer["name"], "Hans Strauß", "Işık Tan", "ΟΔΥΣΣΕΑΣ Papas"])
        )
        entity_type, value = draw(
            st.sampled_from(
                [
                    ("PERSON", customer["name"]),
                    ("EMAIL_ADDRESS", customer["email"]),
                    ("STREET_ADDRESS", customer["address"]["line1"]),
                    ("VIN", ro["vehicle"]["vin"]),
                    ("PHONE_NUMBER", customer["phone"]),
                ]
            )
        )
        spellings = (
            phone_spellings(value) if entity_type == "PHONE_NUMBER" else full_spellings(entity_type, value)
        )
        spelling = draw(st.sampled_from(spellings))
        job = draw(st.sampled_from([None, *range(len(ro["jobs"]))]))
        holder, field = (ro, "notes") if job is None else (ro["jobs"][job], draw(st.sampled_from(NARRATIVES)))
        at = draw(st.integers(0, len(holder[field])))
        holder[field] = f"{holder[field][:at]}{spelling}{holder[field][at:]}"
    original_number = ros[position]["ro_number"]

    def edit(folder: Path) -> None:
        replace_ro(folder, ro, original_number)

    return edit


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(dataset_edits())
def test_an_edited_dataset_gets_the_same_findings_on_both_paths(monkeypatch, edit):
    with tempfile.TemporaryDirectory() as target:
        folder = copy_dataset(Path(target))
        edit(folder)
        fast, reference = _fast_and_reference(folder, monkeypatch)
    assert fast == reference


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Hans Strauß", "HANS STRAUSS"),  # ß upper-cases to SS, which lower-cases to ss
        ("Işık Tan", "IŞIK TAN"),  # a dotless ı upper-cases to I, which lower-cases to i
        ("Nikos ΑΣ", "NIKOS ΑΣB"),  # a capital sigma lower-cases by what follows it
    ],
)
def test_a_name_whose_spellings_lower_case_apart_is_found_in_an_ro_without_spans(
    tmp_path, monkeypatch, name, written
):
    ro = fixture_ro("OH101-000103")  # no spans
    ro["customer"]["name"] = name
    ro["notes"] = f"Spoke with {written} on arrival"
    folder = copy_dataset(tmp_path)
    replace_ro(folder, ro)
    fast, reference = _fast_and_reference(folder, monkeypatch)
    assert fast == reference
    assert "P4-unspanned-pii" in {finding.violation.rule for finding in fast[0]}
