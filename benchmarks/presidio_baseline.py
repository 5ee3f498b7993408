"""A regex-only PII detector for `sim score redaction`: presidio-analyzer's pattern recognizers.

    python -m sim export redaction DATASET --to presidio --out EXPORT
    python benchmarks/presidio_baseline.py EXPORT --out predictions.jsonl
    python -m sim score redaction DATASET predictions.jsonl

It reads the InputSamples of an export (presidio.json) as any presidio-research user would, runs
presidio's PhoneRecognizer (python-phonenumbers, presidio's default regions) and EmailRecognizer,
and a VIN PatternRecognizer (17 characters of the VIN alphabet), and writes what they find in the
span-sidecar format, entity types mapped back to the contract's. No NLP engine runs: presidio's
PERSON and LOCATION come from a spaCy model this machine cannot download, so names and street
addresses are left to other detectors. EmailRecognizer checks the domain with tldextract, which
would fetch the public suffix list from the network: it is given tldextract's bundled copy instead.
Needs the redaction extra (pip install -e '.[redaction]').
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import tldextract
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exporters.evaluation.redaction_export import PRESIDIO_ENTITIES, PRESIDIO_FILE  # noqa: E402

CONTRACT_ENTITIES = {presidio: contract for contract, presidio in PRESIDIO_ENTITIES.items()}
# No I, O or Q (ISO 3779); the check digit is not verified, as a pattern recognizer would not.
VIN_PATTERN = Pattern("VIN (17 characters)", r"\b[A-HJ-NPR-Z0-9]{17}\b", 0.5)


class OfflineEmailRecognizer(EmailRecognizer):
    """presidio's EmailRecognizer, its domain check on tldextract's bundled public suffix list."""

    _extract = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())

    def validate_result(self, pattern_text: str) -> bool:
        return self._extract(pattern_text).fqdn != ""


def recognizers() -> list[EntityRecognizer]:
    return [
        PhoneRecognizer(),
        OfflineEmailRecognizer(),
        PatternRecognizer(supported_entity="VIN", patterns=[VIN_PATTERN]),
    ]


def analyze(text: str, detectors: list[EntityRecognizer]) -> list[RecognizerResult]:
    """Every detector's findings, presidio's duplicate removal applied across them."""
    found = [
        result
        for detector in detectors
        for result in detector.analyze(text, detector.supported_entities, nlp_artifacts=None)
    ]
    return EntityRecognizer.remove_duplicates(found)


def predictions(samples: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Span-sidecar rows of what the detectors find in each sample's full_text."""
    detectors = recognizers()
    for sample in samples:
        text, metadata = sample["full_text"], sample["metadata"]
        for result in sorted(analyze(text, detectors), key=lambda result: (result.start, result.end)):
            yield {
                "ro_number": metadata["ro_number"],
                "field": metadata["field"],
                "start": result.start,
                "end": result.end,
                "entity_type": CONTRACT_ENTITIES[result.entity_type],
                "entity_value": text[result.start : result.end],
                "score": result.score,
            }


def write_predictions(export: Path, out: Path) -> int:
    """Write the predictions for an export folder's presidio.json; the number of rows."""
    samples = json.loads((export / PRESIDIO_FILE).read_text(encoding="utf-8"))
    count = 0
    with out.open("wb") as handle:
        for row in predictions(samples):
            handle.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path, help="a folder written by `sim export redaction --to presidio`")
    parser.add_argument("--out", type=Path, required=True, help="predictions file to write (JSON Lines)")
    args = parser.parse_args(argv)
    count = write_predictions(args.export, args.out)
    print(f"{args.out}: {count} predicted spans")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
