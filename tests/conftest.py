"""Datasets run once per session for the answer-key and identity tests (smoke.yaml, seed 42)."""

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


@pytest.fixture(scope="session")
def per_shop_dataset(tmp_path_factory) -> Path:
    """The smoke world with every shop keeping its own customer records."""
    out = tmp_path_factory.mktemp("answer-keys") / "per-shop"
    overrides = ["--set", "world.identity.customer_ids=per_shop"]
    assert main(["run", str(SMOKE), "--seed", "42", "--out", str(out), "--quiet", *overrides]) == 0
    return out


@pytest.fixture(scope="session")
def eval_set(smoke_dataset, tmp_path_factory) -> Path:
    """The retrieval answer key of the smoke dataset, written by ``sim eval-set``."""
    out = tmp_path_factory.mktemp("eval") / "set"
    assert main(["eval-set", str(smoke_dataset), "--out", str(out)]) == 0
    return out
