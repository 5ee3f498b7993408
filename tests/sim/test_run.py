"""The dataset run end to end: reproducibility for any worker count, safe output, resume, Dask."""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from exporters.report import reader
from exporters.report.build import write_report
from exporters.writers import JsonlWriter
from sim import cli, cmd_run, engines, local_workers, run
from sim.run import RunOptions, partial_dir, run_dataset
from sim.scenario import load_scenario, scenario_from_dict
from tests.sim.dataset_digest import dataset_digest as digest
from tests.world.small_worlds import small_scenario
from world.errors import UserError

SMOKE = Path(__file__).resolve().parents[2] / "scenarios" / "smoke.yaml"
FOUR_SHARDS = ("--set", "world.regions.0.submarkets=4")


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


def test_the_manifest_carries_each_target_as_sim_report_measures_it(reference, tmp_path):
    out, _ = reference
    listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["targets"]
    reported = write_report(out, out_dir=tmp_path).results
    assert len(listed) == len(reported) == len(load_scenario(SMOKE).targets) > 0
    for row, result in zip(listed, reported, strict=True):
        assert row["target"] == result.target.label() and row["value"] == result.target.value
        assert row["measured"] == result.measured and row["passed"] == result.passed


def test_same_seed_is_byte_identical_for_any_worker_count_and_hash_seed(reference, tmp_path):
    _, expected = reference
    for name, extra, hash_seed in [("w2", ("--workers", "2"), "1"), ("w1", ("--workers", "1"), "12345")]:
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


