"""The retrieval answer key: BEIR layout, relevance from truth, determinism, never half written."""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import orjson
import pytest

from exporters.evaluation.dataset_files import DatasetFiles
from exporters.evaluation.retrieval import (
    INTENTS,
    MAX_ANSWERS,
    QRELS_HEADER,
    Intents,
    concern_systems,
    query_count,
    read_dataset,
    wording,
    write_eval_set,
)
from sim.cli import main
from world.catalog import load_catalog
from world.errors import UserError


def read_jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def dataset_rows(dataset: Path, directory: str) -> list[dict]:
    return [row for part in sorted((dataset / directory).glob("*.jsonl")) for row in read_jsonl(part)]


def read_qrels(eval_dir: Path) -> dict[str, dict[str, int]]:
    lines = (eval_dir / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == QRELS_HEADER
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in lines[1:]:
        query, doc, grade = line.split("\t")
        qrels[query][doc] = int(grade)
    return qrels


def test_the_set_has_the_beir_layout_with_one_document_per_ro(smoke_dataset, eval_set):
    corpus = read_jsonl(eval_set / "corpus.jsonl")
    ro_numbers = sorted(ro["ro_number"] for ro in dataset_rows(smoke_dataset, "repair_orders"))
    assert [doc["_id"] for doc in corpus] == ro_numbers
    assert all(set(doc) == {"_id", "title", "text"} and doc["text"] for doc in corpus)
    queries = read_jsonl(eval_set / "queries.jsonl")
    assert [query["_id"] for query in queries] == sorted(query["_id"] for query in queries)
    assert {query["metadata"]["intent"] for query in queries} == set(INTENTS)
    qrels = read_qrels(eval_set)
    assert set(qrels) == {query["_id"] for query in queries}
    assert {grade for docs in qrels.values() for grade in docs.values()} == {1, 2}
    assert set().union(*qrels.values()) <= set(ro_numbers)
    lines = (eval_set / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert lines == sorted(lines, key=lambda line: line.split("\t")[:2])


def test_every_query_has_an_answer_and_names_none_of_its_ros(eval_set):
    qrels = read_qrels(eval_set)
    for query in read_jsonl(eval_set / "queries.jsonl"):
        docs = qrels[query["_id"]]
        answers = [doc for doc, grade in docs.items() if grade == 2]
        assert 1 <= len(answers) <= MAX_ANSWERS
        assert not any(doc in query["text"] for doc in docs), query


def test_relevance_follows_the_truth_files(smoke_dataset, eval_set):
    visits = {row["ro_number"]: row for row in dataset_rows(smoke_dataset, "truth/visits")}
    ros = {ro["ro_number"]: ro for ro in dataset_rows(smoke_dataset, "repair_orders")}
    qrels = read_qrels(eval_set)
    for query in read_jsonl(eval_set / "queries.jsonl"):
        intent, docs = query["metadata"]["intent"], qrels[query["_id"]]
        answers = {doc for doc, grade in docs.items() if grade == 2}
        if intent == "comeback_origin":
            # The one answer is what some comeback RO of the episode comes back to, per truth.
            assert len(answers) == 1
            comebacks_of = {visits[doc]["comeback_of"] for doc in docs}
            assert answers <= comebacks_of
            assert len({visits[doc]["episode_id"] for doc in docs}) == 1
        elif intent == "vehicle_system_history":
            assert len({ros[doc]["vehicle"]["vin"] for doc in docs}) == 1
            month, year = re.search(r"before (\w+) (\d{4})$", query["text"]).groups()
            cutoff = date(int(year), list(calendar.month_name).index(month), 1)
            for doc, grade in docs.items():
                before = date.fromisoformat(ros[doc]["opened_at"][:10]) < cutoff
                assert (grade == 2) == before
        elif intent == "customer_visits":
            owners = {visits[doc]["customer_uuid"] for doc in answers}
            assert len(owners) == 1
            assert all(visits[doc]["customer_uuid"] not in owners for doc in set(docs) - answers)
        elif intent == "recall_completions":
            campaign = query["text"].split()[1]
            assert all(any(job["recall_campaign"] == campaign for job in visits[doc]["jobs"]) for doc in docs)
            assert len({ros[doc]["shop"]["shop_id"] for doc in answers}) == 1


def test_the_set_is_the_same_bytes_every_time(smoke_dataset, eval_set, tmp_path):
    again = tmp_path / "again"
    write_eval_set(smoke_dataset, again)
    for name in ("corpus.jsonl", "queries.jsonl", "qrels/test.tsv"):
        assert (again / name).read_bytes() == (eval_set / name).read_bytes(), name


def test_queries_scale_with_the_dataset():
    assert query_count(1_000) == 10
    assert query_count(68_000) == 136


def test_an_existing_folder_is_replaced_only_with_force_and_only_if_it_is_an_eval_set(
    smoke_dataset, eval_set, tmp_path
):
    out = tmp_path / "set"
    out.mkdir()
    (out / "mine.txt").write_text("not roworld's", encoding="utf-8")
    with pytest.raises(UserError, match="already exists"):
        write_eval_set(smoke_dataset, out)
    with pytest.raises(UserError, match="not an eval set"):
        write_eval_set(smoke_dataset, out, force=True)
    assert (out / "mine.txt").exists()
    (out / "mine.txt").unlink()
    write_eval_set(smoke_dataset, out)
    write_eval_set(smoke_dataset, out, force=True)
    assert (out / "corpus.jsonl").read_bytes() == (eval_set / "corpus.jsonl").read_bytes()
    assert not (tmp_path / "set.partial").exists()


def test_a_folder_without_a_manifest_is_refused(tmp_path, capsys):
    (tmp_path / "half").mkdir()
    assert main(["eval-set", str(tmp_path / "half"), "--out", str(tmp_path / "out")]) == 2
    assert "no manifest.json" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_wording_names_every_catalog_concern_and_symptom():
    catalog = load_catalog()
    concerns = {*catalog.components, *catalog.services, *catalog.inspections, *catalog.reconditioning}
    assert set(concern_systems()) == concerns
    symptoms = {symptom for component in catalog.components.values() for symptom in component.symptoms}
    assert set(wording()["symptoms"]) == symptoms


def test_with_per_shop_identity_a_customers_other_records_are_related(per_shop_dataset, tmp_path):
    out = tmp_path / "set"
    write_eval_set(per_shop_dataset, out)
    person_of = {
        row["customer_uuid"]: row["person_id"] or row["account_id"]
        for row in dataset_rows(per_shop_dataset, "truth/identities")
    }
    ros = dataset_rows(per_shop_dataset, "repair_orders")
    record_of = {ro["ro_number"]: ro["customer"]["customer_uuid"] for ro in ros}
    vin_of = {ro["ro_number"]: ro["vehicle"]["vin"] for ro in ros}
    qrels = read_qrels(out)
    other_vehicles = 0
    for query in read_jsonl(out / "queries.jsonl"):
        if query["metadata"]["intent"] != "customer_visits":
            continue
        docs = qrels[query["_id"]]
        (record,) = {record_of[doc] for doc, grade in docs.items() if grade == 2}
        others = {
            doc
            for doc, grade in docs.items()
            if grade == 1 and person_of[record_of[doc]] == person_of[record]
        }
        assert all(record_of[doc] != record for doc in others)
    # The person's visits elsewhere count even with a vehicle this shop never saw them with: over
    # every candidate of the intent, not only the sampled queries.
    intents = Intents(read_dataset(DatasetFiles(per_shop_dataset))[0])
    for candidate in intents.customer_visits_candidates():
        _, docs = intents.customer_visits(candidate)
        own_vins = {vin_of[doc] for doc, grade in docs.items() if grade == 2}
        other_vehicles += any(
            vin_of[doc] not in own_vins and person_of[record_of[doc]] == person_of[candidate]
            for doc, grade in docs.items()
            if grade == 1
        )
    assert other_vehicles > 0
