"""manifest.json, written last: what the dataset is, how to reproduce it, and every file's checksum.

Keys sorted, two-space indent, trailing newline; no wall-clock time and no host name, so two runs
of the same scenario and seed write the same bytes. Written to a temporary name and renamed, so a
folder never holds a half-written manifest.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exporters.report.targets import TargetResult
from exporters.shard_writer import ShardResult
from exporters.summary import merge_summaries
from exporters.writers import ROLES
from world.identity import EMAIL_DOMAINS
from world.vin_factory import WMI_REGION

MANIFEST_NAME = "manifest.json"
DATASET_FORMAT = 1
SCHEMA_VERSION = "2.0"
SEED_DERIVATION = (
    "numpy SeedSequence(entropy=seed, spawn_key=path words) per named stream (sim.seeding.Seeds); each shard "
    "draws only from Seeds(seed).child('shard', <shard key>), each path name becoming a 32-bit blake2b word; "
    "each visit's export randomness comes from random.Random(visit.draw_seed), a 64-bit integer drawn "
    "from its shard's streams. Output depends on the seed and the scenario, never on worker count or order."
)


def manifest_document(
    scenario,
    seed: int,
    shards,
    results: list[ShardResult],
    generator_version: str,
    targets: Sequence[TargetResult] = (),
) -> dict[str, Any]:
    """``targets``: the scenario's targets as measured on the dataset's files."""
    by_index = {result.shard_index: result for result in results}
    missing = [shard.index for shard in shards if shard.index not in by_index]
    if missing or len(by_index) != len(shards):
        raise ValueError(f"manifest: results do not match the planned shards (missing {missing})")
    ordered = [by_index[shard.index] for shard in shards]
    files = sorted((entry for result in ordered for entry in result.files), key=lambda entry: entry.path)
    unknown_roles = sorted({entry.role for entry in files} - set(ROLES))
    if unknown_roles:
        raise ValueError(f"manifest: unknown file roles {unknown_roles}")
    export = scenario.export
    summaries = merge_summaries([result.summary for result in ordered])
    return {
        "dataset_format": DATASET_FORMAT,
        "generator": {"name": "roworld", "version": generator_version},
        "schema_version": SCHEMA_VERSION,
        "seed": seed,
        "seed_derivation": SEED_DERIVATION,
        "scenario": scenario.model_dump(mode="json"),
        "shards": [
            {"index": shard.index, "key": shard.key, "ro_count": by_index[shard.index].ro_count}
            for shard in shards
        ],
        "files": [
            {"path": entry.path, "role": entry.role, "records": entry.records, "sha256": entry.sha256}
            for entry in files
        ],
        "summaries": summaries,
        "targets": [result.as_json() for result in targets],
        "privacy": {
            "phone_mode": export.phone_mode,
            "realistic_values": export.phone_mode == "realistic",
            "email_domains": list(EMAIL_DOMAINS),
            "vin_wmi_block": f"{WMI_REGION} (first WMI character; an ISO 3780 block assigned to no country)",
            "narrative_pii_rate": export.narrative_pii_rate,
            "pii_spans_by_type": summaries["pii_spans_by_type"],
            "customers_sharing_a_phone": summaries["phones"]["customers_sharing_a_number"],
        },
    }


def write_manifest(dataset_dir: Path, document: dict[str, Any]) -> None:
    """Writes a ``manifest_document`` into the dataset folder."""
    # allow_nan=False: NaN or Infinity is not JSON, and no reader should meet it in a manifest.
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    temporary = dataset_dir / (MANIFEST_NAME + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(dataset_dir / MANIFEST_NAME)
