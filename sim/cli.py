"""``python -m sim``: one subcommand per module, each registering its own arguments."""

from __future__ import annotations

import argparse
import importlib
import sys

from sim.version import generator_version
from world.errors import UserError

# Subcommand name -> module with ``register(subparsers)``; the module sets ``func`` on its parser.
COMMANDS = {
    "run": "sim.cmd_run",
    "validate": "sim.cmd_validate",
    "schema": "sim.cmd_schema",
    "scenario-schema": "sim.cmd_scenario_schema",
    "report": "sim.cmd_report",
    "calibrate": "sim.cmd_calibrate",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of ``command`` when it names one."""
    parser = argparse.ArgumentParser(
        prog="python -m sim",
        description="roworld: a simulated world of repair shops that exports Schema V2 repair orders.",
    )
    parser.add_argument("--version", action="version", version=f"roworld {generator_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Importing a command's module can cost more than a short command's work (run's imports the
    # whole world): an invocation that names its command registers only that one.
    names = [command] if command in COMMANDS else list(COMMANDS)
    for name in names:
        importlib.import_module(COMMANDS[name]).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser(argv[0] if argv else None).parse_args(argv)
    except SystemExit as stop:  # argparse printed the help, the version or a usage error (exit 2)
        return int(stop.code or 0)
    try:
        return int(args.func(args) or 0)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
