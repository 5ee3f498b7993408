"""A smoke dataset, run once per session, for the answer-key tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main

SMOKE = Path("scenarios/smoke.yaml")


@pytest.fixture(scope="session")
def smoke_dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("answer-keys") / "smoke"
    assert main(["run", str(SMOKE), "--seed", "42", "--out", str(out), "--quiet"]) == 0
    return out
