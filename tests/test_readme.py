"""The README's examples run as written, on the base install, so the documentation cannot rot.

Every ```bash and ```python block runs in order in one scratch folder, as a reader would run them,
with three changes: the scenario is smoke.yaml instead of fleet.yaml (``fleet`` becomes ``smoke``,
for the scenario and the output folder alike); the venv and pip steps at the start of a line are
left out (the suite runs in an installed venv and never reinstalls); and ``python -m pytest``, the
command that is running this test, is not run again. A block right after a ``<!-- not run by
tests/test_readme.py: ... -->`` line is left out (it needs a cluster). The modules only extras
install (dask, phonenumbers, the dev tools) are made unimportable in the examples' processes, so an
example that needs more than ``pip install -e .`` fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(
    r"^(?P<marker><!-- not run by tests/test_readme\.py:[^\n]*-->\n)?```(?P<lang>\w*)\n(?P<body>.*?)^```",
    re.M | re.S,
)
SETUP_STEP = re.compile(r"^(python3 -m venv |\. \.venv/bin/activate$|pip install )")
SUITE_COMMAND = "python -m pytest"


def readme_examples() -> list[tuple[str, str]]:
    """(language, code) of each bash or python block to run, in README order."""
    return [
        (match["lang"], match["body"])
        for match in FENCE.finditer(README.read_text(encoding="utf-8"))
        if match["lang"] in ("bash", "python") and not match["marker"]
    ]


def runnable_command(line: str) -> str | None:
    """The part of a README command line this test runs, or None when nothing of it is run."""
    steps = line.split(" && ")
    while steps and SETUP_STEP.match(steps[0]):
        steps.pop(0)
    command = re.sub(r"\bfleet\b", "smoke", " && ".join(steps))
    return command if command and command != SUITE_COMMAND else None


def extras_only_modules() -> set[str]:
    """Top-level modules installed by the optional dependencies but not by the base install."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = {canonicalize_name(Requirement(text).name) for text in project["dependencies"]}
    optional = {
        canonicalize_name(Requirement(text).name)
        for requirements in project["optional-dependencies"].values()
        for text in requirements
    }
    only_extras = optional - base - {canonicalize_name(project["name"])}
    return {
        module
        for module, distributions in packages_distributions().items()
        if any(canonicalize_name(name) in only_extras for name in distributions)
    }


def base_install_env(tmp_path: Path) -> dict[str, str]:
    """The environment of the examples: this venv first on PATH, extras-only modules unimportable."""
    blocker = tmp_path / "base-install"
    blocker.mkdir()
    # sitecustomize runs at start-up; a None entry in sys.modules makes import raise ModuleNotFoundError
    # and importlib.util.find_spec return None, exactly as when the module is not installed.
    (blocker / "sitecustomize.py").write_text(
        f"import sys\nsys.modules.update(dict.fromkeys({sorted(extras_only_modules())!r}))\n"
    )
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(blocker),
    }


def test_the_extras_only_modules_include_the_extras_and_the_dev_tools():
    assert {"dask", "phonenumbers", "pytest", "hypothesis"} <= extras_only_modules()
    assert not {"pyarrow", "duckdb", "numpy"} & extras_only_modules()


def test_setup_steps_and_the_suite_itself_are_not_rerun():
    assert (
        runnable_command(
            "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && "
            "python -m sim run scenarios/fleet.yaml --seed 42"
        )
        == "python -m sim run scenarios/smoke.yaml --seed 42"
    )
    assert (
        runnable_command(
            "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[dev]' && python -m pytest"
        )
        is None
    )


def test_every_readme_example_runs_on_the_base_install(tmp_path):
    work = tmp_path / "reader"
    work.mkdir()
    (work / "scenarios").symlink_to(ROOT / "scenarios")
    env = base_install_env(tmp_path)
    ran = []
    for number, (lang, body) in enumerate(readme_examples()):
        if lang == "python":
            script = work / f"readme_example_{number}.py"
            script.write_text(re.sub(r"\bfleet\b", "smoke", body))
            commands = [f"python {script.name}"]
        else:
            commands = [
                runnable_command(line) for line in body.splitlines() if line and not line.startswith("#")
            ]
        for command in filter(None, commands):
            result = subprocess.run(
                ["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True, timeout=600
            )
            assert result.returncode == 0, (
                f"README example failed: {command}\n{result.stdout}\n{result.stderr}"
            )
            ran.append(command)
    # The walk-through the README promises: set up and run, look at the data, use the API.
    assert ran[0] == "python -m sim run scenarios/smoke.yaml --seed 42"
    assert any(command.startswith("python -m sim validate out/smoke-seed42") for command in ran)
    assert any("import duckdb" in command for command in ran)
    assert any(command.startswith("python readme_example_") for command in ran)
