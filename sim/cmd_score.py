"""``python -m sim score``: score a system's answers against a dataset's answer keys."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score retrieval runs, record linkage or PII redaction against a dataset's answer keys",
        description="Score a system's output against roworld's answer keys.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    retrieval = kinds.add_parser(
        "retrieval",
        help="nDCG@10, recall@100 and MRR of a TREC run, per intent and overall",
        description="Score a TREC run file (query-id Q0 doc-id rank score tag) against an eval set from "
        "`sim eval-set`, with ranx. nDCG@10 uses graded relevance; recall@100 and MRR count answers "
        "(grade 2). Needs the eval extra: pip install -e '.[eval]'.",
    )
    retrieval.add_argument(
        "eval_dir", type=Path, metavar="EVAL_DIR", help="a folder written by `sim eval-set`"
    )
    retrieval.add_argument("run", type=Path, metavar="RUN", help="a TREC run file")
    retrieval.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    retrieval.set_defaults(func=run_retrieval)
    linkage = kinds.add_parser(
        "linkage",
        help="pairwise and B-cubed precision, recall and F1 of predicted customer clusters",
        description="Score record linkage of a per_shop dataset's customer records against its "
        "truth/identities. PREDICTIONS is a CSV with the header customer_uuid,cluster_id (clusters) or "
        "customer_uuid_l,customer_uuid_r (linked pairs, closed transitively); records it leaves out "
        "are clusters of their own.",
    )
    linkage.add_argument("dataset", type=Path, metavar="DATASET", help="a dataset run with per_shop identity")
    linkage.add_argument("predictions", type=Path, metavar="PREDICTIONS", help="clusters or pairs, CSV")
    linkage.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    linkage.set_defaults(func=run_linkage)
    redaction = kinds.add_parser(
        "redaction",
        help="precision, recall and F2 of PII spans, per entity type and per variant, strict and partial",
        description="Score PII predictions against a dataset's pii_spans with nervaluate. PREDICTIONS is "
        "JSON Lines in the span-sidecar format (ro_number, field, start, end, entity_type; entity_value "
        "optional and checked). strict counts exact boundaries and type; partial counts an overlap as "
        "half. Needs the redaction extra: pip install -e '.[redaction]'.",
    )
    redaction.add_argument(
        "dataset", type=Path, metavar="DATASET", help="a dataset folder written by `sim run`"
    )
    redaction.add_argument(
        "predictions", type=Path, metavar="PREDICTIONS", help="predicted spans, JSON Lines"
    )
    redaction.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    redaction.set_defaults(func=run_redaction)


def _emit(result: dict, output_format: str, as_text) -> None:
    if output_format == "json":
        sys.stdout.write(json.dumps(result, indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(as_text(result))


def run_retrieval(args: argparse.Namespace) -> int:
    from exporters.evaluation.retrieval_score import score_retrieval, score_text
    from sim.extras import SCORE_RETRIEVAL, require

    require(SCORE_RETRIEVAL)

    result = score_retrieval(args.eval_dir, args.run)
    _emit(result, args.format, score_text)
    return 0


def run_linkage(args: argparse.Namespace) -> int:
    from exporters.evaluation.linkage import score_linkage, score_text

    _emit(score_linkage(args.dataset, args.predictions), args.format, score_text)
    return 0


def run_redaction(args: argparse.Namespace) -> int:
    from exporters.evaluation.redaction_score import score_redaction, score_text
    from sim.extras import SCORE_REDACTION, require

    require(SCORE_REDACTION)

    _emit(score_redaction(args.dataset, args.predictions), args.format, score_text)
    return 0
