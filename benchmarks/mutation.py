"""Mutation testing of the money and world rules with mutmut, one module at a time.

    python benchmarks/mutation.py                       # the five modules, tests at HEAD
    python benchmarks/mutation.py --rev main exporters/pricing.py
    python benchmarks/mutation.py exporters/pricing.py --tests tests/exporters/test_pricing.py
    python benchmarks/mutation.py world/visit_plan.py --only 'world.visit_plan.x_next_need*'  # module first

For each module the committed tree at ``--rev`` is exported (``git archive``) into its own folder
under ``--work`` and mutmut runs there, so the checkout is never touched and runs of different
modules or revisions can go side by side. mutmut mutates only the chosen module and runs, for
each mutant, the selected tests that reach the mutated function. The golden digest test is
deselected: the point is to see which changes the other tests catch, since the goldens are
regenerated whenever the dataset bytes change on purpose.

The default test selection is ``tests/exporters`` and ``tests/world``: the tests under
``tests/sim`` run whole datasets in subprocesses, which mutmut cannot attribute to a function and
which would make every mutant cost a smoke run. A rule held only by a ``tests/sim`` test therefore
survives here; the answer is a test beside the module's own (tests mirror modules), as
``tests/world/test_shops.py`` holds the shops' RO numbering that the dataset rule D2 checks, not a
wider selection.

Prints killed / survived / timeout per module and the score (killed + timeout over all mutants
tested), and writes each survivor's diff to ``WORK/<rev>/<module>/survivors.txt`` for triage.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = (
    "exporters/pricing.py",
    "exporters/rules.py",
    "exporters/line_rules.py",
    "world/planning.py",
    "world/shops.py",
)
DEFAULT_TESTS = ("tests/exporters", "tests/world")
GOLDEN_TEST = "tests/sim/test_shipped_scenarios.py::test_shipped_scenario_golden_run"


def export_tree(rev: str, folder: Path) -> None:
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)


def configure(folder: Path, module: str, tests: list[str]) -> None:
    """Append a [tool.mutmut] table to the exported pyproject.toml (a copy; the checkout's stays as is)."""
    pyproject = folder / "pyproject.toml"
    settings = {
        "source_paths": ["exporters", "world", "sim"],
        "only_mutate": [module],
        "also_copy": ["scenarios", "benchmarks"],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "--deselect", GOLDEN_TEST],
        "pytest_add_cli_args_test_selection": tests,
        # Each mutant's tests fork from a server that has only collected them, not from the process
        # that ran them to learn which test reaches which function: module caches (a test's cached
        # world, rules.py's offset cache) start empty, so no test reads a result the unmutated code made.
        "process_isolation": "forkserver",
    }
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    pyproject.write_text(pyproject.read_text() + "\n".join(lines) + "\n")
    tomllib.loads(pyproject.read_text())  # fail here, not inside mutmut, if the table is malformed


def mutmut(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *args], cwd=folder, capture_output=True, text=True, check=False
    )


def survivors_report(folder: Path) -> list[str]:
    listed = mutmut(folder, "results").stdout.splitlines()
    names = [line.split(":")[0].strip() for line in listed if line.strip().endswith("survived")]
    with open(folder / "survivors.txt", "w") as out:
        for name in names:
            out.write(f"### {name}\n{mutmut(folder, 'show', name).stdout}\n")
    return names


def measure(rev: str, module: str, tests: list[str], work: Path, max_children: int, only: list[str]) -> dict:
    folder = work / rev.replace("/", "_") / module.replace("/", "_").removesuffix(".py")
    if not (folder / "pyproject.toml").exists():
        export_tree(rev, folder)
        configure(folder, module, tests)
    run = mutmut(folder, "run", "--max-children", str(max_children), *only)
    (folder / "run.log").write_text(run.stdout + run.stderr)
    if run.returncode != 0:
        raise SystemExit(f"mutmut run failed in {folder} (see run.log)")
    mutmut(folder, "export-cicd-stats")
    stats = json.loads((folder / "mutants" / "mutmut-cicd-stats.json").read_text())
    killed = stats["killed"] + stats["timeout"]
    tested = killed + stats["survived"]
    return {
        "module": module,
        "rev": rev,
        **stats,
        "score": round(killed / tested, 3) if tested else None,
        "survivors": survivors_report(folder),
        "folder": str(folder),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", default=list(MODULES))
    parser.add_argument("--rev", default="HEAD", help="the committed tree to test (default HEAD)")
    parser.add_argument("--tests", nargs="+", default=list(DEFAULT_TESTS))
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work" / "mutation")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="PATTERN",
        help="test only the mutants whose names match (mutmut's fnmatch patterns, e.g. one function's "
        "'world.shops.x_make_shop*'); they are rerun even if a result is recorded, the rest stay untested",
    )
    args = parser.parse_args(argv)
    for module in args.modules:
        result = measure(args.rev, module, args.tests, args.work, args.max_children, args.only)
        print(json.dumps({key: value for key, value in result.items() if key != "survivors"}))
        for name in result["survivors"]:
            print(f"  survived: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
