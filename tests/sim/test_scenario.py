import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.scenario import load_scenario, load_scenario_mapping, scenario_from_dict
from tests.sim.tiny_scenario import TINY_SCENARIO as BASE
from world.errors import UserError


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def error_of(tmp_path: Path, data: dict, overrides=()) -> str:
    with pytest.raises(UserError) as caught:
        load_scenario(write(tmp_path, data), overrides)
    assert caught.value.exit_code == 2
    return str(caught.value)


def test_a_minimal_scenario_loads_with_defaults(tmp_path):
    scenario = load_scenario(write(tmp_path, BASE))
    assert scenario.world.regions[0].submarkets == 1
    assert scenario.export.phone_mode == "fictional"


def test_an_unknown_key_names_the_file_and_the_key_path(tmp_path):
    data = copy.deepcopy(BASE)
    data["world"]["regions"][0]["shops"]["garages"] = 3
    message = error_of(tmp_path, data)
    assert "scenario.yaml" in message
    assert "world.regions.0.shops.garages" in message


def test_a_wrong_type_says_what_was_expected_and_found(tmp_path):
    data = copy.deepcopy(BASE)
    data["world"]["regions"][0]["shops"]["independents"] = "many"
    message = error_of(tmp_path, data)
    assert "world.regions.0.shops.independents" in message
    assert "integer" in message and "'many'" in message


@pytest.mark.parametrize(
    "key, value",
    [
        ("tax_rate", -0.01),
        ("private_vehicles", -5),
        ("submarkets", 0),
    ],
)
def test_impossible_region_values_are_refused(tmp_path, key, value):
    data = copy.deepcopy(BASE)
    data["world"]["regions"][0][key] = value
    assert f"world.regions.0.{key}" in error_of(tmp_path, data)


def test_zero_bays_is_refused(tmp_path):
    data = copy.deepcopy(BASE)
    data["world"]["regions"][0]["shops"]["bays_scale"] = 0
    assert "world.regions.0.shops.bays_scale" in error_of(tmp_path, data)


def test_end_before_start_is_refused(tmp_path):
    data = dict(BASE, end="2021-06-01")
    assert "must be after start" in error_of(tmp_path, data)


def test_set_overrides_are_applied_and_checked(tmp_path):
    path = write(tmp_path, BASE)
    scenario = load_scenario(path, ["world.regions.0.submarkets=3", "export.narrative_pii_rate=0.5"])
    assert scenario.world.regions[0].submarkets == 3
    assert scenario.export.narrative_pii_rate == 0.5
    message = error_of(tmp_path, BASE, ["export.narrative_pii_rate=2"])
    assert "export.narrative_pii_rate" in message
    assert "not an index" in error_of(tmp_path, BASE, ["world.regions.5.submarkets=2"])
    assert "expected key.path=value" in error_of(tmp_path, BASE, ["world.regions"])


def test_unreadable_and_malformed_files_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(UserError, match="not valid YAML"):
        load_scenario(bad)
    bad.write_text("- a list\n")
    with pytest.raises(UserError, match="mapping"):
        load_scenario(bad)


def test_the_cli_reports_bad_scenarios_without_a_traceback(tmp_path):
    data = copy.deepcopy(BASE)
    data["world"]["warmup"] = 1
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "run",
            str(write(tmp_path, data)),
            "--seed",
            "1",
            "--out",
            str(tmp_path / "out"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "world.warmup" in result.stderr
    assert not (tmp_path / "out").exists()


def test_shipped_scenarios_all_load():
    shipped = sorted(Path("scenarios").glob("*.yaml"))
    assert shipped, "no scenarios shipped"
    for path in shipped:
        assert scenario_from_dict(yaml.safe_load(path.read_text()), str(path)).name == path.stem


def test_a_mapping_is_validated_like_a_file_and_overrides_leave_it_unchanged(tmp_path):
    data = copy.deepcopy(BASE)
    override = "world.regions.0.tax_rate=0.05"
    scenario = load_scenario_mapping(data, [override])
    assert scenario == load_scenario(write(tmp_path, BASE), [override])
    assert data == BASE


@pytest.mark.parametrize("data", [[1, 2], "name: tiny", None])
def test_a_mapping_that_is_not_one_names_dict_as_the_file(data):
    with pytest.raises(UserError) as caught:
        load_scenario_mapping(data)
    assert str(caught.value) == "<dict>: expected a mapping of scenario keys at the top level"
    assert caught.value.file == "<dict>"


def test_errors_carry_the_file_key_path_and_expectation(tmp_path):
    data = copy.deepcopy(BASE)
    data["world"]["regions"][0]["submarkets"] = 0
    path = write(tmp_path, data)
    with pytest.raises(UserError) as caught:
        load_scenario(path)
    error = caught.value
    assert (error.file, error.key_path) == (str(path), "world.regions.0.submarkets")
    assert error.expected == "Input should be greater than or equal to 1"
    with pytest.raises(UserError) as caught:
        load_scenario(write(tmp_path, BASE), ["world.regions.0.state.x=1"])
    assert (caught.value.key_path, caught.value.expected) == ("world.regions.0.state", "a mapping")
