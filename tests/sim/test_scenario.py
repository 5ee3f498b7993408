import copy
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from sim.cli import main
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


def with_value(key_path: str, value) -> dict:
    """BASE with ``value`` at ``key_path`` (creating mappings and list items on the way)."""
    data = copy.deepcopy(BASE)
    data["targets"] = [
        {"metric": "mean_ro_value", "value": 300, "tolerance": 0.3, "source": "NADA"},
    ]
    data["world"]["regions"][0]["fleets"] = [{"name": "couriers", "vehicles": 12}]
    data["export"] = {"coupon_amounts": [1000]}
    node = data
    *parents, last = key_path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


NUMERIC_KEYS = [
    "world.warmup_years",
    "world.comeback_scale",
    "world.failure_rate_scale.battery",
    "world.regions.0.tax_rate",
    "world.regions.0.private_vehicles",
    "world.regions.0.submarkets",
    "world.regions.0.shops.bays_scale",
    "world.regions.0.shops.independents",
    "world.regions.0.fleets.0.vehicles",
    "world.regions.0.fleets.0.discount_percent",
    "world.regions.0.area_codes.0",
    "export.narrative_pii_rate",
    "export.coupon_rate",
    "export.style_mix_terse_share",
    "export.coupon_amounts.0",
    "targets.0.value",
    "targets.0.tolerance",
]


@pytest.mark.parametrize("key", NUMERIC_KEYS)
@pytest.mark.parametrize("written", [".nan", ".inf", "-.inf", ".NaN", "nan", "inf"])
def test_non_finite_numbers_are_refused_with_the_key_path(tmp_path, key, written):
    message = error_of(tmp_path, with_value(key, 1), [f"{key}={written}"])
    assert "scenario.yaml" in message and f"  {key}: " in message
    assert "\n" not in message.split(f"  {key}: ")[1]  # one line per problem, no second line


def test_a_non_finite_number_written_in_the_file_is_refused(tmp_path):
    path = tmp_path / "nan.yaml"
    path.write_text(
        yaml.safe_dump(with_value("world.failure_rate_scale.battery", 1)).replace(
            "battery: 1", "battery: .nan"
        )
    )
    with pytest.raises(UserError) as caught:
        load_scenario(path)
    assert "nan.yaml" in str(caught.value)
    assert "world.failure_rate_scale.battery: Input should be a finite number (found .nan)" in str(
        caught.value
    )


BAD_VALUES = [
    ("name", "x" * 65),
    ("start", "2024-02-30"),
    ("start", "0001-01-01"),
    ("start", "1979-12-31"),
    ("end", "9999-12-31"),
    ("end", "2040-01-02"),
    ("world.warmup_years", -1),
    ("world.comeback_scale", 21),
    ("world.failure_rate_scale.battery", -0.5),
    ("world.failure_rate_scale.battery", 101),
    ("world.failure_rate_scale.flux", 1.0),
    ("world.regions.0.id", "r" * 65),
    ("world.regions.0.state", "ZZ"),
    ("world.regions.0.state", "oh"),
    ("world.regions.0.state", "PR"),
    ("world.regions.0.timezone", "Mars/Olympus"),
    ("world.regions.0.timezone", "posixrules"),
    ("world.regions.0.timezone", "America/../Europe/Paris"),
    ("world.regions.0.area_codes", []),
    ("world.regions.0.area_codes", [0]),
    ("world.regions.0.area_codes", [199]),
    ("world.regions.0.area_codes", [1000]),
    ("world.regions.0.area_codes", [614, 555]),
    ("world.regions.0.area_codes", [911]),
    ("world.regions.0.area_codes", [800]),
    ("world.regions.0.area_codes", [290]),
    ("world.regions.0.area_codes", [371]),
    ("world.regions.0.area_codes", [2**64]),
    ("world.regions.0.tax_rate", 0.5),
    ("world.regions.0.tax_rate", 0.00001),
    ("world.regions.0.submarkets", 65),
    ("world.regions.0.private_vehicles", 2**64),
    ("world.regions.0.shops.independents", -1),
    ("world.regions.0.shops.bays_scale", 0),
    ("world.regions.0.shops.dealers", [{"brands": ["Yugo"]}]),
    ("world.regions.0.shops.dealers", [{"brands": ["Ford"], "count": 0}]),
    ("world.regions.0.fleets.0.vehicles", 9),
    ("world.regions.0.fleets.0.archetype", "private_owner"),
    ("world.regions.0.fleets.0.archetype", "dealer_used_department"),
    ("world.regions.0.fleets.0.annual_miles", [5000, 1000]),
    ("world.regions.0.fleets.0.discount_percent", 41),
    ("world.regions.0.fleets.0.maintained_at", "moon"),
    ("export.narrative_pii_rate", 1.5),
    ("export.coupon_amounts", [0]),
    ("export.coupon_amounts", [2**64]),
    ("export.phone_mode", "real"),
    ("export.pii_variants", "hard"),
    ("export.pii_variants.sentences", "poems"),
    ("export.pii_variants.third_party_share", 1.5),
    ("export.pii_variants.phone", {"dots": 1}),
    ("export.pii_variants.vin", {"full": 0, "last8": 0}),
    ("export.pii_variants.email", {"plain": -1}),
    ("targets.0.metric", "warp_factor"),  # reported at targets.0: the metric decides the filters
    ("targets.0.tolerance", 0),
]


