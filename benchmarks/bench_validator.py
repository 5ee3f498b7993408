"""Throughput of the contract code: the validator (ROs/s) and building ROs through the models (µs/RO).

    python benchmarks/bench_validator.py [--ros N] [--repeat R]

The input is the hand-written fixture dataset (tests/data/dataset) cloned into N distinct valid ROs
(unique RO numbers and VINs, RO numbers in opened_at order per shop), so every rule runs its full
happy path. Figures are the best of R runs, in CPU seconds of this one process (one core).
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exporters.contract import check_structure, validated_ro_json  # noqa: E402
from exporters.models import RepairOrder  # noqa: E402
from exporters.rules import ro_violations  # noqa: E402
from exporters.validation.fast_path import clean_ro  # noqa: E402
from exporters.validation.findings import Report  # noqa: E402
from exporters.validation.records import check_line  # noqa: E402
from exporters.validation.runner import validate_paths  # noqa: E402
from exporters.validation.structs import RepairOrder as RepairOrderStruct  # noqa: E402
from exporters.validation.structs import to_struct  # noqa: E402
from world.vin import check_digit  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "dataset" / "repair_orders"
SERIAL_DIGITS = "0123456789"


def fixture_ros() -> list[dict[str, Any]]:
    return [
        orjson.loads(line)
        for part in sorted(FIXTURE.glob("*.jsonl"))
        for line in part.read_bytes().splitlines()
    ]


def cloned_ros(count: int) -> list[dict[str, Any]]:
    """``count`` valid ROs: clone k of fixture RO i gets number i * 100000 + k and its own VIN serial."""
    bases = fixture_ros()
    clones = []
    for n in range(count):
        base_position, clone = n % len(bases), n // len(bases)
        ro = copy.deepcopy(bases[base_position])
        ro["ro_number"] = f"{ro['shop']['shop_id']}-{base_position * 100_000 + clone:06d}"
        vin = ro["vehicle"]["vin"]
        serial = f"{n:06d}"
        vin = vin[:11] + "".join(SERIAL_DIGITS[int(digit)] for digit in serial)
        ro["vehicle"]["vin"] = vin[:8] + check_digit(vin) + vin[9:]
        clones.append(ro)
    return clones


def best_seconds(action: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        # CPU time of this process: the figure for one core, robust to other work on the machine.
        start = time.process_time()
        action()
        best = min(best, time.process_time() - start)
    return best


def per_ro_microseconds(action: Callable[[Any], Any], items: list[Any], repeat: int) -> float:
    return best_seconds(lambda: [action(item) for item in items], repeat) / len(items) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ros", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ros = cloned_ros(args.ros)
    lines = [orjson.dumps(ro) for ro in ros]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ros.jsonl"
        path.write_bytes(b"".join(line + b"\n" for line in lines))

        def validate_file() -> None:
            report = Report()
            validate_paths([path], report)
            assert report.records == len(ros) and not report.counts, report.summary_text()

        seconds = best_seconds(validate_file, args.repeat)
    sample = ros[: min(len(ros), 5_000)]
    sample_lines = lines[: len(sample)]
    models = [RepairOrder.model_validate(ro) for ro in sample]
    print(
        f"validator, JSON Lines file of {len(ros)} ROs: {len(ros) / seconds:,.0f} ROs/s "
        f"({seconds / len(ros) * 1e6:.1f} µs/RO, one core)"
    )
    structs = [to_struct(ro) for ro in sample]
    decode = msgspec.json.Decoder(RepairOrderStruct).decode
    stages = [
        ("  msgspec decode into Structs", decode, sample_lines),
        ("  record rules on the Structs", ro_violations, structs),
        ("  fast path: decode, formats, rules", clean_ro, sample_lines),
        ("  one line as the validator checks it", check_line, sample_lines),
        ("  detailed path: orjson.loads", orjson.loads, sample_lines),
        ("  detailed path: structure checker", lambda ro: check_structure(ro, []), sample),
        ("exporter's contract check (dict to line)", validated_ro_json, sample),
        ("RepairOrder.model_validate(dict)", RepairOrder.model_validate, sample),
        ("RepairOrder.model_validate_json(bytes)", RepairOrder.model_validate_json, sample_lines),
        ("RepairOrder.model_dump_json()", RepairOrder.model_dump_json, models),
        ("orjson.dumps(dict)", orjson.dumps, sample),
    ]
    for label, action, items in stages:
        print(f"{label:<42}{per_ro_microseconds(action, items, args.repeat):8.1f} µs/RO")


if __name__ == "__main__":
    main()
