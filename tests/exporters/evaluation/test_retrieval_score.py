"""``sim score retrieval``: a BM25 baseline through the CLI, the truth scoring 1.0, bad input exiting 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from exporters.evaluation.retrieval import INTENTS
from exporters.evaluation.retrieval_score import METRICS, read_qrels
from sim.cli import main
from tests.exporters.evaluation.baselines import bm25_run


def score(capsys, eval_set: Path, run: Path) -> dict:
    assert main(["score", "retrieval", str(eval_set), str(run), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_bm25_baseline_is_scored_per_intent_and_overall(eval_set, tmp_path, capsys):
    result = score(capsys, eval_set, bm25_run(eval_set, tmp_path / "bm25.trec"))
    assert set(result["intents"]) == set(INTENTS)
    overall = result["overall"]
    assert overall["queries"] == sum(scores["queries"] for scores in result["intents"].values())
    # Lexical matching finds part of the answers, not all: a baseline, neither zero nor perfect.
    assert 0.2 < overall["ndcg@10"] < 1.0
    assert all(0.0 <= scores[metric] <= 1.0 for scores in result["intents"].values() for metric in METRICS)


def test_the_truth_as_a_run_scores_one(eval_set, tmp_path, capsys):
    lines = [
        f"{query} Q0 {doc} {rank} {grade} truth"
        for query, docs in read_qrels(eval_set).items()
        for rank, (doc, grade) in enumerate(sorted(docs.items(), key=lambda item: -item[1]), start=1)
    ]
    run = tmp_path / "truth.trec"
    run.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = score(capsys, eval_set, run)
    for scores in [result["overall"], *result["intents"].values()]:
        assert all(scores[metric] == pytest.approx(1.0) for metric in METRICS)


def test_a_run_that_misses_queries_scores_them_zero(eval_set, tmp_path, capsys):
    run = tmp_path / "empty.trec"
    run.write_text("", encoding="utf-8")
    result = score(capsys, eval_set, run)
    assert all(result["overall"][metric] == 0.0 for metric in METRICS)


def test_the_text_report_has_a_row_per_intent(eval_set, tmp_path, capsys):
    run = bm25_run(eval_set, tmp_path / "bm25.trec")
    assert main(["score", "retrieval", str(eval_set), str(run)]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[0] for row in rows[1:]] == [*sorted(INTENTS), "overall"]


def test_a_bad_run_line_names_the_file_and_line(eval_set, tmp_path, capsys):
    run = tmp_path / "bad.trec"
    run.write_text("q1 Q0 TX001-000001 1 0.5 tag\nq1 Q0 TX001-000002\n", encoding="utf-8")
    assert main(["score", "retrieval", str(eval_set), str(run)]) == 2
    assert f"{run}:2: expected a TREC run line" in capsys.readouterr().err


def test_without_the_eval_extra_the_command_exits_2_naming_it(eval_set, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ranx", None)  # as if ranx were not installed
    run = tmp_path / "run.trec"
    run.write_text("", encoding="utf-8")
    assert main(["score", "retrieval", str(eval_set), str(run)]) == 2
    assert "pip install -e '.[eval]'" in capsys.readouterr().err
