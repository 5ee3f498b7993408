"""``sim export redaction``: tokens cut at span boundaries, BIO tags that give the spans back, and
a smoke dataset's export whose InputSamples and CoNLL blocks agree with its span sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from nervaluate.loaders import ConllLoader

from exporters.evaluation.dataset_files import DatasetFiles
from exporters.evaluation.narrative_documents import Document, TruthSpan, narrative_fields
from exporters.evaluation.redaction_export import (
    PRESIDIO_ENTITIES,
    bio_tags,
    input_sample,
    masked,
    tagged_spans,
    tokenize,
)
from sim.cli import main
from tests.dataset_fixture import read_jsonl


def span(text: str, value: str, entity_type: str, start: int = 0) -> TruthSpan:
    position = text.index(value, start)
    return TruthSpan(position, position + len(value), entity_type, value)


def words(text: str, spans: list[TruthSpan]) -> list[tuple[str, str]]:
    tokens = tokenize(text, spans)
    return [(text[start:end], tag) for (start, end), tag in zip(tokens, bio_tags(tokens, spans), strict=True)]


def spans_from_tags(text: str, tokens: list[str], tags: list[str], starts: list[int]) -> list[tuple]:
    """(start, end, type) of each B-/I- run, read back from tokens as an outside reader would."""
    found: list[list] = []
    for token, tag, start in zip(tokens, tags, starts, strict=True):
        assert text[start : start + len(token)] == token
        if tag.startswith("B-"):
            found.append([start, start + len(token), tag[2:]])
        elif tag.startswith("I-"):
            assert found and found[-1][2] == tag[2:], "an I- tag continues the span before it"
            found[-1][1] = start + len(token)
    return [tuple(entry) for entry in found]


def test_a_span_of_several_tokens_is_b_then_i_and_punctuation_around_it_stays_o():
    text = "Call Dana Whitfield at (614) 555-0142."
    spans = [span(text, "Dana Whitfield", "PERSON"), span(text, "(614) 555-0142", "PHONE_NUMBER")]
    assert words(text, spans) == [
        ("Call", "O"),
        ("Dana", "B-PERSON"),
        ("Whitfield", "I-PERSON"),
        ("at", "O"),
        ("(", "B-PHONE_NUMBER"),
        ("614", "I-PHONE_NUMBER"),
        (")", "I-PHONE_NUMBER"),
        ("555", "I-PHONE_NUMBER"),
        ("-", "I-PHONE_NUMBER"),
        ("0142", "I-PHONE_NUMBER"),
        (".", "O"),
    ]


def test_a_span_that_begins_or_ends_inside_a_token_cuts_the_token_there():
    # "ABC1234" is one word token, "):" one punctuation token; the spans begin and end inside them.
    text = "PO#ABC1234 cell 555-0142):x9"
    spans = [span(text, "BC12", "VIN"), span(text, "555-0142)", "PHONE_NUMBER")]
    assert words(text, spans) == [
        ("PO", "O"),
        ("#", "O"),
        ("A", "O"),
        ("BC12", "B-VIN"),
        ("34", "O"),
        ("cell", "O"),
        ("555", "B-PHONE_NUMBER"),
        ("-", "I-PHONE_NUMBER"),
        ("0142", "I-PHONE_NUMBER"),
        (")", "I-PHONE_NUMBER"),
        (":", "O"),
        ("x9", "O"),
    ]
    text = "Maria's car"
    assert words(text, [span(text, "Maria", "PERSON")]) == [
        ("Maria", "B-PERSON"),
        ("'", "O"),
        ("s", "O"),
        ("car", "O"),
    ]


def test_overlapping_spans_tag_and_mask_the_earlier_longer_one_and_keep_both_in_spans():
    text = "Rose Grant called"
    whole, inner = span(text, "Rose Grant", "PERSON"), span(text, "Grant", "PERSON")
    assert tagged_spans([inner, whole]) == [whole]
    sample = input_sample(Document("RO-1", "notes", text, (whole, inner)), 3)
    assert sample["tags"] == ["B-PERSON", "I-PERSON", "O"]
    assert sample["masked"] == "{{PERSON}} called" == masked(text, [whole])
    assert [entry["entity_value"] for entry in sample["spans"]] == ["Rose Grant", "Grant"]
    assert sample["sample_id"] == 3


def test_variant_and_subject_go_to_metadata_so_spans_keep_presidio_research_keys():
    text = "cell 614.555.0142"
    phone = TruthSpan(5, 17, "PHONE_NUMBER", "614.555.0142", "phone:dotted", "third_party")
    sample = input_sample(Document("RO-1", "jobs[2].cause", text, (phone,)), 0)
    assert sample["spans"] == [
        {
            "entity_type": "PHONE_NUMBER",
            "entity_value": "614.555.0142",
            "start_position": 5,
            "end_position": 17,
        }
    ]
    assert sample["metadata"] == {
        "ro_number": "RO-1",
        "field": "jobs[2].cause",
        "span_variants": ["phone:dotted"],
        "span_subjects": ["third_party"],
    }
    # Every key is an argument of presidio-research's InputSample, which from_json passes it to.
    assert set(sample) == {
        "full_text", "masked", "spans", "tokens", "tags", "start_indices",
        "template_id", "sample_id", "metadata",
    }  # fmt: skip


def test_every_contract_entity_type_has_a_presidio_name():
    assert set(PRESIDIO_ENTITIES) == {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "STREET_ADDRESS", "VIN"}


@pytest.fixture(scope="module")
def exports(smoke_dataset, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("redaction")
    for kind in ("presidio", "conll"):
        assert (
            main(["export", "redaction", str(smoke_dataset), "--to", kind, "--out", str(folder / kind)]) == 0
        )
    return {kind: folder / kind for kind in ("presidio", "conll")}


def sidecar(dataset: Path) -> set[tuple]:
    return {
        (row["ro_number"], row["field"], row["start"], row["end"], row["entity_type"], row["entity_value"])
        for part in sorted((dataset / "pii_spans").glob("*.jsonl"))
        for row in read_jsonl(part)
    }


def test_the_presidio_export_holds_every_narrative_and_exactly_the_sidecar_spans(smoke_dataset, exports):
    samples = json.loads((exports["presidio"] / "presidio.json").read_text(encoding="utf-8"))
    texts = [
        text
        for ro in DatasetFiles(smoke_dataset).rows("repair_orders")
        for _, text in narrative_fields(ro)
        if text
    ]
    assert [sample["full_text"] for sample in samples] == texts
    assert [sample["sample_id"] for sample in samples] == list(range(len(samples)))
    exported = {
        (
            sample["metadata"]["ro_number"],
            sample["metadata"]["field"],
            *(entry[key] for key in ("start_position", "end_position", "entity_type", "entity_value")),
        )
        for sample in samples
        for entry in sample["spans"]
    }
    truth = sidecar(smoke_dataset)
    assert truth and exported == truth
    for sample in samples:
        read_back = spans_from_tags(
            sample["full_text"], sample["tokens"], sample["tags"], sample["start_indices"]
        )
        tagged = [
            (entry["start_position"], entry["end_position"], entry["entity_type"])
            for entry in sample["spans"]
        ]
        assert read_back == sorted(tagged)
    receipt = json.loads((exports["presidio"] / "export.json").read_text())
    assert (receipt["documents"], receipt["spans"]) == (len(samples), len(truth))


def test_the_conll_export_has_the_presidio_tokens_and_tags_and_nervaluate_reads_it(exports):
    samples = json.loads((exports["presidio"] / "presidio.json").read_text(encoding="utf-8"))
    conll = (exports["conll"] / "narratives.conll").read_text(encoding="utf-8")
    blocks = [[line.split("\t") for line in block.splitlines()] for block in conll.rstrip("\n").split("\n\n")]
    assert [[token for token, _ in block] for block in blocks] == [sample["tokens"] for sample in samples]
    assert [[tag for _, tag in block] for block in blocks] == [sample["tags"] for sample in samples]
    index = (exports["conll"] / "documents.tsv").read_text(encoding="utf-8").splitlines()
    assert index[0] == "ro_number\tfield"
    assert index[1:] == [f"{s['metadata']['ro_number']}\t{s['metadata']['field']}" for s in samples]
    # An outside reader of CoNLL finds one entity per span in each narrative.
    entities = ConllLoader().load(conll)
    assert [len(found) for found in entities] == [len(sample["spans"]) for sample in samples]


def test_the_dataset_is_left_as_it_was(smoke_dataset, exports):
    listed = json.loads((smoke_dataset / "manifest.json").read_text())["files"]
    on_disk = {
        path.relative_to(smoke_dataset).as_posix() for path in smoke_dataset.rglob("*") if path.is_file()
    }
    assert on_disk == {entry["path"] for entry in listed} | {"manifest.json"}
    receipt = orjson.loads((exports["conll"] / "export.json").read_bytes())
    assert receipt["dataset"]["path"] == str(smoke_dataset.resolve())
    assert receipt["files"] == ["narratives.conll", "documents.tsv"]
