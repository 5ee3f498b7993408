"""``python -m sim schema``: print or write the RO's JSON Schema."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.output import write_document


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the Schema V2 RO JSON Schema (draft 2020-12)",
        description="Print the JSON Schema of a Schema V2 repair order, generated from the pydantic models.",
    )
    parser.add_argument("--out", type=Path, help="write the schema to this file instead of standard output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exporters.json_schema import schema_text

    write_document(schema_text(), args.out, "schema")
    return 0
