"""How hard a dataset's narrative PII is to find (issue #14's measures), from its files alone.

    python benchmarks/pii_variety.py DATASET [DATASET ...] [--format json]

Per dataset: the spans; the share whose value matches no structured field of its RO (compared as
a structured-field matcher would: phones by their last ten digits, the rest case-folded, so a
partial or spelled-out form does not match); the share per subject; the distinct variants per
entity type; and the recall of a regex-only detector (the shapes presidio's pattern recognizers
look for) per entity type. Spans written before the sidecar had ``variant`` are classed by shape:
phones by their format, everything else as its full form, which is all those datasets wrote.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

NARRATIVE_FIELDS = ("complaint", "cause", "correction")
KINDS = {
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "PERSON": "person",
    "STREET_ADDRESS": "address",
    "VIN": "vin",
}
FULL_FORMS = {"email": "plain", "person": "full", "address": "street", "vin": "full"}
PHONE_SHAPES = (
    (re.compile(r"\(\d{3}\) \d{3}-\d{4}"), "parens"),
    (re.compile(r"\d{3}-\d{3}-\d{4}"), "dashed"),
    (re.compile(r"\d{3}\.\d{3}\.\d{4}"), "dotted"),
)
REGEX_DETECTORS = {
    "PHONE_NUMBER": re.compile(r"\(?\b\d{3}\)?[-. ]?\d{3}[-. ]\d{4}\b"),
    "EMAIL_ADDRESS": re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b"),
    "VIN": re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b"),
}


def narrative_fields(ro: dict[str, Any]) -> dict[str, str]:
    fields = {f"jobs[{job['index']}].{name}": job[name] for job in ro["jobs"] for name in NARRATIVE_FIELDS}
    fields["notes"] = ro["notes"]
    return fields


def matches_a_structured_field(span: dict[str, Any], ro: dict[str, Any]) -> bool:
    customer = ro["customer"]
    value = span["entity_value"]
    if span["entity_type"] == "PHONE_NUMBER":
        return re.sub(r"\D", "", value)[-10:] == customer["phone"][2:]
    own = {
        "PERSON": (customer["name"], customer["contact_name"] or ""),
        "EMAIL_ADDRESS": (customer["email"],),
        "STREET_ADDRESS": (customer["address"]["line1"],),
        "VIN": (ro["vehicle"]["vin"],),
    }[span["entity_type"]]
    return value.casefold() in {item.casefold() for item in own}


def variant_of(span: dict[str, Any]) -> str:
    if "variant" in span:
        return span["variant"]
    kind = KINDS[span["entity_type"]]
    if kind == "phone":
        shape = next(
            (name for pattern, name in PHONE_SHAPES if pattern.fullmatch(span["entity_value"])), "other"
        )
        return f"phone:{shape}"
    return f"{kind}:{FULL_FORMS[kind]}"


def regex_recall(ros: dict[str, dict[str, Any]], spans: list[dict[str, Any]]) -> dict[str, float]:
    """Per entity type: the share of spans lying inside a match of the detector's pattern."""
    recall = {}
    for entity_type, pattern in REGEX_DETECTORS.items():
        mine = [span for span in spans if span["entity_type"] == entity_type]
        found = 0
        for span in mine:
            text = narrative_fields(ros[span["ro_number"]])[span["field"]]
            found += any(
                m.start() <= span["start"] and span["end"] <= m.end() for m in pattern.finditer(text)
            )
        recall[entity_type] = round(found / len(mine), 4) if mine else 0.0
    return recall


def measure(dataset: Path) -> dict[str, Any]:
    ros = {}
    for part in sorted((dataset / "repair_orders").glob("*.jsonl")):
        for line in part.read_bytes().splitlines():
            ro = orjson.loads(line)
            ros[ro["ro_number"]] = ro
    spans = [
        orjson.loads(line)
        for part in sorted((dataset / "pii_spans").glob("*.jsonl"))
        for line in part.read_bytes().splitlines()
    ]
    unmatched = sum(not matches_a_structured_field(span, ros[span["ro_number"]]) for span in spans)
    variants: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS.values()}
    for span in spans:
        kind, _, name = variant_of(span).partition(":")
        variants[kind][name] += 1
    subjects = Counter(span.get("subject", "unlabelled") for span in spans)
    return {
        "dataset": str(dataset),
        "ros": len(ros),
        "spans": len(spans),
        "unmatched_share": round(unmatched / len(spans), 4) if spans else 0.0,
        "subject_share": {
            subject: round(count / len(spans), 4) for subject, count in sorted(subjects.items())
        },
        "distinct_variants": {kind: len(counts) for kind, counts in variants.items()},
        "variants": {kind: dict(counts.most_common()) for kind, counts in variants.items()},
        "regex_recall": regex_recall(ros, spans),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args()
    results = [measure(dataset) for dataset in args.datasets]
    if args.format == "json":
        print(json.dumps(results, indent=2))
        return
    for result in results:
        print(f"{result['dataset']}: {result['ros']:,} ROs, {result['spans']:,} spans")
        print(f"  matching no structured field: {result['unmatched_share']:.1%}")
        print(
            "  subjects: "
            + ", ".join(f"{name} {share:.1%}" for name, share in result["subject_share"].items())
        )
        print("  distinct variants: " + ", ".join(f"{k} {n}" for k, n in result["distinct_variants"].items()))
        print("  regex-only recall: " + ", ".join(f"{k} {v:.1%}" for k, v in result["regex_recall"].items()))


if __name__ == "__main__":
    main()
