"""``sim score redaction``: hand-worked strict and partial scores per type and per variant on the
fixture dataset, the JSON document's shape, and bad predictions named by their line (exit 2)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import orjson
import pytest

from exporters.evaluation.redaction_score import COUNTS, score_redaction, score_text
from sim.cli import main
from tests.dataset_fixture import DATASET, copy_dataset, read_jsonl, write_jsonl

# The fixture's eight spans in file order, each given the variant the pii sidecar would carry.
VARIANTS = [
    "person:full",  # Dana Whitfield
    "phone:parens",  # (614) 555-0142
    "person:full",  # Tom Reyes
    "address:street",  # 2200 Dockside Pkwy
    "email:plain",  # rosa.delgado@example.com
    "person:first_only",  # Keith
    "phone:dotted",  # 469.555.0104
    "vin:full",  # 9ZG6MP1X789215570
]
# Dana exact; the (614) phone cut short by its "("; the street, email and dotted phone exact; Tom,
# Keith and the VIN missed; an RO number taken for a VIN in a narrative without PII.
PREDICTIONS = [
    {"ro_number": "OH101-000101", "field": "notes", "start": 17, "end": 31, "entity_type": "PERSON"},
    {"ro_number": "OH101-000101", "field": "notes", "start": 53, "end": 66, "entity_type": "PHONE_NUMBER"},
    {"ro_number": "OH101-000104", "field": "notes", "start": 17, "end": 35, "entity_type": "STREET_ADDRESS"},
    {
        "ro_number": "TX205-004503",
        "field": "jobs[1].complaint",
        "start": 21,
        "end": 45,
        "entity_type": "EMAIL_ADDRESS",
        "entity_value": "rosa.delgado@example.com",
    },
    {"ro_number": "TX205-004504", "field": "notes", "start": 14, "end": 26, "entity_type": "PHONE_NUMBER"},
    {
        "ro_number": "OH101-000103",
        "field": "notes",
        "start": 18,
        "end": 30,
        "entity_type": "VIN",
        "score": 0.5,
    },
]


@pytest.fixture
def dataset_with_variants(tmp_path) -> Path:
    folder = copy_dataset(tmp_path)
    variants = iter(VARIANTS)
    for part in sorted((folder / "pii_spans").glob("*.jsonl")):
        rows = read_jsonl(part)
        write_jsonl(part, [{**row, "variant": next(variants), "subject": "customer"} for row in rows])
    assert next(variants, None) is None
    return folder


def write_predictions(path: Path, rows: list[dict]) -> Path:
    write_jsonl(path, rows)
    return path


def scores(scheme_scores: dict) -> tuple:
    return tuple(scheme_scores[name] for name in ("precision", "recall", "f2"))


def test_strict_and_partial_scores_per_entity_type(dataset_with_variants, tmp_path):
    result = score_redaction(dataset_with_variants, write_predictions(tmp_path / "p.jsonl", PREDICTIONS))
    types = result["entity_types"]
    assert set(types) == {"PERSON", "PHONE_NUMBER", "STREET_ADDRESS", "EMAIL_ADDRESS", "VIN"}
    # PERSON: 1 of 3 found exactly. F2 = 5PR / (4P + R) = (5/3) / (13/3).
    for scheme in ("strict", "partial"):
        assert scores(types["PERSON"][scheme]) == pytest.approx((1.0, 1 / 3, 5 / 13))
    # PHONE: one exact, one overlapping: strict counts the overlap wrong, partial half right.
    assert types["PHONE_NUMBER"]["strict"]["incorrect"] == 1
    assert scores(types["PHONE_NUMBER"]["strict"]) == pytest.approx((0.5, 0.5, 0.5))
    assert types["PHONE_NUMBER"]["partial"]["partial"] == 1
    assert scores(types["PHONE_NUMBER"]["partial"]) == pytest.approx((0.75, 0.75, 0.75))
    # VIN: the one true VIN missed, the one predicted spurious.
    assert scores(types["VIN"]["strict"]) == (0.0, 0.0, 0.0)
    assert (types["VIN"]["strict"]["missed"], types["VIN"]["strict"]["spurious"]) == (1, 1)
    assert scores(types["EMAIL_ADDRESS"]["partial"]) == scores(types["STREET_ADDRESS"]["strict"]) == (1, 1, 1)
    # Overall: 4 exact, 1 overlapping, 3 missed, 1 spurious of 6 predicted and 8 true.
    strict, partial = result["overall"]["strict"], result["overall"]["partial"]
    assert (strict["precision"], strict["recall"]) == pytest.approx((4 / 6, 4 / 8))
    assert (partial["precision"], partial["recall"]) == pytest.approx((4.5 / 6, 4.5 / 8))
    assert (result["documents"], result["truth_spans"], result["predicted_spans"]) == (7, 8, 6)


def test_scores_per_variant_attribute_predictions_to_the_true_span_they_overlap(
    dataset_with_variants, tmp_path
):
    result = score_redaction(dataset_with_variants, write_predictions(tmp_path / "p.jsonl", PREDICTIONS))
    variants = result["variants"]
    assert set(variants) == set(VARIANTS)
    assert scores(variants["person:full"]["strict"]) == pytest.approx((1.0, 0.5, 5 / 9))
    # Nothing was predicted for Keith: precision is undefined, not 0, and recall is 0.
    assert scores(variants["person:first_only"]["strict"]) == (None, 0.0, 0.0)
    assert scores(variants["phone:parens"]["strict"]) == (0.0, 0.0, 0.0)
    assert scores(variants["phone:parens"]["partial"]) == pytest.approx((0.5, 0.5, 0.5))
    assert scores(variants["phone:dotted"]["strict"]) == (1.0, 1.0, 1.0)
    # The spurious VIN overlaps no true span: it lowers VIN's precision, no variant's.
    assert variants["vin:full"]["strict"]["actual"] == 0
    assert scores(variants["vin:full"]["strict"]) == (None, 0.0, 0.0)


def test_without_variants_in_the_truth_only_entity_types_are_scored(tmp_path):
    result = score_redaction(DATASET, write_predictions(tmp_path / "p.jsonl", PREDICTIONS))
    assert result["variants"] == {}
    assert result["entity_types"]["PERSON"]["strict"]["possible"] == 3


def test_the_truth_as_predictions_scores_one(dataset_with_variants, tmp_path):
    truth = [
        row
        for part in sorted((dataset_with_variants / "pii_spans").glob("*.jsonl"))
        for row in read_jsonl(part)
    ]
    result = score_redaction(dataset_with_variants, write_predictions(tmp_path / "p.jsonl", truth))
    for group in (result["entity_types"], result["variants"], {"overall": result["overall"]}):
        for name, by_scheme in group.items():
            for scheme in ("strict", "partial"):
                assert scores(by_scheme[scheme]) == (1.0, 1.0, 1.0), (name, scheme)


def test_the_json_document_and_the_table(dataset_with_variants, tmp_path, capsys):
    predictions = write_predictions(tmp_path / "p.jsonl", PREDICTIONS)
    assert main(["score", "redaction", str(dataset_with_variants), str(predictions), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {
        "schemes", "documents", "truth_spans", "predicted_spans", "overall", "entity_types", "variants",
    }  # fmt: skip
    assert document["schemes"] == ["strict", "partial"]
    metrics = {*COUNTS, "precision", "recall", "f2"}
    for group in (document["entity_types"], document["variants"], {"overall": document["overall"]}):
        for by_scheme in group.values():
            assert set(by_scheme) == {"strict", "partial"}
            assert all(set(values) == metrics for values in by_scheme.values())
    assert main(["score", "redaction", str(dataset_with_variants), str(predictions)]) == 0
    table = capsys.readouterr().out
    assert table == score_text(document)
    rows = {
        line.split()[0]: line.split()[1:] for line in table.splitlines()[1:] if line.strip()[:1].isalpha()
    }
    assert rows["PERSON"][:5] == ["3", "1", "1.0000", "0.3333", "0.3846"]
    assert rows["person:first_only"][:5] == ["1", "0", "-", "0.0000", "0.0000"]
    assert "overall" in rows and "vin:full" in rows


@pytest.mark.parametrize(
    "lines, message",
    [
        ([b'{"ro_number": "OH101-000101"', b"{}"], r"p\.jsonl:1: not a JSON object"),
        ([b"", b"[1, 2]"], r"p\.jsonl:2: expected a span object, found list"),
        (
            [b'{"ro_number": "OH101-000101", "field": "notes", "start": 17, "end": 31}'],
            r":1: .*no 'entity_type'",
        ),
        (
            [orjson.dumps({**PREDICTIONS[0], "start": "17"})],
            r":1: start is str, expected int",
        ),
        (
            [orjson.dumps({**PREDICTIONS[0], "start": True})],
            r":1: start is bool, expected int",
        ),
        (
            [orjson.dumps({**PREDICTIONS[0], "entity_type": "NAME"})],
            r":1: entity_type 'NAME' is not one of EMAIL_ADDRESS, PERSON",
        ),
        (
            [
                orjson.dumps(PREDICTIONS[0]),
                orjson.dumps({**PREDICTIONS[0], "end": 99}),
            ],
            r":2: start 17, end 99 is not a span of OH101-000101 notes \(77 characters\)",
        ),
        (
            [orjson.dumps({**PREDICTIONS[0], "entity_value": "Dana"})],
            r":1: entity_value 'Dana' is not the text at 17:31 of OH101-000101 notes \('Dana Whitfield'\)",
        ),
        (
            [orjson.dumps(PREDICTIONS[0]), orjson.dumps({**PREDICTIONS[0], "field": "jobs[9].cause"})],
            r":2: OH101-000101 has no narrative field 'jobs\[9\].cause'",
        ),
        (
            [orjson.dumps({**PREDICTIONS[0], "ro_number": "TX205-004503", "field": "notes"})],
            r":1: TX205-004503 has no narrative field 'notes' with text",
        ),
    ],
)
def test_bad_predictions_exit_2_naming_the_line(tmp_path, capsys, lines, message):
    predictions = tmp_path / "p.jsonl"
    predictions.write_bytes(b"\n".join(lines) + b"\n")
    assert main(["score", "redaction", str(DATASET), str(predictions)]) == 2
    error = capsys.readouterr().err
    assert "Traceback" not in error
    assert re.search(message, error), error


def test_a_missing_dataset_or_predictions_file_exits_2(tmp_path, capsys):
    predictions = write_predictions(tmp_path / "p.jsonl", PREDICTIONS)
    assert main(["score", "redaction", str(tmp_path / "nowhere"), str(predictions)]) == 2
    assert "no such dataset folder" in capsys.readouterr().err
    assert main(["score", "redaction", str(DATASET), str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read the predictions" in capsys.readouterr().err


def test_without_the_redaction_extra_the_command_exits_2_naming_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "nervaluate", None)  # as if nervaluate were not installed
    predictions = write_predictions(tmp_path / "p.jsonl", PREDICTIONS)
    assert main(["score", "redaction", str(DATASET), str(predictions)]) == 2
    error = capsys.readouterr().err
    assert "sim score redaction needs the redaction extra" in error
    assert "pip install -e '.[redaction]'" in error


def test_scores_do_not_depend_on_the_order_of_the_prediction_lines(tmp_path):
    # Two predictions on Dana Whitfield: "Dana" and the exact name. nervaluate matches greedily.
    short = {**PREDICTIONS[0], "end": 21}
    forward = score_redaction(DATASET, write_predictions(tmp_path / "f.jsonl", [PREDICTIONS[0], short]))
    backward = score_redaction(DATASET, write_predictions(tmp_path / "b.jsonl", [short, PREDICTIONS[0]]))
    assert forward == backward
    assert forward["entity_types"]["PERSON"]["strict"]["actual"] == 2
