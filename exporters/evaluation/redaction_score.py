"""Scoring PII predictions against a dataset's span sidecar, with nervaluate (the redaction extra,
which ``sim score redaction`` checks for before it reads anything).

Predictions are JSON Lines in the sidecar's row format: ``ro_number``, ``field``, ``start``, ``end``
(character offsets, end excluded) and ``entity_type`` (one of the contract's), with
``entity_value`` optional but, when given, equal to the text it points at; other keys (a score,
say) are ignored. Each narrative field is one document; nervaluate matches spans within it under
two of its schemes (SemEval 2013):

- ``strict``: a prediction counts only with the truth span's exact boundaries and type.
- ``partial``: boundaries need only overlap; an exact match counts 1, an overlap counts 1/2.

Per entity type, only the predictions and truth spans of that type are compared. Per variant (when
the truth spans carry one, e.g. ``phone:dotted``), a truth span is labelled with its variant and a
prediction with the variant of the first truth span of its type that it overlaps; a prediction that
overlaps none counts against its type's precision, never a variant's. F2 = 5PR / (4P + R) weighs
recall four times as much as precision, as redaction does. Precision is null when nothing was
predicted, recall null when there was nothing to find.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
from rich import box
from rich.console import Console
from rich.table import Table

from exporters.evaluation.dataset_files import DatasetFiles
from exporters.evaluation.narrative_documents import Document, DocumentKey, read_documents
from exporters.validation.spans import ENTITY_TYPES
from world.errors import UserError

SCHEMES = ("strict", "partial")
COUNTS = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")
REQUIRED = {"ro_number": str, "field": str, "start": int, "end": int, "entity_type": str}


class Prediction:
    __slots__ = ("line", "start", "end", "entity_type", "entity_value")

    def __init__(self, line: int, row: dict[str, Any]) -> None:
        self.line = line
        self.start: int = row["start"]
        self.end: int = row["end"]
        self.entity_type: str = row["entity_type"]
        self.entity_value: str | None = row.get("entity_value")


def _check_row(row: Any, where: str) -> None:
    if not isinstance(row, dict):
        raise UserError(f"{where}: expected a span object, found {type(row).__name__}")
    for key, expected in REQUIRED.items():
        if key not in row:
            raise UserError(f"{where}: the prediction has no {key!r}", key_path=key)
        # bool is an int to Python, never an offset to a reader of the file.
        if not isinstance(row[key], expected) or isinstance(row[key], bool):
            raise UserError(
                f"{where}: {key} is {type(row[key]).__name__}, expected {expected.__name__}",
                key_path=key,
                expected=expected.__name__,
            )
    if row["entity_type"] not in ENTITY_TYPES:
        raise UserError(
            f"{where}: entity_type {row['entity_type']!r} is not one of {', '.join(sorted(ENTITY_TYPES))}",
            key_path="entity_type",
            expected=" | ".join(sorted(ENTITY_TYPES)),
        )
    if "entity_value" in row and not isinstance(row["entity_value"], str):
        raise UserError(f"{where}: entity_value is {type(row['entity_value']).__name__}, expected str")


def read_predictions(path: Path) -> dict[DocumentKey, list[Prediction]]:
    """The predictions of a JSON Lines file by document; blank lines are skipped."""
    predictions: dict[DocumentKey, list[Prediction]] = defaultdict(list)
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    row = orjson.loads(line)
                except orjson.JSONDecodeError as error:
                    raise UserError(f"{where}: not a JSON object: {error}") from None
                _check_row(row, where)
                predictions[(row["ro_number"], row["field"])].append(Prediction(number, row))
    except OSError as error:
        raise UserError(f"{path}: cannot read the predictions ({error.strerror})") from None
    return predictions


def _check_against_text(path: Path, document: Document, predictions: list[Prediction]) -> None:
    for prediction in predictions:
        where = f"{path}:{prediction.line}"
        if not 0 <= prediction.start < prediction.end <= len(document.text):
            raise UserError(
                f"{where}: start {prediction.start}, end {prediction.end} is not a span of "
                f"{document.ro_number} {document.field} ({len(document.text)} characters)"
            )
        found = document.text[prediction.start : prediction.end]
        if prediction.entity_value is not None and prediction.entity_value != found:
            raise UserError(
                f"{where}: entity_value {prediction.entity_value!r} is not the text at "
                f"{prediction.start}:{prediction.end} of {document.ro_number} {document.field} ({found!r})"
            )


def _entity(label: str, start: int, end: int) -> dict[str, Any]:
    """nervaluate's span: its ends are inclusive."""
    return {"label": label, "start": start, "end": end - 1}