@pytest.mark.parametrize(("key", "value"), BAD_VALUES, ids=[f"{k}={str(v)[:20]}" for k, v in BAD_VALUES])
def test_every_impossible_value_is_refused_at_load_with_its_key_path(tmp_path, key, value):
    message = error_of(tmp_path, with_value(key, value))
    assert message.startswith(f"{tmp_path / 'scenario.yaml'}: invalid scenario\n")
    reported_at = key.rsplit(".", 1)[0] if key.endswith((".flux", ".metric")) else key
    assert re.search(rf"\n  {re.escape(reported_at)}[.:]", message)  # the key, or an item of it


def test_pii_variants_take_a_preset_or_weights(tmp_path):
    easy = load_scenario(write(tmp_path, BASE), ["export.pii_variants=easy"]).export.pii_variants
    assert easy.sentences == "stock" and easy.phone == {"parens": 1, "dotted": 1, "dashed": 1}
    tuned = load_scenario(write(tmp_path, with_value("export.pii_variants.vin", {"last6": 2}))).export
    assert tuned.pii_variants.vin == {"last6": 2} and tuned.pii_variants.phone["words"] > 0


def test_the_simulated_span_is_bounded(tmp_path):
    data = with_value("end", "2034-01-01")
    data.update(start="1985-01-01")
    message = error_of(tmp_path, data)
    assert "plus world.warmup_years is at most 50 years, found 51.0" in message
    data["world"]["warmup_years"] = 0
    assert load_scenario(write(tmp_path, data)).end.year == 2034


def test_the_calendar_limits_themselves_are_accepted(tmp_path):
    data = with_value("start", "1980-01-01")
    data.update(end="2029-12-31")
    data["world"]["warmup_years"] = 0
    assert load_scenario(write(tmp_path, data)).start.year == 1980
    data.update(start="2039-06-01", end="2040-01-01")
    assert load_scenario(write(tmp_path, data)).end.year == 2040


def test_a_failing_list_item_is_not_reported_again_as_a_short_list(tmp_path):
    message = error_of(tmp_path, with_value("world.regions.0.state", "ZZ"))
    assert "world.regions.0.state" in message
    assert "at least 1 item" not in message and len(message.splitlines()) == 2
    with pytest.raises(UserError) as caught:
        scenario_from_dict(with_value("world.regions.0.state", "ZZ"))
    assert caught.value.key_path == "world.regions.0.state"


def test_values_are_shown_as_written_not_as_python_reprs(tmp_path):
    path = tmp_path / "dates.yaml"
    path.write_text(yaml.safe_dump(BASE).replace("state: OH", "state: 2024-01-01"))
    with pytest.raises(UserError) as caught:
        load_scenario(path)
    assert "world.regions.0.state: expected the USPS code" in str(caught.value)
    assert "(found '2024-01-01')" in str(caught.value)
    with pytest.raises(UserError) as caught:
        scenario_from_dict(dict(BASE, start=date(1975, 1, 1), description=True))
    message = str(caught.value)
    assert "(found 1975-01-01)" in message and "(found true)" in message and "datetime" not in message


