"""The command line end to end, as a user runs it (``python -m sim`` in a subprocess): what every
command shares, and each command."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

import jsonschema
import pytest
import yaml

from sim.cli import BROKEN_PIPE_EXIT
from sim.scenario import load_scenario
from tests.dataset_fixture import DATASET
from tests.sim.dataset_digest import dataset_digest
from tests.sim.tiny_scenario import TINY_SCENARIO

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "scenarios" / "smoke.yaml"
TIMEOUT = 300  # seconds any one command may take on a loaded machine before the test fails


def sim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd
    )


@pytest.fixture
def tiny(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    small = {**TINY_SCENARIO, "world": {**TINY_SCENARIO["world"], "warmup_years": 0}}
    small["world"]["regions"] = [{**TINY_SCENARIO["world"]["regions"][0], "private_vehicles": 60}]
    path.write_text(yaml.safe_dump(small))
    return path


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"{}\n" * 5_000)  # 75,000 violation lines: far more than a pipe holds
    command = subprocess.Popen(
        [sys.executable, "-m", "sim", "validate", str(broken)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert command.stdout.readline().startswith(f"{broken}:1: -: S3-missing-key".encode())
    command.stdout.close()  # as `| head -1` does
    assert command.wait(timeout=60) == BROKEN_PIPE_EXIT
    assert command.stderr.read() == b""
    command.stderr.close()


def test_version_is_the_installed_distributions():
    done = sim("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"roworld {version('roworld')}"


def test_scenario_schema_describes_and_accepts_every_shipped_scenario(tmp_path):
    out = tmp_path / "scenario.schema.json"
    done = sim("scenario-schema", "--out", str(out))
    assert done.returncode == 0, done.stderr
    schema = json.loads(out.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        # YAML reads dates as dates; the schema (like a JSON editor) sees their ISO text.
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**TINY_SCENARIO, "colour": "blue"}, schema)
    properties = [
        prop for definition in schema["$defs"].values() for prop in definition.get("properties", {}).values()
    ]
    assert properties and all(prop.get("description") for prop in properties)


def test_run_with_parquet_writes_the_same_ros_as_the_jsonl(tiny, tmp_path):
    parquet = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "dataset"
    done = sim("run", str(tiny), "--seed", "3", "--out", str(out), "--format", "parquet", "--quiet")
    assert done.returncode == 0, done.stderr
    jsonl_parts = sorted(out.glob("repair_orders/part-*.jsonl"))
    lines = [json.loads(line) for part in jsonl_parts for line in part.read_text().splitlines()]
    parts = sorted(out.glob("repair_orders_parquet/part-*.parquet"))
    assert lines and parts
    # The row count the Parquet files themselves declare, then the rows as read back.
    assert sum(parquet.read_metadata(part).num_rows for part in parts) == len(lines)
    rows = [row for part in parts for row in parquet.read_table(part).to_pylist()]
    assert [row["ro_number"] for row in rows] == [ro["ro_number"] for ro in lines]
    for row, ro in zip(rows, lines, strict=True):
        assert f"{row['totals']['total']:.2f}" == ro["totals"]["total"]
        assert [f"{line['amount']:.2f}" for line in row["labor"]] == [line["amount"] for line in ro["labor"]]
        assert row["vehicle"]["vin"] == ro["vehicle"]["vin"] and row["opened_at"] == ro["opened_at"]


def test_calibrate_tunes_the_real_world_end_to_end(tmp_path):
    out = tmp_path / "smoke-tuned.yaml"
    done = sim(
        "calibrate",
        str(SMOKE),
        "--seed",
        "1",
        "--param",
        "world.comeback_scale",
        "--budget",
        "2",
        "--scale",
        "0.1",
        "--set",
        "world.warmup_years=0.5",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    evaluations = [line for line in done.stdout.splitlines() if line.startswith("eval ")]
    assert len(evaluations) == 2 and all("objective=" in line for line in evaluations)
    text = out.read_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    targets = yaml.safe_load(SMOKE.read_text())["targets"]
    achieved = [line for line in header if "expected" in line and "measured" in line]
    assert len(achieved) == len(targets)
    tuned = load_scenario(out)  # a valid scenario, the given file plus the tuned value
    assert 0.25 <= tuned.world.comeback_scale <= 4  # within the default spread of 4
    assert tuned.targets == load_scenario(SMOKE).targets


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _processes(*commands: list[str]):
    """Start ``commands``, yield them, and stop every one of them (terminate, then kill) at the end."""
    started = []
    try:
        for command in commands:
            started.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        yield started
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stderr.close()


def _wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    with Client(address, timeout="60s") as client:
        client.wait_for_workers(count, timeout=120)


@pytest.mark.slow
def test_run_on_a_real_dask_scheduler_gives_the_local_bytes(tmp_path):
    pytest.importorskip("dask.distributed")
    address = f"tcp://127.0.0.1:{_free_port()}"
    dask = [sys.executable, "-m"]
    scheduler = [
        *dask,
        "distributed.cli.dask_scheduler",
        "--host",
        "127.0.0.1",
        "--port",
        address.rsplit(":", 1)[1],
    ]
    worker = [*dask, "distributed.cli.dask_worker", address, "--nworkers", "2", "--nthreads", "1"]
    no_dashboard = ["--dashboard-address", ":0"]  # never the default 8787, which another run may hold
    # smoke.yaml has two shards: each can go to its own worker process.
    local = sim("run", str(SMOKE), "--seed", "5", "--out", str(tmp_path / "local"), "--quiet")
    assert local.returncode == 0, local.stderr
    with _processes([*scheduler, *no_dashboard], [*worker, *no_dashboard]) as (scheduler_process, _):
        deadline = time.monotonic() + 60
        while scheduler_process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", int(address.rsplit(":", 1)[1])), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        _wait_for_workers(address, 2)
        done = sim(
            "run", str(SMOKE), "--seed", "5", "--out", str(tmp_path / "dask"), "--engine", "dask",
            "--scheduler", address, "--quiet",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert dataset_digest(tmp_path / "dask") == dataset_digest(tmp_path / "local")


def test_validate_starts_without_reading_the_installed_version(tmp_path):
    # importlib.metadata was an eighth of a short command's start-up; only --version needs it.
    line = (DATASET / "repair_orders" / "part-00000.jsonl").read_bytes().splitlines()[0]
    (tmp_path / "one.jsonl").write_bytes(line + b"\n")
    check = (
        "import sys\nfrom sim.cli import main\n"
        f"assert main(['validate', {str(tmp_path / 'one.jsonl')!r}]) == 0\n"
        "print('importlib.metadata' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=False, timeout=TIMEOUT, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"
