"""The dataset run end to end: reproducibility for any worker count, safe output, resume, Dask."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim import engines
from sim.run import RunOptions, partial_dir, run_dataset
from sim.scenario import load_scenario
from tests.sim.dataset_digest import dataset_digest as digest
from world.errors import UserError

SMOKE = Path("scenarios/smoke.yaml")


def run_command(out: Path, *extra: str, seed: int = 7) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sim",
        "run",
        str(SMOKE),
        "--seed",
        str(seed),
        "--out",
        str(out),
        "--quiet",
        *extra,
    ]


def cli_run(out: Path, *extra: str, seed: int = 7, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        run_command(out, *extra, seed=seed),
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("reference") / "smoke"
    result = cli_run(out)
    assert result.returncode == 0, result.stderr
    return out, digest(out)


def test_a_run_publishes_a_complete_dataset_and_nothing_else(reference):
    out, _ = reference
    assert (out / "manifest.json").is_file()
    assert any((out / "repair_orders").glob("part-*.jsonl"))
    assert not partial_dir(out).exists()
    assert not (out / ".receipts").exists()


def test_same_seed_is_byte_identical_for_any_worker_count_and_hash_seed(reference, tmp_path):
    _, expected = reference
    for name, extra, hash_seed in [("w2", ("--workers", "2"), "1"), ("w1", (), "12345")]:
        result = cli_run(tmp_path / name, *extra, env={"PYTHONHASHSEED": hash_seed})
        assert result.returncode == 0, result.stderr
        assert digest(tmp_path / name) == expected, name


def test_another_seed_changes_the_dataset(reference, tmp_path):
    _, expected = reference
    assert cli_run(tmp_path / "other", seed=8).returncode == 0
    assert digest(tmp_path / "other") != expected


def test_an_existing_dataset_is_not_overwritten_without_force(reference, tmp_path):
    out = tmp_path / "ds"
    assert cli_run(out).returncode == 0
    refused = cli_run(out)
    assert refused.returncode == 2 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    forced = cli_run(out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert digest(out) == reference[1]


def interrupt_after_first_shard(scenario, out: Path, monkeypatch) -> None:
    """Run until the second shard starts, then interrupt as Ctrl-C would."""
    real_run_shard = engines.run_shard

    def fail_after_first_shard(scenario, seed, shard, *args):
        if shard.index > 0:
            raise KeyboardInterrupt
        return real_run_shard(scenario, seed, shard, *args)

    monkeypatch.setattr(engines, "run_shard", fail_after_first_shard)
    with pytest.raises(KeyboardInterrupt):
        run_dataset(scenario, RunOptions(seed=7, out_dir=out))
    monkeypatch.setattr(engines, "run_shard", real_run_shard)


def test_resume_keeps_finished_shards_and_gives_the_same_bytes(reference, tmp_path, monkeypatch):
    scenario = load_scenario(SMOKE)
    out = tmp_path / "resumed"
    interrupt_after_first_shard(scenario, out, monkeypatch)
    assert not out.exists()
    assert not (partial_dir(out) / "manifest.json").exists()

    outcome = run_dataset(scenario, RunOptions(seed=7, out_dir=out, resume=True))
    assert outcome.shards_kept == 1 and outcome.shards_run >= 1
    assert digest(out) == reference[1]


def test_resume_reruns_a_shard_whose_files_changed(reference, tmp_path, monkeypatch):
    scenario = load_scenario(SMOKE)
    out = tmp_path / "tampered"
    interrupt_after_first_shard(scenario, out, monkeypatch)
    part = partial_dir(out) / "repair_orders" / "part-00000.jsonl"
    part.write_bytes(part.read_bytes()[:-10])
    outcome = run_dataset(scenario, RunOptions(seed=7, out_dir=out, resume=True))
    assert outcome.shards_kept == 0
    assert digest(out) == reference[1]


def test_sigterm_stops_the_run_and_leaves_no_complete_looking_folder(tmp_path):
    out = tmp_path / "killed"
    command = run_command(out, "--workers", "2", "--set", "end=2030-01-01")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(partial_dir(out).glob("repair_orders/part-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert b"Traceback" not in stderr
    assert not out.exists()
    assert not list(tmp_path.rglob("manifest.json"))


def test_option_conflicts_are_user_errors(tmp_path):
    scenario = load_scenario(SMOKE)
    with pytest.raises(UserError, match="--workers"):
        run_dataset(scenario, RunOptions(seed=1, out_dir=tmp_path / "x", workers=0))
    with pytest.raises(UserError, match="--scheduler needs"):
        run_dataset(scenario, RunOptions(seed=1, out_dir=tmp_path / "x", scheduler="tcp://127.0.0.1:1"))
    assert not (tmp_path / "x").exists()


def test_the_dask_engine_gives_the_local_engine_bytes(reference, tmp_path):
    pytest.importorskip("dask.distributed")
    result = cli_run(tmp_path / "dask", "--engine", "dask", "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert digest(tmp_path / "dask") == reference[1]
