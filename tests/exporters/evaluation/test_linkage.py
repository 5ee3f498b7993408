"""``sim score linkage``: hand-worked formulas, a splink baseline through the CLI, the truth scoring 1.0."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporters.evaluation.linkage import linkage_scores, read_predictions
from sim.cli import main
from tests.exporters.evaluation.baselines import splink_clusters
from world.errors import UserError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_scores_of_a_hand_worked_case():
    truth = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2"}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}
    scores = linkage_scores(truth, predicted)
    # True pairs ab ac bc de (4); predicted ab cd (2); right: ab.
    assert scores["pairwise"] == pytest.approx({"precision": 0.5, "recall": 0.25, "f1": 1 / 3})
    # B-cubed per record, precision: a 2/2, b 2/2, c 1/2, d 1/2, e 1/1;
    # recall: a 2/3, b 2/3, c 1/3, d 1/2, e 1/2.
    assert scores["bcubed"]["precision"] == pytest.approx(4 / 5)
    assert scores["bcubed"]["recall"] == pytest.approx((8 / 3) / 5)


def test_records_left_out_are_alone_and_nothing_claimed_is_precise():
    truth = {"a": "1", "b": "1", "c": "2"}
    scores = linkage_scores(truth, {})
    assert scores["pairwise"] == {"precision": 1.0, "recall": 0.0, "f1": 0.0}
    assert scores["bcubed"]["precision"] == 1.0
    assert scores["bcubed"]["recall"] == pytest.approx((1 / 2 + 1 / 2 + 1) / 3)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=30), st.integers(0, 3))
def test_a_relabelled_truth_scores_one_and_any_prediction_stays_in_range(people, shift):
    truth = {f"r{index}": f"p{person}" for index, person in enumerate(people)}
    relabelled = {record: f"cluster-{person}-{shift}" for record, person in truth.items()}
    perfect = linkage_scores(truth, relabelled)
    assert all(
        perfect[kind][metric] == 1.0
        for kind in ("pairwise", "bcubed")
        for metric in ("precision", "recall", "f1")
    )
    shuffled = {record: f"c{(index + shift) % 3}" for index, record in enumerate(truth)}
    scores = linkage_scores(truth, shuffled)
    assert all(
        0.0 <= scores[kind][metric] <= 1.0
        for kind in ("pairwise", "bcubed")
        for metric in ("precision", "recall", "f1")
    )


def test_pairs_are_closed_into_clusters(tmp_path):
    path = write(tmp_path / "pairs.csv", "customer_uuid_l,customer_uuid_r\na,b\nc,b\nd,e\n")
    clusters = read_predictions(path)
    assert clusters["a"] == clusters["b"] == clusters["c"] != clusters["d"] == clusters["e"]


def test_unknown_records_and_bad_files_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="not in the dataset"):
        linkage_scores({"a": "1"}, {"zz": "1"})
    with pytest.raises(UserError, match=r"bad\.csv:1: expected the header"):
        read_predictions(write(tmp_path / "bad.csv", "uuid,cluster\na,1\n"))
    with pytest.raises(UserError, match=r"short\.csv:3: expected two non-empty values"):
        read_predictions(write(tmp_path / "short.csv", "customer_uuid,cluster_id\na,1\nb\n"))
    with pytest.raises(UserError, match=r"twice\.csv:3: a is already in cluster 1"):
        read_predictions(write(tmp_path / "twice.csv", "customer_uuid,cluster_id\na,1\na,2\n"))


def score(capsys, dataset: Path, predictions: Path) -> dict:
    assert main(["score", "linkage", str(dataset), str(predictions), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_truth_as_predictions_scores_one(per_shop_dataset, tmp_path, capsys):
    rows = [
        orjson.loads(line)
        for part in sorted((per_shop_dataset / "truth" / "identities").glob("*.jsonl"))
        for line in part.read_bytes().splitlines()
    ]
    lines = [f"{row['customer_uuid']},{row['person_id'] or row['account_id']}" for row in rows]
    result = score(
        capsys,
        per_shop_dataset,
        write(tmp_path / "truth.csv", "customer_uuid,cluster_id\n" + "\n".join(lines)),
    )
    assert result["pairwise"]["f1"] == result["bcubed"]["f1"] == 1.0
    assert result["records"]["true_clusters"] < result["records"]["count"]


def test_a_splink_baseline_is_scored(per_shop_dataset, tmp_path, capsys):
    result = score(capsys, per_shop_dataset, splink_clusters(per_shop_dataset, tmp_path / "splink.csv"))
    # Shared VINs, phones and emails link most records: a good baseline, measured, not assumed.
    assert 0.8 < result["pairwise"]["f1"] <= 1.0
    assert 0.8 < result["bcubed"]["f1"] <= 1.0
    assert main(["score", "linkage", str(per_shop_dataset), str(tmp_path / "splink.csv")]) == 0
    assert "bcubed" in capsys.readouterr().out


def test_a_global_dataset_has_no_linkage_truth(smoke_dataset, tmp_path, capsys):
    predictions = write(tmp_path / "p.csv", "customer_uuid,cluster_id\n")
    assert main(["score", "linkage", str(smoke_dataset), str(predictions)]) == 2
    assert "per_shop" in capsys.readouterr().err
