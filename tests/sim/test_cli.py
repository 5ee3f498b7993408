"""The command line's entry point: what every command shares."""

from __future__ import annotations

import subprocess
import sys

from sim.cli import BROKEN_PIPE_EXIT


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
