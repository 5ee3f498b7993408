"""The streaming validator on the hand-written dataset folder: dataset, span and manifest rules; the CLI."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
]


@pytest.mark.parametrize(
    ("rule", "mutation"), SPAN_MUTATIONS, ids=[f"{rule}-{n}" for n, (rule, _) in enumerate(SPAN_MUTATIONS)]
)
def test_span_mutation_breaks_exactly_its_rule(tmp_path, rule, mutation):
    folder = copy_dataset(tmp_path)
    mutation(folder)
    report = validate(folder)
    assert rules_of(report) == {rule}, [finding.text() for finding in report.findings]


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
