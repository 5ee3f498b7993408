import hashlib
import json
from types import SimpleNamespace

import pytest

from exporters.config import ExportConfig
from exporters.manifest import manifest_document, write_manifest
from exporters.report.targets import Target, TargetResult
from tests.exporters.dataset_factory import write_shard


class StandInScenario(SimpleNamespace):
    """What the manifest reads from a Scenario: its export section and its JSON form."""

    def model_dump(self, mode: str):
        return {"name": "stand-in", "export": self.export.model_dump(mode=mode)}


SHARDS = [SimpleNamespace(index=0, key="metro/0"), SimpleNamespace(index=1, key="metro/1")]


SOME_PII = ExportConfig(narrative_pii_rate=0.2)


def build(dataset, export=SOME_PII):
    results = [write_shard(dataset, shard.index, 80, export) for shard in SHARDS]
    document = manifest_document(StandInScenario(export=export), 42, SHARDS, list(reversed(results)), "1.2.3")
    write_manifest(dataset, document)
    return dataset / "manifest.json"


def test_manifest_lists_every_file_with_role_records_and_checksum(tmp_path):
    text = build(tmp_path).read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert text.endswith("}\n") and text == json.dumps(manifest, sort_keys=True, indent=2) + "\n"
    assert manifest["dataset_format"] == 1 and manifest["schema_version"] == "2.0" and manifest["seed"] == 42
    assert manifest["generator"] == {"name": "roworld", "version": "1.2.3"}
    assert manifest["shards"] == [
        {"index": 0, "key": "metro/0", "ro_count": 80},
        {"index": 1, "key": "metro/1", "ro_count": 80},
    ]
    paths = [entry["path"] for entry in manifest["files"]]
    assert paths == sorted(paths) and "manifest.json" not in paths and len(paths) == 12
    on_disk = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*.jsonl"))
    assert paths == on_disk
    for entry in manifest["files"]:
        data = (tmp_path / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["records"] == data.count(b"\n")
    assert manifest["summaries"]["ro_count"] == 160
    assert (
        manifest["privacy"]["realistic_values"] is False and manifest["privacy"]["phone_mode"] == "fictional"
    )
    assert manifest["scenario"]["name"] == "stand-in"
    assert manifest["targets"] == []
    assert not list(tmp_path.glob("*.tmp"))


def test_manifest_lists_each_target_with_its_measured_value(tmp_path):
    miles = Target(
        metric="annual_miles", customer_kind="individual", value=10_200, tolerance=0.15, source="NHTS"
    )
    comebacks = Target(metric="comeback_rate", value=0.05, tolerance=0.4, source="shops")
    results = [write_shard(tmp_path, shard.index, 5, SOME_PII) for shard in SHARDS]
    measured = [TargetResult(miles, 12_750.0), TargetResult(comebacks, None)]
    write_manifest(
        tmp_path, manifest_document(StandInScenario(export=SOME_PII), 1, SHARDS, results, "0", measured)
    )
    listed = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["targets"]
    assert listed == [
        {
            "target": "annual_miles[customer_kind=individual]",
            "metric": "annual_miles",
            "filters": {"customer_kind": "individual"},
            "value": 10_200,
            "tolerance": 0.15,
            "measured": 12_750.0,
            "relative_error": 0.25,
            "passed": False,
            "source": "NHTS",
        },
        {
            "target": "comeback_rate",
            "metric": "comeback_rate",
            "filters": {},
            "value": 0.05,
            "tolerance": 0.4,
            "measured": None,
            "relative_error": None,
            "passed": False,
            "source": "shops",
        },
    ]


def test_two_runs_write_byte_identical_datasets(tmp_path):
    first, second = build(tmp_path / "a"), build(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()


def test_realistic_phone_mode_is_declared(tmp_path):
    export = ExportConfig(phone_mode="realistic")
    manifest = json.loads(build(tmp_path, export).read_text(encoding="utf-8"))
    assert manifest["privacy"]["realistic_values"] is True


def test_results_must_match_the_plan(tmp_path):
    result = write_shard(tmp_path, 0, 5, ExportConfig())
    with pytest.raises(ValueError, match="missing"):
        manifest_document(StandInScenario(export=ExportConfig()), 1, SHARDS, [result], "0")


def test_a_non_finite_number_is_never_written_to_the_manifest(tmp_path):
    class WithNan(StandInScenario):
        def model_dump(self, mode: str):
            return dict(super().model_dump(mode), weight=float("nan"))

    results = [write_shard(tmp_path, shard.index, 5, SOME_PII) for shard in SHARDS]
    with pytest.raises(ValueError, match="not JSON compliant"):
        write_manifest(tmp_path, manifest_document(WithNan(export=SOME_PII), 1, SHARDS, results, "0"))
    assert not (tmp_path / "manifest.json").exists() and not list(tmp_path.glob("*.tmp"))
