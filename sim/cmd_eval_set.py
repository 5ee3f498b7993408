"""``python -m sim eval-set``: a BEIR-layout retrieval answer key for a dataset."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval-set",
        help="write a retrieval answer key (BEIR layout) for a dataset",
        description="Write corpus.jsonl (one document per RO), queries.jsonl (questions of several intents "
        "from the dataset's truth) and qrels/test.tsv (graded relevance: 2 answers, 1 related) into DIR. "
        "Deterministic for a dataset: queries are drawn from the manifest's seed.",
    )
    parser.add_argument("dataset", type=Path, metavar="DATASET", help="a dataset folder written by `sim run`")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the set into")
    parser.add_argument("--force", action="store_true", help="replace an eval set already in DIR")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from exporters.evaluation.retrieval import write_eval_set

    counts = write_eval_set(args.dataset, args.out, force=args.force)
    summary = ", ".join(f"{intent} {count}" for intent, count in counts.items())
    print(f"{args.out}: {sum(counts.values())} queries ({summary})")
    return 0
