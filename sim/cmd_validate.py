"""``python -m sim validate``: check ROs against every rule of the Schema V2 contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from world.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a dataset folder or JSON Lines files of ROs against Schema V2",
        description="Check repair orders against every record and dataset rule of Schema V2; for a dataset "
        "folder also the PII spans and the manifest. One line per violation, then counts per rule. "
        "Exit 0 when clean, 1 on violations, 2 when the input cannot be read.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="a dataset folder, or JSON Lines files of ROs (validated together as one dataset)",
    )
    parser.add_argument("--max-errors", type=int, metavar="N", help="stop after N violations")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exporters.validation.findings import Report
    from exporters.validation.runner import validate_paths

    if args.max_errors is not None and args.max_errors < 1:
        raise UserError(f"--max-errors: expected a positive integer, found {args.max_errors}")
    as_json = args.format == "json"
    report = Report(
        max_errors=args.max_errors,
        keep=as_json,
        on_finding=None if as_json else lambda finding: print(finding.text()),
    )
    validate_paths(args.paths, report)
    if as_json:
        sys.stdout.buffer.write(report.json_document())
    else:
        sys.stdout.write(report.summary_text())
    return 1 if report.counts else 0
