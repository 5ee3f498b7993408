"""Where `sim validate` spends its time per RO, as upper bounds: the validator on a whole dataset,
then again with one stage after another replaced by a no-op.

    python benchmarks/validator_ablation.py DATASET [--repeat R]

Each row is the best of R runs in CPU seconds of this one process (one core, robust to other work on
the machine; interpreter start-up and imports excluded). A row's gain over the one above is what that
stage costs in a whole run, caches and memory growth included, which a profiler's per-call figures
inflate and a micro-benchmark on a few thousand ROs understates. The no-op stages accept every RO,
so the dataset should be clean (a roworld dataset is).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exporters.validation import dataset, fast_path, records, runner  # noqa: E402
from exporters.validation.findings import Report  # noqa: E402


def _no_record_rules() -> None:
    fast_path.record_is_clean = lambda ro: True


def _no_identifier_patterns() -> None:
    fast_path._identifiers_match = lambda ro: True


def _no_span_rules() -> None:
    runner.check_ro_spans = lambda ro, spans: ()


def _no_dataset_rules() -> None:
    dataset.DatasetChecks.observe = lambda self, ro, location: []


def _no_repeated_key_check() -> None:
    records.repeated_key_violations = lambda line, decoded: []


# Cumulative: each row keeps the no-ops of the rows above it.
STAGES: list[tuple[str, Callable[[], None]]] = [
    ("record rules free (validation.verdict.record_is_clean)", _no_record_rules),
    ("+ identifier patterns free (fast_path)", _no_identifier_patterns),
    ("+ span rules free (validation.spans)", _no_span_rules),
    ("+ dataset identity rules free (DatasetChecks.observe)", _no_dataset_rules),
    ("+ repeated-key check free: decode, read, hash and loop left", _no_repeated_key_check),
]


def best_run(folder: Path, repeat: int) -> tuple[float, int]:
    best, records_seen = float("inf"), 0
    for _ in range(repeat):
        report = Report()
        start = time.process_time()
        runner.validate_paths([folder], report)
        best = min(best, time.process_time() - start)
        records_seen = report.records
    return best, records_seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"{'stage':62}{'ROs/s':>10}{'µs/RO':>8}")
    for label, make_free in [("as is", lambda: None), *STAGES]:
        make_free()
        seconds, count = best_run(args.dataset, args.repeat)
        print(f"{label:62}{count / seconds:>10,.0f}{seconds / count * 1e6:>8.1f}")


if __name__ == "__main__":
    main()
