"""The import layers: sim above exporters above world, nothing imports upward, no import cycles.

``lint-imports`` (import-linter, run by .ci/run) holds the same layer rule from pyproject.toml;
this test reads the sources with ast so the suite alone catches a wrong import too. Every import
counts — at module level, inside a function, under ``TYPE_CHECKING`` — since each one ties the
two modules together for whoever reads or moves them.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("sim", "exporters", "world")  # top to bottom: a package imports only those below it


def project_modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the three packages."""
    modules = {}
    for package in LAYERS:
        for path in sorted((root / package).rglob("*.py")):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that ``name`` (source at ``path``) imports anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from a import b`` imports the module a.b when there is one, else a name of a
            candidates = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
            ]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                found.add(candidate)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = project_modules(root)
    return {name: imported_modules(name, path, set(modules)) for name, path in modules.items()}


def layer(module: str) -> int:
    return LAYERS.index(module.partition(".")[0])


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{importer} -> {imported}"
        for importer, imports in graph.items()
        for imported in imports
        if layer(imported) < layer(importer)
    )


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (its modules in order, the first repeated last), or []."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return error.args[1]
    return []


def within(graph: dict[str, set[str]], package: str) -> dict[str, set[str]]:
    """The imports among the modules of one package (its subpackages included)."""
    inside = {name for name in graph if name.partition(".")[0] == package}
    return {name: graph[name] & inside for name in inside}


def between_packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The imports between the top-level packages, each package one node."""
    packages: dict[str, set[str]] = {package: set() for package in LAYERS}
    for importer, imports in graph.items():
        packages[importer.partition(".")[0]] |= {imported.partition(".")[0] for imported in imports}
    return {package: imports - {package} for package, imports in packages.items()}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT)


def test_nothing_imports_upward(graph):
    assert upward_imports(graph) == []


def test_the_packages_import_one_way(graph):
    assert cycle(between_packages(graph)) == []


@pytest.mark.parametrize("package", ["sim", "exporters", "world"])
def test_no_module_import_cycle_inside_a_package(graph, package):
    assert cycle(within(graph, package)) == []


def test_the_checks_see_upward_imports_and_cycles_in_any_form(tmp_path):
    sources = {
        "sim/__init__.py": "",
        "sim/run.py": "from world import shards\n",
        "exporters/__init__.py": "",
        "exporters/report/__init__.py": "",
        "exporters/report/build.py": "from ..writers import Writer\n",
        "exporters/writers.py": "def write():\n    from exporters.report import build\n",
        "world/__init__.py": "",
        "world/shards.py": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim.run import Scenario\n"
        ),
    }
    for relative, text in sources.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    graph = import_graph(tmp_path)

    assert upward_imports(graph) == ["world.shards -> sim.run"]
    assert set(cycle(between_packages(graph))) == {"sim", "world"}
    assert set(cycle(within(graph, "exporters"))) == {"exporters.report.build", "exporters.writers"}
    assert cycle(within(graph, "sim")) == []
