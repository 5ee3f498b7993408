"""``python -m sim scenario-schema``: the scenario file's JSON Schema, for editor completion."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from sim.errors import UserError
from sim.scenario import scenario_json_schema


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "scenario-schema",
        help="print the scenario file's JSON Schema",
        description="Print the JSON Schema of scenario YAML files.",
    )
    parser.add_argument("--out", type=Path, help="write to FILE instead of standard output")
    parser.set_defaults(func=scenario_schema_command)


def scenario_schema_command(args: argparse.Namespace) -> int:
    text = orjson.dumps(scenario_json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    if args.out is None:
        sys.stdout.buffer.write(text)
        return 0
    try:
        args.out.write_bytes(text)
    except OSError as error:
        raise UserError(f"{args.out}: cannot write the scenario schema: {error.strerror}") from None
    return 0
