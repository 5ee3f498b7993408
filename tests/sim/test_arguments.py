import pytest
import yaml

from exporters.shard_writer import EXTRA_FORMATS
from sim import arguments
from sim.cli import build_parser, main
from tests.sim.tiny_scenario import TINY_SCENARIO


@pytest.mark.parametrize("seed", ["18446744073709551616", "-1", "1.5", "seven", ""])
@pytest.mark.parametrize("command", ["run", "calibrate"])
def test_a_seed_outside_64_bits_is_refused_before_any_work(tmp_path, capsys, command, seed):
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(TINY_SCENARIO))
    argv = [command, str(scenario), "--seed", seed, "--out", str(tmp_path / "out")]
    if command == "calibrate":
        argv += ["--param", "world.comeback_scale"]
    with pytest.raises(SystemExit) as raised:
        main(argv)
    err = capsys.readouterr().err
    assert raised.value.code == 2
    assert f"argument --seed: expected an integer from 0 to 18446744073709551615, found '{seed}'" in err
    assert "Traceback" not in err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["scenario.yaml"]


def test_the_largest_seed_is_accepted():
    args = build_parser("run").parse_args(["run", "s.yaml", "--seed", str(2**64 - 1)])
    assert args.seed == 2**64 - 1


def test_a_run_started_without_the_cli_refuses_a_seed_beyond_64_bits(tmp_path):
    from sim.api import generate
    from world.errors import UserError

    with pytest.raises(UserError, match="--seed must be a non-negative integer below 2\\*\\*64"):
        generate(TINY_SCENARIO, seed=2**64, out=tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_the_format_choices_are_json_lines_and_each_extra_format_the_shard_writer_has():
    assert arguments.FORMATS == ("jsonl", *EXTRA_FORMATS)
