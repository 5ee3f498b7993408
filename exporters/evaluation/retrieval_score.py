"""Scoring a TREC run against an eval set written by ``sim eval-set``, with ranx (the eval extra,
which ``sim score retrieval`` checks for before it reads anything).

nDCG@10 uses the graded relevance (2 answers, 1 related); recall@100 and MRR count only the
answers (grade 2), so a run that ranks related ROs first is not rewarded as if it had answered.
Scores are given per intent and overall (the mean over all queries).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

from exporters.evaluation.retrieval import QRELS_HEADER
from world.errors import UserError

METRICS = ("ndcg@10", "recall@100", "mrr")
GRADED_METRICS = ("ndcg@10",)


def read_queries(eval_dir: Path) -> dict[str, str]:
    """Query id -> intent."""
    path = eval_dir / "queries.jsonl"
    intents = {}
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    row = orjson.loads(line)
                    intents[row["_id"]] = row["metadata"]["intent"]
                except (orjson.JSONDecodeError, KeyError, TypeError):
                    raise UserError(
                        f"{path}:{number}: expected a query with _id and metadata.intent"
                    ) from None
    except OSError as error:
        raise UserError(f"{path}: cannot read the queries ({error.strerror}); is it an eval set?") from None
    return intents


def read_qrels(eval_dir: Path) -> dict[str, dict[str, int]]:
    path = eval_dir / "qrels" / "test.tsv"
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UserError(f"{path}: cannot read the qrels ({error.strerror}); is it an eval set?") from None
    if not lines or lines[0] != QRELS_HEADER:
        raise UserError(f"{path}:1: expected the BEIR header {QRELS_HEADER!r}")
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 3 or not fields[2].isdigit():
            raise UserError(
                f"{path}:{number}: expected query-id, corpus-id and an integer score, tab-separated"
            )
        qrels[fields[0]][fields[1]] = int(fields[2])
    return dict(qrels)


def read_run(path: Path) -> dict[str, dict[str, float]]:
    """A TREC run file: ``query-id Q0 doc-id rank score tag`` per line."""
    run: dict[str, dict[str, float]] = defaultdict(dict)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise UserError(f"{path}: cannot read the run ({error.strerror})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = line.split()
        try:
            if len(fields) != 6:
                raise ValueError
            run[fields[0]][fields[2]] = float(fields[4])
        except ValueError:
            raise UserError(
                f"{path}:{number}: expected a TREC run line 'query-id Q0 doc-id rank score tag'"
            ) from None
    return dict(run)


def _scores(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> dict[str, float]:
    from numba.core.errors import NumbaTypeSafetyWarning
    from ranx import Qrels, Run, evaluate

    answers = {
        query: {doc: grade for doc, grade in docs.items() if grade == 2} for query, docs in qrels.items()
    }
    # A query the run leaves out scores 0 (ranx's make_comparable gives it an empty ranking).
    run = {query: run[query] for query in qrels if query in run}
    if not run:
        return dict.fromkeys(METRICS, 0.0)
    scores = {}
    with warnings.catch_warnings():
        # ranx's nDCG casts its uint64 ranks when numba first compiles it (once per install); the
        # warning is about ranx's own code, and the suite turns warnings into errors.
        warnings.simplefilter("ignore", NumbaTypeSafetyWarning)
        for metric in METRICS:
            judged = qrels if metric in GRADED_METRICS else answers
            scores[metric] = float(evaluate(Qrels(judged), Run(run), metric, make_comparable=True))
    return scores


def score_retrieval(eval_dir: Path, run_path: Path) -> dict[str, Any]:
    """Scores per intent and overall, and the number of queries each covers."""
    intents = read_queries(eval_dir)
    qrels = read_qrels(eval_dir)
    run = read_run(run_path)
    unknown = sorted(set(qrels) - set(intents))
    if unknown:
        raise UserError(f"{eval_dir}: qrels name queries not in queries.jsonl, e.g. {unknown[0]!r}")
    by_intent: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for query, docs in qrels.items():
        by_intent[intents[query]][query] = docs
    result: dict[str, Any] = {"metrics": list(METRICS), "intents": {}}
    for intent in sorted(by_intent):
        result["intents"][intent] = {"queries": len(by_intent[intent]), **_scores(by_intent[intent], run)}
    result["overall"] = {"queries": len(qrels), **_scores(qrels, run)}
    return result


def score_text(result: dict[str, Any]) -> str:
    header = f"{'intent':<26}{'queries':>8}" + "".join(f"{metric:>12}" for metric in METRICS)
    rows = [header]
    for name, scores in [*result["intents"].items(), ("overall", result["overall"])]:
        values = "".join(f"{scores[metric]:>12.4f}" for metric in METRICS)
        rows.append(f"{name:<26}{scores['queries']:>8}{values}")
    return "\n".join(rows) + "\n"
