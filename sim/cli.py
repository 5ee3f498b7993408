"""``python -m sim``: one subcommand per module, each registering its own arguments."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import select
import sys

from world.errors import UserError

# Subcommand name -> module with ``register(subparsers)``; the module sets ``func`` on its parser.
COMMANDS = {
    "run": "sim.cmd_run",
    "validate": "sim.cmd_validate",
    "schema": "sim.cmd_schema",
    "scenario-schema": "sim.cmd_scenario_schema",
    "report": "sim.cmd_report",
    "calibrate": "sim.cmd_calibrate",
    "eval-set": "sim.cmd_eval_set",
    "export": "sim.cmd_export",
    "score": "sim.cmd_score",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of ``command`` when it names one."""
    parser = argparse.ArgumentParser(
        prog="python -m sim",
        description="roworld: a simulated world of repair shops that exports Schema V2 repair orders.",
    )
    parser.add_argument("--version", action=_PrintVersion)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # Importing a command's module can cost more than a short command's work (run's imports the
    # whole world): an invocation that names its command registers only that one.
    names = [command] if command in COMMANDS else list(COMMANDS)
    for name in names:
        importlib.import_module(COMMANDS[name]).register(subparsers)
    return parser


class _PrintVersion(argparse.Action):
    """``--version``, reading the installed version only when asked: importing importlib.metadata
    was an eighth of every command's start-up (``sim validate`` on one line: 133 -> 116 ms of CPU)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="show program's version number and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from sim.version import generator_version

        print(f"roworld {generator_version()}")
        parser.exit()


# The exit status of a process killed by SIGPIPE as shells report it (128 + 13), as `grep ... | head -1`.
BROKEN_PIPE_EXIT = 141


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A path that is not UTF-8 (a file name in another encoding) prints escaped instead of raising.
        sys.stdout.reconfigure(errors="backslashreplace")
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        if not _stdout_reader_gone():
            raise
        # Flushing stdout at exit would fail again with a second traceback: let it write nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE_EXIT


def _stdout_reader_gone() -> bool:
    """Whether the reader of stdout went away (``... | head -1``), so the command stops quietly as Unix
    tools do; a broken pipe elsewhere (to a worker) stays an error."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
    except (AttributeError, OSError, ValueError):  # no poll() on this platform: assume it was stdout
        return True
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