def _variant_of(prediction: Prediction, document: Document) -> str | None:
    for span in document.spans:
        if (
            span.variant is not None
            and span.entity_type == prediction.entity_type
            and span.start < prediction.end
            and prediction.start < span.end
        ):
            return span.variant
    return None


def _metrics(result: Any) -> dict[str, Any]:
    """Counts, precision, recall and F2 of one nervaluate result."""
    counts = {name: getattr(result, name) for name in COUNTS}
    precision = result.precision if result.actual else None
    recall = result.recall if result.possible else None
    if recall is None:
        f2 = None
    elif not recall or not precision:
        f2 = 0.0
    else:
        f2 = 5 * precision * recall / (4 * precision + recall)
    return {**counts, "precision": precision, "recall": recall, "f2": f2}


def _evaluate(true: list[list[dict]], predicted: list[list[dict]], labels: list[str]) -> dict[str, Any]:
    """Per label and overall, each scheme's metrics."""
    from nervaluate import Evaluator

    if not true:  # nothing found and nothing to find anywhere
        return {"overall": {}, "labels": {}}
    results = Evaluator(true, predicted, tags=labels, loader="dict").evaluate()
    return {
        "overall": {scheme: _metrics(results["overall"][scheme]) for scheme in SCHEMES},
        "labels": {
            label: {scheme: _metrics(results["entities"][label][scheme]) for scheme in SCHEMES}
            for label in sorted(results["entities"])
        },
    }


def score_redaction(dataset: Path, predictions_path: Path) -> dict[str, Any]:
    """Precision, recall and F2 overall, per entity type and per variant, under each scheme."""
    files = DatasetFiles(dataset)
    predictions = read_predictions(predictions_path)
    true, predicted, true_variants, predicted_variants = [], [], [], []
    for document in read_documents(files):
        # In offset order, so that nervaluate's greedy matching does not depend on the file's order.
        found = sorted(predictions.pop(document.key, []), key=lambda one: (one.start, one.end))
        if not document.spans and not found:
            continue  # adds nothing to any count
        _check_against_text(predictions_path, document, found)
        true.append([_entity(span.entity_type, span.start, span.end) for span in document.spans])
        predicted.append([_entity(one.entity_type, one.start, one.end) for one in found])
        true_variants.append(
            [_entity(span.variant, span.start, span.end) for span in document.spans if span.variant]
        )
        attributed = ((_variant_of(one, document), one) for one in found)
        predicted_variants.append([_entity(label, one.start, one.end) for label, one in attributed if label])
    if predictions:
        line, (ro_number, field) = min((one.line, key) for key, ones in predictions.items() for one in ones)
        raise UserError(
            f"{predictions_path}:{line}: {ro_number} has no narrative field {field!r} with text in {dataset}"
        )
    by_type = _evaluate(true, predicted, sorted(ENTITY_TYPES))
    variants = sorted({entity["label"] for document in true_variants for entity in document})
    return {
        "schemes": list(SCHEMES),
        "documents": len(true),
        "truth_spans": sum(map(len, true)),
        "predicted_spans": sum(map(len, predicted)),
        "overall": by_type["overall"],
        "entity_types": by_type["labels"],
        "variants": _evaluate(true_variants, predicted_variants, variants)["labels"] if variants else {},
    }


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def score_text(result: dict[str, Any]) -> str:
    """The scores as a table: a row per entity type, overall, then a row per variant."""
    table = Table(box=box.SIMPLE_HEAD)
    for heading in ("", "truth", "predicted"):
        table.add_column(heading, justify="right" if heading else "left")
    for scheme in SCHEMES:
        for metric in ("precision", "recall", "f2"):
            table.add_column(f"{scheme}\n{metric}", justify="right")

    def add(name: str, scores: dict[str, dict[str, Any]]) -> None:
        strict = scores[SCHEMES[0]]
        metrics = [
            _cell(scores[scheme][metric]) for scheme in SCHEMES for metric in ("precision", "recall", "f2")
        ]
        table.add_row(name, str(strict["possible"]), str(strict["actual"]), *metrics)

    for name, scores in result["entity_types"].items():
        add(name, scores)
    if result["overall"]:
        table.add_section()
        add("overall", result["overall"])
    if result["variants"]:
        table.add_section()
    for name, scores in result["variants"].items():
        add(name, scores)
    buffer = io.StringIO()
    Console(file=buffer, width=120, color_system=None).print(table)
    header = (
        f"{result['documents']} narratives with a span, {result['truth_spans']} true spans, "
        f"{result['predicted_spans']} predicted\n"
    )
    return header + buffer.getvalue()