@pytest.fixture(scope="module")
def four_shard_reference(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("four") / "smoke"
    result = cli_run(out, *FOUR_SHARDS, "--workers", "2")
    assert result.returncode == 0, result.stderr
    return digest(out)


def test_a_pool_run_merges_what_its_workers_measured_and_reads_no_part_file_itself(
    four_shard_reference, tmp_path, monkeypatch
):
    """Each worker measures its shard's files for the targets as they land, so the parent's finishing
    step is a merge of counts, not a second read of the whole dataset after the last shard."""
    monkeypatch.setattr(reader._Rows, "__iter__", lambda rows: pytest.fail(f"the run read {rows.path}"))
    scenario = load_scenario(SMOKE, FOUR_SHARDS[1:])
    outcome = run_dataset(scenario, RunOptions(seed=7, out_dir=tmp_path / "ds", workers=2))
    assert outcome.workers == 2 and scenario.targets
    assert digest(tmp_path / "ds") == four_shard_reference


def test_shards_run_largest_first_and_their_order_does_not_change_the_bytes(tmp_path, monkeypatch):
    data = small_scenario(private=40)
    town = data["world"]["regions"][0]
    data["world"]["regions"] = [town, dict(town, id="city", private_vehicles=80)]
    scenario = scenario_from_dict(data)
    handed_out = []

    def spy(tasks, *args):
        handed_out.append([task.shard.key for task in tasks])
        real_run_inline(tasks, *args)

    real_run_inline = engines.run_inline
    monkeypatch.setattr(engines, "run_inline", spy)
    run_dataset(scenario, RunOptions(seed=3, out_dir=tmp_path / "largest_first"))
    assert handed_out == [["city/0", "town/0"]]
    monkeypatch.setattr(run, "largest_first", lambda world, shards: shards)
    run_dataset(scenario, RunOptions(seed=3, out_dir=tmp_path / "plan_order"))
    assert handed_out[1] == ["town/0", "city/0"]
    assert digest(tmp_path / "largest_first") == digest(tmp_path / "plan_order")


def wait_for(condition, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while not condition():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.02)


@pytest.mark.parametrize(
    ("signum", "second_run"),
    [(signal.SIGTERM, ()), (signal.SIGKILL, ("--resume",))],
    ids=["sigterm-then-second-run", "sigkill-then-resume-while-locked"],
)
def test_an_interrupted_run_keeps_its_partial_folder_its_workers_die_and_resume_gives_the_same_bytes(
    four_shard_reference, tmp_path, signum, second_run
):
    out = tmp_path / "ds"
    receipts = partial_dir(out) / ".receipts"
    process = subprocess.Popen(
        run_command(out, *FOUR_SHARDS, "--workers", "2"), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    wait_for(lambda: any(receipts.glob("shard-*.json")), process)
    # Freeze the run mid-way (a shard done, others under way) so nothing below races it.
    parent = psutil.Process(process.pid)
    parent.suspend()
    children = parent.children(recursive=True)
    for child in children:
        child.suspend()
    finished = sorted(receipts.glob("shard-*.json"))

    refused = cli_run(out, *FOUR_SHARDS, "--workers", "2", *second_run)
    assert refused.returncode == 2, refused.stderr
    assert f"pid {process.pid} on " in refused.stderr and "another run" in refused.stderr

    process.send_signal(signum)
    if signum == signal.SIGKILL:
        # Resume the workers only once the run is gone (its pipes closed), as a real SIGKILL leaves
        # them: resumed while the kernel still tears the frozen run down, a worker at the end of its
        # shard could see the run alive and write its receipt, and the check below would fail.
        process.wait(timeout=60)
    for frozen in [parent, *children]:
        try:
            frozen.resume()
        except psutil.NoSuchProcess:
            pass
    _, stderr = process.communicate(timeout=120)
    _, alive = psutil.wait_procs(children, timeout=60)
    assert not alive, f"processes outlived the run: {alive}"
    if signum == signal.SIGKILL:
        # Frozen mid-shard when the parent died: a worker that outlived it would finish its shard.
        assert sorted(receipts.glob("shard-*.json")) == finished, "a worker kept writing after the run died"
    assert partial_dir(out).is_dir() and not out.exists()
    assert not list(tmp_path.rglob("manifest.json"))
    if signum == signal.SIGTERM:
        assert process.returncode == 130 and b"Traceback" not in stderr

    resumed = cli_run(out, *FOUR_SHARDS, "--workers", "2", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert digest(out) == four_shard_reference


def test_a_full_or_read_only_disk_is_a_clear_error_and_keeps_the_partial_folder_for_resume(
    reference, tmp_path, monkeypatch
):
    scenario = load_scenario(SMOKE)
    out = tmp_path / "ds"
    real_write_line = JsonlWriter.write_line
    for code in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT):

        def disk_fails(writer, line, code=code):
            if "part-00001" in writer.relative_path and writer.records == 100:
                raise OSError(code, os.strerror(code))
            real_write_line(writer, line)

        monkeypatch.setattr(JsonlWriter, "write_line", disk_fails)
        with pytest.raises(UserError) as caught:
            run_dataset(scenario, RunOptions(seed=7, out_dir=out, resume=True))
        message = str(caught.value)
        assert caught.value.exit_code == 2
        assert os.strerror(code) in message and str(partial_dir(out)) in message and "--resume" in message
        assert partial_dir(out).is_dir() and not out.exists()
    monkeypatch.setattr(JsonlWriter, "write_line", real_write_line)
    outcome = run_dataset(scenario, RunOptions(seed=7, out_dir=out, resume=True))
    assert outcome.shards_kept == 1
    assert digest(out) == reference[1]


def test_a_scheduler_that_is_not_an_address_is_a_clear_error(tmp_path):
    pytest.importorskip("dask.distributed")
    result = cli_run(tmp_path / "ds", "--engine", "dask", "--scheduler", "not a url")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--scheduler 'not a url' is not a Dask scheduler address" in result.stderr
    assert not list(tmp_path.iterdir())


def test_workers_are_capped_by_the_shards_on_every_engine(tmp_path, monkeypatch):
    scenario = load_scenario(SMOKE)  # two shards
    started = []

    def spy(engine):
        def run(tasks, workers, *args):
            started.append((engine, workers))
            engines.run_inline(tasks, *args[-2:])

        return run

    monkeypatch.setattr(engines, "run_dask", spy("dask"))
    monkeypatch.setattr(engines, "run_pool", spy("local"))
    for engine in ("dask", "local"):
        outcome = run_dataset(
            scenario, RunOptions(seed=7, out_dir=tmp_path / engine, workers=6, engine=engine)
        )
        assert outcome.workers == 2
    assert started == [("dask", 2), ("local", 2)]


def test_workers_default_to_the_cpus_this_process_may_use(monkeypatch):
    chosen = []

    def record(scenario, options):
        chosen.append(options.workers)
        raise UserError("stop here")

    monkeypatch.setattr(run, "run_dataset", record)
    monkeypatch.setattr(cmd_run.signal, "signal", lambda *args: None)
    monkeypatch.setattr(local_workers, "start_fork_server", lambda: chosen.append("fork server"))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    arguments = ["run", str(SMOKE), "--seed", "1", "--quiet"]
    assert cli.main(arguments) == 2
    assert cli.main([*arguments, "--workers", "1"]) == 2
    assert cli.main([*arguments, "--engine", "dask"]) == 2
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert cli.main(arguments) == 2
    assert chosen == ["fork server", 3, 1, 3, "fork server", 4]


EARLY_FORK_SERVER = """
import sys
from sim import cli, local_workers

def report():
    print("fork server started; world imported:", "sim.run" in sys.modules)

local_workers.start_fork_server = report
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_local_run_with_workers_starts_the_fork_server_before_it_imports_the_world(tmp_path):
    """The fork server's imports then overlap the run's own instead of delaying the first shard."""
    command = [sys.executable, "-c", EARLY_FORK_SERVER, "run", str(tmp_path / "none.yaml"), "--seed", "1"]
    started = subprocess.run([*command, "--workers", "2"], capture_output=True, text=True, timeout=120)
    assert started.returncode == 2 and "none.yaml" in started.stderr
    assert started.stdout == "fork server started; world imported: False\n"
    inline = subprocess.run([*command, "--workers", "1"], capture_output=True, text=True, timeout=120)
    assert inline.returncode == 2 and inline.stdout == ""


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
