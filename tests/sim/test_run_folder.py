"""What a run may touch around --out: it deletes only folders it can prove it made."""

import json
from pathlib import Path

import pytest

from sim.run import RunOptions, run_dataset
from sim.run_folder import PARTIAL_MARKER, partial_dir, replaced_dir
from sim.scenario import scenario_from_dict
from tests.sim.tiny_scenario import TINY_SCENARIO
from world.errors import UserError


def refusal(out: Path, **options) -> str:
    """Run the tiny scenario into ``out`` expecting a refusal before any work; the message."""
    with pytest.raises(UserError) as caught:
        run_dataset(scenario_from_dict(TINY_SCENARIO), RunOptions(seed=1, out_dir=out, **options))
    assert caught.value.exit_code == 2
    return str(caught.value)


def user_folder(path: Path) -> Path:
    path.mkdir()
    (path / "thesis.tex").write_text("years of work")
    return path


def fake_dataset(path: Path, generator: str = "roworld") -> Path:
    path.mkdir()
    (path / "manifest.json").write_text(json.dumps({"generator": {"name": generator, "version": "0"}}))
    return path


def untouched(path: Path) -> bool:
    return (path / "thesis.tex").read_text() == "years of work"


def test_force_refuses_a_folder_that_is_not_a_roworld_dataset(tmp_path):
    out = user_folder(tmp_path / "my project")
    message = refusal(out, force=True)
    assert "not a roworld dataset" in message and "my project" in message
    assert untouched(out)


def test_force_refuses_the_current_folder(tmp_path, monkeypatch):
    user_folder(tmp_path / "work")
    monkeypatch.chdir(tmp_path / "work")
    assert "not a roworld dataset" in refusal(Path("."), force=True)
    assert untouched(tmp_path / "work")


def test_force_refuses_a_dataset_of_another_generator(tmp_path):
    out = fake_dataset(tmp_path / "ds", generator="someone-else")
    assert "not a roworld dataset" in refusal(out, force=True)
    assert (out / "manifest.json").is_file()


def test_force_refuses_a_regular_file_in_the_way(tmp_path):
    out = tmp_path / "ds"
    out.write_text("keep me")
    assert "not a roworld dataset" in refusal(out, force=True)
    assert out.read_text() == "keep me"


def test_out_under_a_regular_file_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("keep me")
    message = refusal(tmp_path / "file" / "ds")
    assert "is a file, not a folder" in message
    assert (tmp_path / "file").read_text() == "keep me"


def test_a_user_folder_named_like_the_partial_folder_is_never_deleted(tmp_path):
    out = tmp_path / "ds"
    partial = user_folder(partial_dir(out))
    for options in ({}, {"resume": True}):
        message = refusal(out, **options)
        assert "roworld did not make it" in message and str(partial) in message
        assert untouched(partial)


def test_a_user_folder_named_like_the_replaced_folder_blocks_a_replacement(tmp_path):
    out = fake_dataset(tmp_path / "ds")
    retired = user_folder(replaced_dir(out))
    assert "ds.replaced" in refusal(out, force=True)
    assert untouched(retired) and (out / "manifest.json").is_file()


def test_a_marked_partial_folder_is_roworlds_to_discard(tmp_path, capsys):
    out = tmp_path / "ds"
    partial = partial_dir(out)
    partial.mkdir()
    (partial / PARTIAL_MARKER).write_text("")
    (partial / "stale.jsonl").write_text("")
    outcome = run_dataset(
        scenario_from_dict({**TINY_SCENARIO, "end": "2022-02-01"}), RunOptions(seed=1, out_dir=out)
    )
    assert outcome.dataset_dir == out and (out / "manifest.json").is_file()
    assert not (out / "stale.jsonl").exists() and not (out / PARTIAL_MARKER).exists()
    assert f"discarding the unfinished run in {partial}" in capsys.readouterr().err
