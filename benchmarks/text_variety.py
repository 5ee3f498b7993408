"""How varied a dataset's narratives are once what trivially differs is masked away.

    python benchmarks/text_variety.py DATASET [--format json]

Each narrative field is masked before it is counted: its labelled PII spans become the entity type
(``<PERSON>``), every digit becomes ``0``, and the RO's own model year, make and model become
``<YEAR>``, ``<MAKE>`` and ``<MODEL>``. Per field (complaint, cause, correction, notes) it prints the
share of masked forms that are distinct, the share of fields covered by the 200 most frequent masked
forms, and the most frequent form. The targets of issue #14: complaints >= 25 % distinct with the
top 200 covering <= 60 %, corrections >= 15 % distinct. Not a timed test: it reads a whole dataset.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import orjson

TOP = 200
FIELDS = ("complaint", "cause", "correction", "notes")
DIGIT = re.compile(r"\d")


def masked(text: str, spans: list[tuple[int, int, str]], vehicle: dict) -> str:
    """``text`` with its spans replaced by their entity type (back to front, so offsets hold), then
    the vehicle's year, make and model and every remaining digit masked."""
    for start, end, entity in sorted(spans, reverse=True):
        text = f"{text[:start]}<{entity}>{text[end:]}"
    for key in ("model", "make"):  # the model first: "F-150" before a make that might prefix it
        name = str(vehicle[key])
        if name:
            text = re.sub(re.escape(name), f"<{key.upper()}>", text, flags=re.IGNORECASE)
    return DIGIT.sub("0", text.replace(str(vehicle["year"]), "<YEAR>"))


def spans_by_field(dataset: Path) -> dict[tuple[str, str], list[tuple[int, int, str]]]:
    spans: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for part in sorted((dataset / "pii_spans").glob("part-*.jsonl")):
        with part.open("rb") as lines:
            for line in lines:
                row = orjson.loads(line)
                spans[row["ro_number"], row["field"]].append((row["start"], row["end"], row["entity_type"]))
    return spans


def variety(dataset: Path) -> dict[str, dict[str, object]]:
    spans = spans_by_field(dataset)
    counts: dict[str, Counter[str]] = {field: Counter() for field in FIELDS}
    for part in sorted((dataset / "repair_orders").glob("part-*.jsonl")):
        with part.open("rb") as lines:
            for line in lines:
                ro = orjson.loads(line)
                number, vehicle = ro["ro_number"], ro["vehicle"]
                for job in ro["jobs"]:
                    for field in ("complaint", "cause", "correction"):
                        where = f"jobs[{job['index']}].{field}"
                        counts[field][masked(job[field], spans.get((number, where), []), vehicle)] += 1
                if ro["notes"]:
                    counts["notes"][masked(ro["notes"], spans.get((number, "notes"), []), vehicle)] += 1
    result: dict[str, dict[str, object]] = {}
    for field, counter in counts.items():
        total = sum(counter.values())
        top = counter.most_common(TOP)
        result[field] = {
            "fields": total,
            "distinct": len(counter),
            "distinct_share": len(counter) / total if total else 0.0,
            f"top{TOP}_share": sum(count for _, count in top) / total if total else 0.0,
            "most_frequent": top[0] if top else None,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args()
    if not (args.dataset / "repair_orders").is_dir():
        sys.exit(f"{args.dataset}: not a dataset folder (no repair_orders/)")
    result = variety(args.dataset)
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
        return
    print(f"{'field':<12}{'fields':>10}{'distinct':>10}{'distinct %':>12}{f'top {TOP} %':>10}  most frequent")
    for field, row in result.items():
        form, count = row["most_frequent"] or ("", 0)
        print(
            f"{field:<12}{row['fields']:>10,}{row['distinct']:>10,}{row['distinct_share']:>12.1%}"
            f"{row[f'top{TOP}_share']:>10.1%}  {count:,} x {form[:70]!r}"
        )


if __name__ == "__main__":
    main()
