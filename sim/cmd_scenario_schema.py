"""``python -m sim scenario-schema``: the scenario file's JSON Schema, for editor completion."""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson

from sim.output import write_document
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
    schema = orjson.dumps(scenario_json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    write_document(schema.decode("utf-8") + "\n", args.out, "scenario schema")
    return 0
