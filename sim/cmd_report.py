"""``python -m sim report DATASET``: metrics and charts of a dataset, checked against its targets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

PIPED_WIDTH = 160


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write DATASET/report/index.html (or --out DIR) and check the scenario's targets",
        description="Measure a dataset (visits per vehicle-year, RO value and hours by shop kind and "
        "pay type, visit kinds, comebacks, vehicle age, PII spans, coverage...), write a self-contained HTML "
        "report with charts to DATASET/report/index.html (or --out DIR) and print the table of the "
        "scenario's targets against the measured values. Exit 0; with --check exit 1 when a target fails; "
        "exit 2 when the dataset cannot be read.",
    )
    parser.add_argument("dataset", type=Path, help="a dataset folder written by python -m sim run")
    parser.add_argument("--check", action="store_true", help="exit 1 when any target fails (for CI)")
    parser.add_argument(
        "--targets",
        type=Path,
        metavar="SCENARIO",
        help="check the targets of this scenario file instead of those in the dataset's manifest",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write index.html into DIR instead of DATASET/report/ (e.g. when the dataset is read-only)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exporters.report.build import write_report
    from sim.scenario import load_scenario

    targets = load_scenario(args.targets).targets if args.targets else None
    outcome = write_report(args.dataset, targets, args.out)
    # Piped output (CI logs) gets a wide table instead of rich's 80-column default.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else PIPED_WIDTH)
    console.print(targets_table(outcome.results))
    print(f"report: {outcome.page}")
    if not args.check:
        return 0
    if outcome.failed:
        print(f"check failed: {len(outcome.failed)} of {len(outcome.results)} targets missed")
        return 1
    print(f"check passed: {len(outcome.results)} targets met")
    return 0


def targets_table(results) -> Table:
    from exporters.report.page import TARGET_HEADERS, targets_rows

    table = Table(title="targets" if results else "targets (the scenario declares none)")
    shown = TARGET_HEADERS[:-1]  # the sources are in the HTML report; the terminal keeps the numbers
    for header in shown:
        table.add_column(
            header, justify="left" if header in ("target", "result") else "right", no_wrap=header == "target"
        )
    for row, result in zip(targets_rows(results), results, strict=True):
        table.add_row(*(Text(cell) for cell in row[: len(shown)]), style=None if result.passed else "red")
    return table
