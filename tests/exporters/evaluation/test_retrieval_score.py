"""``sim score retrieval``: a BM25 baseline through the CLI, the truth scoring 1.0, bad input exiting 2."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import bm25s
import orjson
import pytest

from exporters.evaluation import retrieval_score
from exporters.evaluation.retrieval import INTENTS
from exporters.evaluation.retrieval_score import METRICS, read_qrels
from sim.cli import main


def read_jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def eval_set(smoke_dataset, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("eval") / "set"
    assert main(["eval-set", str(smoke_dataset), "--out", str(out)]) == 0
    return out


def bm25_run(eval_set: Path, path: Path) -> Path:
    """The BM25 baseline of the README: bm25s over title and text, top 100 per query, as a TREC run."""
    corpus = read_jsonl(eval_set / "corpus.jsonl")
    queries = read_jsonl(eval_set / "queries.jsonl")
    tokens = bm25s.tokenize(
        [f"{doc['title']}\n{doc['text']}" for doc in corpus], stopwords="en", show_progress=False
    )
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    query_tokens = bm25s.tokenize([query["text"] for query in queries], stopwords="en", show_progress=False)
    found, scores = retriever.retrieve(query_tokens, k=100, show_progress=False)
    lines = [
        f"{query['_id']} Q0 {corpus[doc]['_id']} {rank} {score:.6f} bm25"
        for row, query in enumerate(queries)
        for rank, (doc, score) in enumerate(zip(found[row], scores[row], strict=True), start=1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


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
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        retrieval_score.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "ranx" else real_find_spec(name, *args),
    )
    run = tmp_path / "run.trec"
    run.write_text("", encoding="utf-8")
    assert main(["score", "retrieval", str(eval_set), str(run)]) == 2
    assert "pip install -e '.[eval]'" in capsys.readouterr().err
