"""Baseline clients of the answer keys, as a user would write them: BM25 retrieval with bm25s, and
probabilistic record linkage with splink on DuckDB. The README's baseline numbers come from these."""

from __future__ import annotations

import csv
import logging
from collections import defaultdict
from pathlib import Path

import bm25s
import orjson


def read_jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def bm25_run(eval_set: Path, path: Path) -> Path:
    """bm25s over title and text, top 100 per query, written as a TREC run."""
    corpus = read_jsonl(eval_set / "corpus.jsonl")
    queries = read_jsonl(eval_set / "queries.jsonl")
    documents = [f"{doc['title']}\n{doc['text']}" for doc in corpus]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(documents, stopwords="en", show_progress=False), show_progress=False)
    query_tokens = bm25s.tokenize([query["text"] for query in queries], stopwords="en", show_progress=False)
    found, scores = retriever.retrieve(query_tokens, k=min(100, len(corpus)), show_progress=False)
    lines = [
        f"{query['_id']} Q0 {corpus[doc]['_id']} {rank} {score:.6f} bm25"
        for row, query in enumerate(queries)
        for rank, (doc, score) in enumerate(zip(found[row], scores[row], strict=True), start=1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def customer_records(dataset: Path) -> list[dict]:
    """One row per customer record on the ROs: what the RO says of the customer, and its VINs."""
    records: dict[str, dict] = {}
    vins: dict[str, set[str]] = defaultdict(set)
    for part in sorted((dataset / "repair_orders").glob("*.jsonl")):
        for ro in read_jsonl(part):
            customer = ro["customer"]
            first, _, rest = customer["name"].partition(" ")
            records.setdefault(
                customer["customer_uuid"],
                {
                    "customer_uuid": customer["customer_uuid"],
                    "first_name": first,
                    "surname": rest.rpartition(" ")[2] or first,
                    "phone": customer["phone"],
                    "email": customer["email"],
                    "postal_code": customer["address"]["postal_code"],
                },
            )
            vins[customer["customer_uuid"]].add(ro["vehicle"]["vin"])
    return [{**record, "vins": sorted(vins[uuid])} for uuid, record in sorted(records.items())]


def splink_clusters(dataset: Path, path: Path, threshold: float = 0.9, use_vins: bool = True) -> Path:
    """Splink (DuckDB): names, phone, email, postal code and (unless ``use_vins`` is False) shared
    VINs, trained by EM; the clusters at ``threshold`` written as CSV."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="customer_uuid",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
            cl.ExactMatch("postal_code"),
            *([cl.ArrayIntersectAtSizes("vins", [2, 1])] if use_vins else []),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("surname"),
            block_on("phone"),
            block_on("email"),
            *([block_on("vins", arrays_to_explode=["vins"])] if use_vins else []),
        ],
    )
    database = DuckDBAPI()
    table = database.register(pd.DataFrame(customer_records(dataset)))
    linker = Linker(table, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("email")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=200_000, seed=42)
    for rule in ("surname", "phone"):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(rule), record_sample_proportion=1.0
        )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    frame = clusters.as_pandas_dataframe()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_uuid", "cluster_id"])
        writer.writerows(sorted(zip(frame["customer_uuid"], frame["cluster_id"], strict=True)))
    return path
