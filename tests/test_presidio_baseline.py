"""presidio-analyzer as a real client of the redaction benchmark: the smoke dataset exported as
InputSamples, its pattern recognizers run over them with no network, their spans scored by
``sim score redaction``."""

from __future__ import annotations

import json
import socket

from benchmarks.presidio_baseline import main as baseline
from sim.cli import main
from tests.dataset_fixture import read_jsonl

FOUND_BY_PATTERNS = ("PHONE_NUMBER", "EMAIL_ADDRESS", "VIN")


def no_network(*args, **kwargs):
    raise AssertionError(f"the baseline reached for the network: {args}")


def test_presidio_pattern_recognizers_are_scored_per_entity_type(
    smoke_dataset, tmp_path, capsys, monkeypatch
):
    export, predictions = tmp_path / "export", tmp_path / "presidio.jsonl"
    assert main(["export", "redaction", str(smoke_dataset), "--to", "presidio", "--out", str(export)]) == 0
    # tldextract would fetch the public suffix list; the baseline must use its bundled copy.
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert baseline([str(export), "--out", str(predictions)]) == 0
    rows = read_jsonl(predictions)
    assert rows and {row["entity_type"] for row in rows} <= set(FOUND_BY_PATTERNS)
    capsys.readouterr()
    assert main(["score", "redaction", str(smoke_dataset), str(predictions), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    types = result["entity_types"]
    for entity_type in FOUND_BY_PATTERNS:
        # Measured, not assumed: the smoke world's narratives hold all three, and presidio finds some.
        assert types[entity_type]["strict"]["possible"] > 0, entity_type
        assert 0 < types[entity_type]["partial"]["recall"] <= 1, entity_type
    # Names and street addresses need presidio's NLP engine, which runs no model here.
    assert types["PERSON"]["strict"]["actual"] == types["STREET_ADDRESS"]["strict"]["actual"] == 0
    assert types["PERSON"]["strict"]["recall"] == 0.0
    assert result["predicted_spans"] == len(rows)
