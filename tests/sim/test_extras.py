"""Features that need an extra stop before anything is written, naming the extra to install."""

import importlib.util
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from sim.api import generate
from sim.cli import main
from sim.extras import FEATURES
from tests.sim.tiny_scenario import TINY_SCENARIO
from world.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "scenarios" / "smoke.yaml"


def without(monkeypatch, *modules: str) -> None:
    """As if ``modules`` were not installed: import fails and find_spec finds nothing."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def test_every_extra_of_pyproject_has_its_features_and_their_modules_are_what_it_installs():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert {extra.name for extra in FEATURES.values()} == set(extras) - {"dev"}
    for extra in FEATURES.values():
        # The dev install has every extra: a misspelt module would make its feature always refuse.
        assert all(importlib.util.find_spec(module) is not None for module in extra.modules), extra


@pytest.mark.parametrize(
    "arguments, modules, install",
    [
        (["--engine", "dask"], ("dask",), "pip install -e '.[dask]'"),
        (["--engine", "dask"], ("distributed",), "pip install -e '.[dask]'"),
        (["--set", "export.phone_mode=realistic"], ("phonenumbers",), "pip install -e '.[realistic]'"),
    ],
)
def test_a_run_without_its_extra_exits_2_with_the_install_line_and_writes_nothing(
    tmp_path, monkeypatch, capsys, arguments, modules, install
):
    without(monkeypatch, *modules)
    code = main(["run", str(SMOKE), "--seed", "1", "--out", str(tmp_path / "out"), "--quiet", *arguments])
    assert code == 2
    error = capsys.readouterr().err
    assert install in error and "Traceback" not in error
    assert list(tmp_path.iterdir()) == []


def test_generate_without_the_extra_raises_the_same_user_error_and_writes_nothing(tmp_path, monkeypatch):
    without(monkeypatch, "phonenumbers")
    scenario = {**TINY_SCENARIO, "export": {"phone_mode": "realistic"}}
    with pytest.raises(UserError) as caught:
        generate(scenario, seed=1, out=tmp_path / "out")
    assert "pip install -e '.[realistic]'" in str(caught.value)
    assert caught.value.expected == "the realistic extra"
    assert list(tmp_path.iterdir()) == []


def test_calibrating_a_scenario_whose_extra_is_missing_stops_before_the_first_evaluation(
    tmp_path, monkeypatch, capsys
):
    without(monkeypatch, "phonenumbers")
    scenario = tmp_path / "smoke.yaml"
    shutil.copy(SMOKE, scenario)
    code = main(
        [
            "calibrate",
            str(scenario),
            "--seed",
            "1",
            "--param",
            "world.comeback_scale",
            "--set",
            "export.phone_mode=realistic",
            "--out",
            str(tmp_path / "tuned.yaml"),
        ]
    )
    assert code == 2
    captured = capsys.readouterr()
    assert "pip install -e '.[realistic]'" in captured.err
    assert "eval" not in captured.out
    assert list(tmp_path.iterdir()) == [scenario]
