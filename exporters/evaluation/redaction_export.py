"""A dataset's narratives in the redaction ecosystem's formats: presidio-research ``InputSample`` JSON
and CoNLL BIO.

Both formats carry the contract's entity types (PERSON, PHONE_NUMBER, EMAIL_ADDRESS,
STREET_ADDRESS, VIN). ``PRESIDIO_ENTITIES`` maps them to the entities presidio-analyzer reports,
as presidio-research's ``entity_mapping`` (dataset type -> model type) takes them.

Tokens are those of NLTK's ``wordpunct_tokenize`` (runs of word characters, runs of other
non-space characters: ``\\w+|[^\\w\\s]+``), each cut again where a span begins or ends, so that every
span is a whole number of tokens ("Maria's" with the span "Maria" gives ``Maria`` ``'s``) and the
tags give back the spans exactly. BIO tags cannot nest: where two spans overlap, the one that starts
first (on a tie, the longer) is tagged and masked, the other is kept only in ``spans``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from exporters.evaluation.narrative_documents import Document, TruthSpan

PRESIDIO_FILE = "presidio.json"
CONLL_FILE = "narratives.conll"
CONLL_INDEX_FILE = "documents.tsv"
FORMAT_FILES = {"presidio": (PRESIDIO_FILE,), "conll": (CONLL_FILE, CONLL_INDEX_FILE)}

# Contract entity type -> presidio-analyzer's entity. Its spaCy NER reports a street address as a
# LOCATION (presidio-research's own datasets label the street line ADDRESS); it has no VIN
# recognizer, and VIN is the name a custom PatternRecognizer is given.
PRESIDIO_ENTITIES = {
    "PERSON": "PERSON",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "STREET_ADDRESS": "LOCATION",
    "VIN": "VIN",
}

_TOKEN = re.compile(r"\w+|[^\w\s]+")


def tagged_spans(spans: Iterable[TruthSpan]) -> list[TruthSpan]:
    """The spans BIO tags can carry: none overlapping an earlier-starting (or, at one start, longer) one."""
    kept: list[TruthSpan] = []
    for span in sorted(spans, key=lambda span: (span.start, -span.end)):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def tokenize(text: str, spans: Iterable[TruthSpan]) -> list[tuple[int, int]]:
    """(start, end) character offsets of the tokens of ``text``, cut at every span boundary."""
    cuts = sorted({offset for span in spans for offset in (span.start, span.end)})
    tokens = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        inner = [cut for cut in cuts if start < cut < end]
        tokens.extend(zip([start, *inner], [*inner, end], strict=True))
    return tokens


def bio_tags(tokens: list[tuple[int, int]], spans: list[TruthSpan]) -> list[str]:
    """One tag per token: B-TYPE on a span's first token, I-TYPE on the rest, O outside spans."""
    tags = ["O"] * len(tokens)
    for span in spans:
        inside = [
            index for index, (start, end) in enumerate(tokens) if span.start <= start and end <= span.end
        ]
        for position, index in enumerate(inside):
            tags[index] = ("B-" if position == 0 else "I-") + span.entity_type
    return tags


def masked(text: str, spans: list[TruthSpan]) -> str:
    """The text with each tagged span replaced by ``{{ENTITY_TYPE}}``, as presidio-research's templates."""
    pieces, position = [], 0
    for span in spans:
        pieces += [text[position : span.start], "{{", span.entity_type, "}}"]
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def input_sample(document: Document, sample_id: int) -> dict[str, Any]:
    """A presidio-research ``InputSample`` as its ``from_json`` reads it (every key is a constructor
    argument; span keys are exactly its ``Span``'s, so the sidecar's variant and subject go to
    metadata, one entry per span)."""
    tagged = tagged_spans(document.spans)
    tokens = tokenize(document.text, tagged)
    return {
        "full_text": document.text,
        "masked": masked(document.text, tagged),
        "spans": [
            {
                "entity_type": span.entity_type,
                "entity_value": span.entity_value,
                "start_position": span.start,
                "end_position": span.end,
            }
            for span in document.spans
        ],
        "tokens": [document.text[start:end] for start, end in tokens],
        "tags": bio_tags(tokens, tagged),
        "start_indices": [start for start, _ in tokens],
        "template_id": None,
        "sample_id": sample_id,
        "metadata": {
            "ro_number": document.ro_number,
            "field": document.field,
            "span_variants": [span.variant for span in document.spans],
            "span_subjects": [span.subject for span in document.spans],
        },
    }


def conll_block(document: Document) -> str:
    """``token<TAB>tag`` lines of one document (tokens never hold whitespace)."""
    tagged = tagged_spans(document.spans)
    tokens = tokenize(document.text, tagged)
    tags = bio_tags(tokens, tagged)
    return "".join(
        f"{document.text[start:end]}\t{tag}\n" for (start, end), tag in zip(tokens, tags, strict=True)
    )


def _counted(documents: Iterable[Document], counts: dict[str, int]) -> Iterator[Document]:
    """The documents, adding each to ``counts`` (documents, spans) as it is written."""
    for document in documents:
        yield document
        counts["documents"] += 1
        counts["spans"] += len(document.spans)


def write_presidio(documents: Iterable[Document], folder: Path) -> dict[str, int]:
    """presidio.json: one JSON array of InputSamples, as presidio-research's ``read_dataset_json`` loads."""
    counts = {"documents": 0, "spans": 0}
    with (folder / PRESIDIO_FILE).open("wb") as handle:
        handle.write(b"[")
        for sample_id, document in enumerate(_counted(documents, counts)):
            handle.write(b",\n" if sample_id else b"\n")
            handle.write(orjson.dumps(input_sample(document, sample_id)))
        handle.write(b"\n]\n")
    return counts


def write_conll(documents: Iterable[Document], folder: Path) -> dict[str, int]:
    """narratives.conll: a blank line between documents; documents.tsv: which RO field each one is."""
    counts = {"documents": 0, "spans": 0}
    with (
        (folder / CONLL_FILE).open("w", encoding="utf-8") as conll,
        (folder / CONLL_INDEX_FILE).open("w", encoding="utf-8") as index,
    ):
        index.write("ro_number\tfield\n")
        for number, document in enumerate(_counted(documents, counts)):
            conll.write("\n" if number else "")
            conll.write(conll_block(document))
            index.write(f"{document.ro_number}\t{document.field}\n")
    return counts


WRITERS = {"presidio": write_presidio, "conll": write_conll}