def test_a_long_value_is_cut_in_the_message(tmp_path):
    message = error_of(tmp_path, with_value("world.regions.0.timezone", "x" * 10_000))
    assert len(message) < 400 and "...)" in message


def test_a_file_that_is_not_utf8_is_a_user_error(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(
        yaml.safe_dump(dict(BASE, description="caf\u00e9"), allow_unicode=True).encode("latin-1")
    )
    with pytest.raises(UserError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}: not UTF-8 text (byte 0xe9 at offset ")


def test_duplicate_keys_in_the_file_or_in_a_set_value_are_refused(tmp_path):
    path = write(tmp_path, BASE)
    path.write_text(path.read_text() + "name: other\n")
    with pytest.raises(UserError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}: duplicate key name at line ")
    assert (caught.value.file, caught.value.key_path) == (str(path), "name")
    with pytest.raises(UserError) as caught:
        load_scenario(write(tmp_path, BASE), ["world.regions.0.shops={independents: 1, independents: 2}"])
    assert caught.value.key_path == "world.regions.0.shops.independents"
    message = error_of(tmp_path, BASE, ["world.regions.0.shops={independents: 1, independents: 2}"])
    assert message == (
        "--set 'world.regions.0.shops={independents: 1, independents: 2}': duplicate key independents at "
        "line 1, column 2 and at line 1, column 19"
    )


def test_impossible_dates_in_set_values_name_the_key(tmp_path):
    message = error_of(tmp_path, BASE, ["start=2024-02-30"])
    assert "  start: Input should be a valid date" in message and "(found '2024-02-30')" in message


def cli(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (["world.regions.0.state=ZZ"], "world.regions.0.state"),
        (["world.regions.0.area_codes=[0]"], "world.regions.0.area_codes"),
        (["start=0001-01-01"], "start"),
        (["start=2024-02-30"], "start"),
        (["end=9999-12-31"], "end"),
        (["export.coupon_amounts=[18446744073709551616]"], "export.coupon_amounts.0"),
        (["world.failure_rate_scale={battery: .nan}"], "world.failure_rate_scale.battery"),
    ],
)
def test_run_refuses_bad_values_before_writing_anything(tmp_path, capsys, overrides, expected):
    out = tmp_path / "out"
    argv = ["run", str(write(tmp_path, BASE)), "--seed", "1", "--out", str(out), "--quiet"]
    code, err = cli(argv + [arg for text in overrides for arg in ("--set", text)], capsys)
    assert code == 2 and "scenario.yaml: invalid scenario" in err and f"  {expected}: " in err
    assert not out.exists() and not (tmp_path / "out.partial").exists()


def test_calibrate_and_report_targets_load_scenarios_the_same_way(tmp_path, capsys):
    path = write(tmp_path, with_value("world.regions.0.state", "ZZ"))
    code, err = cli(["calibrate", str(path), "--seed", "1", "--param", "world.comeback_scale"], capsys)
    assert code == 2 and "world.regions.0.state" in err
    assert sorted(tmp_path.iterdir()) == [path]
    path.write_text(path.read_text().replace("ZZ", "OH") + "name: again\n")
    code, err = cli(["report", str(tmp_path / "no-dataset"), "--targets", str(path)], capsys)
    assert code == 2 and f"{path}: duplicate key name" in err
    assert sorted(tmp_path.iterdir()) == [path]


def test_a_file_beyond_the_size_limit_is_not_read_whole(tmp_path):
    path = write(tmp_path, BASE)
    path.write_text(path.read_text() + "#" * 1_000_000 + "\n")
    with pytest.raises(UserError, match="a scenario file is at most 1,000,000 bytes"):
        load_scenario(path)


def test_realistic_phones_need_area_codes_in_service(tmp_path):
    data = with_value("export.phone_mode", "realistic")
    data["world"]["regions"][0]["area_codes"] = [614, 238]
    message = error_of(tmp_path, data)
    assert "not in service: world.regions.0.area_codes: 238" in message
    data["world"]["regions"][0]["area_codes"] = [614]
    assert load_scenario(write(tmp_path, data)).export.phone_mode == "realistic"
