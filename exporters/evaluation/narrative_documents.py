"""A dataset's narratives as documents for redaction: one per non-empty narrative field of each RO,
with the PII spans of the sidecar that fall in it.

A document is named by ``(ro_number, field)`` exactly as span rows name it (``jobs[1].complaint``,
``notes``), so predictions in the span-sidecar format join to it. Documents come in file order: per
RO its jobs' complaint, cause and correction, then its notes. An empty field holds nothing to
redact and is left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from exporters.evaluation.dataset_files import DatasetFiles
from exporters.validation.spans import NARRATIVES
from world.errors import UserError

DocumentKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class TruthSpan:
    start: int
    end: int
    entity_type: str
    entity_value: str
    variant: str | None = None  # how the value is written, e.g. "phone:dotted" (optional in the contract)
    subject: str | None = None  # whose value it is, e.g. "third_party" (optional in the contract)


@dataclass(frozen=True, slots=True)
class Document:
    ro_number: str
    field: str
    text: str
    spans: tuple[TruthSpan, ...] = ()

    @property
    def key(self) -> DocumentKey:
        return (self.ro_number, self.field)


def narrative_fields(ro: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field name as spans write it, text) of every narrative of an RO in JSON form."""
    for job in ro["jobs"]:
        for name in NARRATIVES:
            yield f"jobs[{job['index']}].{name}", job[name]
    yield "notes", ro["notes"]


def _truth_spans(files: DatasetFiles) -> dict[DocumentKey, list[TruthSpan]]:
    spans: dict[DocumentKey, list[TruthSpan]] = defaultdict(list)
    for row in files.rows("pii_spans"):
        try:
            spans[(row["ro_number"], row["field"])].append(
                TruthSpan(
                    row["start"],
                    row["end"],
                    row["entity_type"],
                    row["entity_value"],
                    row.get("variant"),
                    row.get("subject"),
                )
            )
        except (KeyError, TypeError):
            raise UserError(
                f"{files.folder}: a pii_spans row is not a span ({row!r:.200}); run `sim validate` on it"
            ) from None
    return spans


def read_documents(files: DatasetFiles) -> Iterator[Document]:
    """Every non-empty narrative of the dataset with its truth spans, ordered by start."""
    spans = _truth_spans(files)
    for ro in files.rows("repair_orders"):
        try:
            fields = list(narrative_fields(ro))
        except (KeyError, TypeError):
            raise UserError(
                f"{files.folder}: an RO without its narrative fields ({str(ro)[:200]}); "
                "run `sim validate` on it"
            ) from None
        for name, text in fields:
            found = sorted(spans.pop((ro["ro_number"], name), ()), key=lambda span: (span.start, span.end))
            for span in found:
                if text[span.start : span.end] != span.entity_value or span.start < 0:
                    raise UserError(
                        f"{files.folder}: the span {span.entity_value!r} at {span.start}:{span.end} of "
                        f"{ro['ro_number']} {name} does not match its text; run `sim validate` on it"
                    )
            if text:
                yield Document(ro["ro_number"], name, text, tuple(found))
    if spans:
        ro_number, name = next(iter(spans))
        raise UserError(
            f"{files.folder}: pii_spans name {ro_number} {name}, which no RO has; run `sim validate` on it"
        )
