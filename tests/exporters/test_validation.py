"""The streaming validator on the hand-written dataset folder: dataset, span and manifest rules; the CLI."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exporters.validation import manifest as manifest_checks
from exporters.validation import runner
from exporters.validation.findings import Report
from exporters.validation.runner import validate_paths
from sim import cmd_validate
from tests.dataset_fixture import (
    DATASET,
    copy_dataset,
    fixture_ro,
    read_jsonl,
    refresh_manifest,
    replace_ro,
    write_jsonl,
)
from tests.strategies import make_vin
from world.errors import UserError

RO_PART_0 = Path("repair_orders/part-00000.jsonl")
RO_PART_1 = Path("repair_orders/part-00001.jsonl")
SPANS_PART_0 = Path("pii_spans/part-00000.jsonl")


def validate(*paths: Path, max_errors: int | None = None) -> Report:
    report = Report(max_errors=max_errors, keep=True)
    validate_paths(list(paths), report)
    return report


def rules_of(report: Report) -> set[str]:
    return set(report.counts)


def test_the_fixture_dataset_is_clean():
    report = validate(DATASET)
    assert report.counts == {} and report.records == 8


def test_loose_files_in_any_order_are_one_clean_dataset(tmp_path):
    records = read_jsonl(DATASET / RO_PART_0) + read_jsonl(DATASET / RO_PART_1)
    write_jsonl(tmp_path / "reversed.jsonl", records[::-1])
    assert validate(tmp_path / "reversed.jsonl").counts == {}
    assert validate(DATASET / RO_PART_1, DATASET / RO_PART_0).counts == {}


def _duplicate_number(folder: Path) -> None:
    ro = fixture_ro("OH101-000103")
    ro["vehicle"]["vin"] = make_vin("9ZH1FC", 2019, "B004999")
    write_jsonl(folder / RO_PART_0, [*read_jsonl(folder / RO_PART_0), ro])
    refresh_manifest(folder)


def _renumber_out_of_order(folder: Path) -> None:
    ro = fixture_ro("OH101-000103")
    ro["ro_number"] = "OH101-000100"
    replace_ro(folder, ro, "OH101-000103")


def _mutate(ro_number: str, mutation: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        ro = fixture_ro(ro_number)
        mutation(ro)
        replace_ro(folder, ro)

    return apply


def _rename_shop(ro: dict[str, Any]) -> None:
    ro["shop"]["name"] = "Maple Street Auto"


def _raise_customer_rate(ro: dict[str, Any]) -> None:
    from tests.strategies import reconcile

    ro["shop"]["labor_rates"]["customer"] = "150.00"
    reconcile(ro)


def _change_model(ro: dict[str, Any]) -> None:
    ro["vehicle"]["model"] = "Accord"


def _roll_back_odometer(ro: dict[str, Any]) -> None:
    ro["vehicle"]["odometer_in"], ro["vehicle"]["odometer_out"] = 41000, 41002


def _rename_customer(ro: dict[str, Any]) -> None:
    ro["customer"]["name"] = "Dana Whitfield-Ross"


def _overlapping_visits(folder: Path) -> None:
    first = fixture_ro("OH101-000101")
    first["closed_at"] = "2024-03-12T12:00:00-04:00"
    replace_ro(folder, first)
    second = fixture_ro("OH101-000102")
    civic = fixture_ro("OH101-000101")["vehicle"]
    second["vehicle"].update(
        vin=civic["vin"],
        year=civic["year"],
        make=civic["make"],
        model=civic["model"],
        odometer_in=41203,
        odometer_out=41210,
    )
    replace_ro(folder, second)


DATASET_MUTATIONS = [
    ("D1-unique-ro-number", _duplicate_number),
    ("D2-ro-order", _renumber_out_of_order),
    ("D3-shop-identity", _mutate("OH101-000103", _rename_shop)),
    ("D3-labor-rates", _mutate("OH101-000102", _raise_customer_rate)),
    ("D4-vehicle-identity", _mutate("OH101-000103", _change_model)),
    ("D4-odometer", _mutate("OH101-000103", _roll_back_odometer)),
    ("D4-overlap", _overlapping_visits),
    ("D5-customer-identity", _mutate("OH101-000103", _rename_customer)),
]


@pytest.mark.parametrize(("rule", "mutation"), DATASET_MUTATIONS, ids=[rule for rule, _ in DATASET_MUTATIONS])
def test_dataset_mutation_breaks_exactly_its_rule(tmp_path, rule, mutation):
    folder = copy_dataset(tmp_path)
    mutation(folder)
    report = validate(folder)
    assert rules_of(report) == {rule}, [finding.text() for finding in report.findings]


def test_dataset_rules_do_not_depend_on_input_order(tmp_path):
    folder = copy_dataset(tmp_path)
    _renumber_out_of_order(folder)
    records = read_jsonl(folder / RO_PART_0)
    write_jsonl(tmp_path / "shuffled.jsonl", [records[2], records[0], records[3], records[1]])
    assert rules_of(validate(tmp_path / "shuffled.jsonl")) == {"D2-ro-order"}


def _edit_spans(edit: Callable[[list[dict[str, Any]]], list[Any]]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        write_jsonl(folder / SPANS_PART_0, edit(read_jsonl(folder / SPANS_PART_0)))
        refresh_manifest(folder)

    return apply


def _write_span_lines(lines: list[bytes]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        with (folder / SPANS_PART_0).open("ab") as handle:
            handle.write(b"".join(line + b"\n" for line in lines))
        refresh_manifest(folder)

    return apply


def _with(index: int, **changes: Any) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def edit(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
        spans[index] = spans[index] | changes
        return spans

    return edit


SPAN_MUTATIONS = [
    # Span 2 labels a third party ("Tom Reyes"): breaking it uncovers no structural PII.
    ("P1-span-target", _edit_spans(_with(2, field="jobs[9].complaint"))),
    ("P1-span-target", _edit_spans(_with(2, ro_number="OH101-999999"))),
    ("P2-span-value", _edit_spans(_with(2, start=8))),
    ("P2-span-value", _edit_spans(_with(2, end=99))),
    ("P3-span-type", _edit_spans(_with(2, entity_type="NAME"))),
    (
        "P4-unspanned-pii",
        _edit_spans(lambda spans: [span for span in spans if span["entity_type"] != "PHONE_NUMBER"]),
    ),
    (
        "P4-unspanned-pii",
        _mutate("OH101-000103", lambda ro: ro["jobs"][0].update(cause="Owner Dana Whitfield says so.")),
    ),
    ("P5-span-format", _write_span_lines([b'{"ro_number": "OH101-000101"}'])),
    ("P5-span-format", _write_span_lines([b"{not json"])),
    ("P5-span-format", _edit_spans(_with(2, start="7"))),
    ("P5-span-format", _edit_spans(_with(2, confidence=0.9))),
    ("P5-span-format", _edit_spans(_with(2, variant=None))),
    ("P6-span-label", _edit_spans(_with(2, variant="phone:dotted"))),
    ("P6-span-label", _edit_spans(_with(2, variant="person:nick"))),
    ("P6-span-label", _edit_spans(_with(2, subject="owner"))),
    ("P6-span-label", _edit_spans(_with(2, subject="vehicle"))),
]


@pytest.mark.parametrize(
    ("rule", "mutation"), SPAN_MUTATIONS, ids=[f"{rule}-{n}" for n, (rule, _) in enumerate(SPAN_MUTATIONS)]
)
def test_span_mutation_breaks_exactly_its_rule(tmp_path, rule, mutation):
    folder = copy_dataset(tmp_path)
    mutation(folder)
    report = validate(folder)
    assert rules_of(report) == {rule}, [finding.text() for finding in report.findings]


def test_labelled_spans_are_valid(tmp_path):
    folder = copy_dataset(tmp_path)
    _edit_spans(_with(2, variant="person:first_only", subject="third_party"))(folder)
    _edit_spans(_with(1, variant="phone:parens", subject="customer"))(folder)
    assert validate(folder).findings == []


@pytest.mark.parametrize(
    "notes",
    [
        "Call six one four five five five zero one four two when ready.",
        "Decoded vin 9zh1fcax0kb004512 for parts.",
        "Decoded VIN 9ZH 1FCAX0 KB004512 for parts.",
        "Reply to DANA.WHITFIELD@EXAMPLE.COM when ready.",
        "Reply to dana dot whitfield at example dot com when ready.",
        "Owner DANA WHITFIELD will call.",
    ],
)
def test_structural_pii_in_another_spelling_is_still_structural_pii(tmp_path, notes):
    folder = copy_dataset(tmp_path)
    _mutate("OH101-000103", lambda ro: ro.update(notes=notes))(folder)
    [finding] = validate(folder).findings
    assert finding.violation.rule == "P4-unspanned-pii" and finding.ro_number == "OH101-000103"


def test_phone_written_another_way_is_still_structural_pii(tmp_path):
    folder = copy_dataset(tmp_path)
    _mutate("OH101-000103", lambda ro: ro.update(notes="Call 614.555.0142 when ready."))(folder)
    [finding] = validate(folder).findings
    assert finding.violation.rule == "P4-unspanned-pii" and finding.ro_number == "OH101-000103"
    assert finding.file.endswith("repair_orders/part-00000.jsonl") and finding.line == 3


def _edit_manifest(edit: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / "manifest.json"
        manifest = json.loads(path.read_text())
        edit(manifest)
        path.write_text(json.dumps(manifest))

    return apply


def _list_missing_file(manifest: dict[str, Any]) -> None:
    manifest["files"].append(
        {"path": "truth/shops/part-00000.jsonl", "role": "truth_shops", "records": 2, "sha256": "0" * 64}
    )


MANIFEST_MUTATIONS = [
    ("M1-manifest", lambda folder: (folder / "manifest.json").unlink()),
    ("M1-manifest", lambda folder: (folder / "manifest.json").write_text("{")),
    ("M2-file-missing", _edit_manifest(_list_missing_file)),
    ("M3-checksum", _edit_manifest(lambda manifest: manifest["files"][0].update(sha256="0" * 64))),
    ("M3-checksum", _edit_manifest(lambda manifest: manifest["files"][-1].update(sha256="0" * 64))),
    ("M4-record-count", _edit_manifest(lambda manifest: manifest["files"][2].update(records=5))),
    ("M5-unlisted-file", lambda folder: (folder / "repair_orders" / "part-00002.jsonl").write_bytes(b"")),
]


@pytest.mark.parametrize(
    ("rule", "mutation"),
    MANIFEST_MUTATIONS,
    ids=[f"{rule}-{n}" for n, (rule, _) in enumerate(MANIFEST_MUTATIONS)],
)
def test_manifest_mutation_breaks_exactly_its_rule(tmp_path, rule, mutation):
    folder = copy_dataset(tmp_path)
    mutation(folder)
    report = validate(folder)
    assert rules_of(report) == {rule}, [finding.text() for finding in report.findings]


def test_record_violations_in_a_folder_carry_file_line_and_ro_number(tmp_path):
    folder = copy_dataset(tmp_path)
    ro = fixture_ro("TX205-004502")
    ro["labor"][0]["hours"] = "2.6"
    replace_ro(folder, ro)
    [finding] = validate(folder).findings
    assert finding.text() == (
        f"{folder}/repair_orders/part-00001.jsonl:2: TX205-004502: R3-labor-amount: "
        "amount != round(hours * rate) (expected 286.00, found 275.00)"
    )


def test_malformed_line_is_a_violation_with_its_line_number(tmp_path):
    path = tmp_path / "ros.jsonl"
    path.write_bytes((DATASET / RO_PART_0).read_bytes() + b'{"ro_number": \n[1]\n')
    report = validate(path)
    assert [(finding.line, finding.violation.rule) for finding in report.findings] == [
        (5, "S1-json"),
        (6, "S1-json"),
    ]
    assert report.records == 6


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    cmd_validate.register(parser.add_subparsers())
    args = parser.parse_args(["validate", *argv])
    return args.func(args)


def test_cli_exit_codes_and_text_output(tmp_path, capsys):
    assert run_cli(str(DATASET)) == 0
    assert "checked 8 ROs in 2 file(s): no violations" in capsys.readouterr().out
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"{}\n")
    assert run_cli(str(broken)) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"{broken}:1: -: S3-missing-key: ")
    assert "S3-missing-key" in out.splitlines()[-1]
    with pytest.raises(UserError) as raised:
        run_cli(str(tmp_path / "absent.jsonl"))
    assert raised.value.exit_code == 2 and "no such file" in str(raised.value)
    with pytest.raises(UserError):
        run_cli(str(tmp_path))


def test_cli_max_errors_and_json_format(tmp_path, capsys):
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"{}\n" * 5)
    assert run_cli(str(broken), "--max-errors", "3", "--format", "json") == 1
    document = json.loads(capsys.readouterr().out)
    assert document["violation_count"] == 3 and document["stopped_early"] and not document["valid"]
    assert document["violations"][0] | {"message": ""} == {
        "file": str(broken),
        "line": 1,
        "ro_number": None,
        "rule": "S3-missing-key",
        "message": "",
        "expected": "present",
        "found": "absent",
    }
    with pytest.raises(UserError):
        run_cli(str(broken), "--max-errors", "0")


def test_a_repeated_key_in_a_dataset_line_is_reported_with_its_place(tmp_path):
    folder = copy_dataset(tmp_path)
    part = folder / RO_PART_0
    part.write_bytes(part.read_bytes().replace(b'"totals":{', b'"totals":{"total":"0.01",', 1))
    spans = folder / SPANS_PART_0
    spans.write_bytes(spans.read_bytes().replace(b'"start":17,', b'"start":0,"start":17,', 1))
    refresh_manifest(folder)
    report = validate(folder)
    assert [(finding.file, finding.line, finding.violation.text()) for finding in report.findings] == [
        (
            str(folder / SPANS_PART_0),
            1,
            "start: key appears more than once in its object; readers differ on its value "
            "(expected each key once, found repeated)",
        ),
        (
            str(part),
            1,
            "totals.total: key appears more than once in its object; readers differ on its value "
            "(expected each key once, found repeated)",
        ),
    ]


def _list_path(path: str) -> Callable[[dict[str, Any]], None]:
    return lambda manifest: manifest["files"].append(
        {"path": path, "role": "truth_shops", "records": 1, "sha256": "0" * 64}
    )


@pytest.mark.parametrize("path", ["../secret.jsonl", "/etc/hostname", "truth/../../secret.jsonl", "outside"])
def test_a_manifest_path_leading_out_of_the_dataset_is_m6_and_never_read(tmp_path, monkeypatch, path):
    folder = copy_dataset(tmp_path)
    (tmp_path / "secret.jsonl").write_bytes(b"{}\n")
    (folder / "outside").symlink_to(tmp_path / "secret.jsonl")
    _edit_manifest(_list_path(path))(folder)
    read = []
    digest_file = manifest_checks.digest_file
    monkeypatch.setattr(manifest_checks, "digest_file", lambda file: read.append(file) or digest_file(file))
    report = validate(folder)
    assert rules_of(report) == {"M6-file-path"}
    assert read and all(file.resolve().is_relative_to(folder.resolve()) for file in read)
    [finding] = report.findings
    assert finding.file == str(folder / "manifest.json") and path in finding.violation.message


def test_a_part_file_linked_out_of_the_dataset_is_m6_and_not_read(tmp_path):
    folder = copy_dataset(tmp_path)
    (tmp_path / "elsewhere.jsonl").write_bytes(b"not json\n")
    (folder / "repair_orders" / "part-00002.jsonl").symlink_to(tmp_path / "elsewhere.jsonl")
    _edit_manifest(_list_path("repair_orders/part-00002.jsonl"))(folder)
    report = validate(folder)
    assert rules_of(report) == {"M6-file-path"} and report.records == 8
    assert len(report.findings) == 1


def test_a_manifest_listing_a_path_twice_or_repeating_a_key_is_m1(tmp_path):
    folder = copy_dataset(tmp_path)
    path = folder / "manifest.json"
    text = path.read_text()
    path.write_text(text.replace('"dataset_format": 1,', '"files": [],\n  "dataset_format": 1,', 1))
    assert rules_of(validate(folder)) == {"M1-manifest"}
    _edit_manifest(lambda manifest: manifest["files"].append(manifest["files"][0]))(folder)
    [finding] = validate(folder).findings
    assert finding.violation.rule == "M1-manifest" and "twice" in finding.violation.message


def test_a_truncated_parquet_file_is_a_violation_not_a_traceback(tmp_path):
    pyarrow = pytest.importorskip("pyarrow")
    from pyarrow import parquet

    folder = copy_dataset(tmp_path)
    target = folder / "repair_orders_parquet" / "part-00000.parquet"
    target.parent.mkdir()
    parquet.write_table(pyarrow.table({"ro_number": ["OH101-000101", "OH101-000102"]}), target)
    _edit_manifest(
        lambda manifest: manifest["files"].append(
            {
                "path": "repair_orders_parquet/part-00000.parquet",
                "role": "repair_orders_parquet",
                "records": 2,
            }
            | {"sha256": hashlib.sha256(target.read_bytes()).hexdigest()}
        )
    )(folder)
    assert validate(folder).counts == {}
    target.write_bytes(target.read_bytes()[:-20])
    report = validate(folder)
    assert rules_of(report) == {"M3-checksum", "M4-record-count"}
    [count] = [finding for finding in report.findings if finding.violation.rule == "M4-record-count"]
    assert "not a readable Parquet file" in count.violation.found


def test_a_non_utf8_file_name_prints_escaped_in_text_and_json(tmp_path):
    path = tmp_path / os.fsdecode(b"ros-\xff.jsonl")
    path.write_bytes(b"{}\n")
    outputs = {}
    for output in ("text", "json"):
        completed = subprocess.run(
            [sys.executable, "-m", "sim", "validate", str(path), "--format", output],
            capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        assert completed.returncode == 1 and completed.stderr == b""
        outputs[output] = completed.stdout
    assert outputs["text"].startswith(f"{tmp_path}/ros-\\xff.jsonl:1: -: S3-missing-key".encode())
    assert json.loads(outputs["json"])["files"] == [f"{tmp_path}/ros-\\xff.jsonl"]


def test_a_line_past_the_limit_is_one_violation_and_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "_CHUNK", 1 << 10)  # the long lines span many chunks
    monkeypatch.setattr(runner, "MAX_LINE_BYTES", 1 << 14)
    ro_line = (DATASET / RO_PART_0).read_bytes().splitlines()[0]
    too_long = b'{"ro_number":"' + b"X" * (1 << 14) + b'"}'
    just_fits = b'{"ro_number":"' + b"Y" * ((1 << 14) - 16) + b'"}'
    path = tmp_path / "ros.jsonl"
    path.write_bytes(b"\n".join([ro_line, too_long, just_fits, ro_line, too_long]))
    report = validate(path)
    rules_by_line: dict[int, set[str]] = {}
    for finding in report.findings:
        rules_by_line.setdefault(finding.line, set()).add(finding.violation.rule)
    assert rules_by_line[2] == rules_by_line[5] == {"S6-line-length"}
    assert "S6-line-length" not in rules_by_line[3] and report.records == 5
    assert sum(finding.violation.rule == "S6-line-length" for finding in report.findings) == 2


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 18])
def test_lines_cut_by_chunks_come_back_whole_with_their_numbers(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(runner, "_CHUNK", chunk)
    data = b"a\n\nbb\n" + b"c" * 200 + b"\n\n" + b"d" * 63 + b"\ne"
    path = tmp_path / "lines.jsonl"
    path.write_bytes(data)
    hasher = hashlib.sha256()
    assert list(runner._lines(path, hasher)) == list(enumerate(data.split(b"\n"), start=1))
    assert hasher.hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_huge_value_is_echoed_clipped(tmp_path, capsys):
    ro = fixture_ro("OH101-000103")
    ro["ro_number"] = "X" * 1_000_000
    ro["customer"]["name"] = "Y" * 1_000_000
    path = tmp_path / "ros.jsonl"
    write_jsonl(path, [ro])
    assert run_cli(str(path)) == 1
    out = capsys.readouterr().out
    assert len(out) < 2_000 and "(1000000 characters)" in out
    assert run_cli(str(path), "--format", "json") == 1
    assert len(capsys.readouterr().out) < 2_000


def test_blank_lines_are_violations_but_not_ros(tmp_path):
    lines = (DATASET / RO_PART_0).read_bytes().splitlines()
    path = tmp_path / "ros.jsonl"
    path.write_bytes(lines[0] + b"\n\n  \n" + lines[1] + b"\n")
    report = validate(path)
    assert report.records == 2
    assert [(finding.line, finding.violation.message) for finding in report.findings] == [
        (2, "empty line"),
        (3, "empty line"),
    ]


def test_a_manifest_linked_from_outside_the_dataset_is_m6_and_not_read(tmp_path):
    folder = copy_dataset(tmp_path)
    (folder / "manifest.json").rename(tmp_path / "elsewhere.json")
    (folder / "manifest.json").symlink_to(tmp_path / "elsewhere.json")
    [finding] = validate(folder).findings
    assert finding.violation.rule == "M6-file-path" and finding.file == str(folder / "manifest.json")
