import hashlib
import os
import pickle
from pathlib import Path

import orjson
import pytest

from exporters.config import ExportConfig
from exporters.shard_writer import ShardResult, ShardWriter
from tests.exporters.dataset_factory import ledger_for, shard_visits, write_shard
from world.errors import UserError

ROLES = {"repair_orders", "pii_spans", "truth_visits", "truth_customers", "truth_vehicles", "truth_shops"}


def test_a_shard_writes_every_part_file_with_counts_and_checksums(tmp_path):
    result = write_shard(tmp_path, 2, 120, ExportConfig(narrative_pii_rate=0.2))
    assert isinstance(result, ShardResult) and result.ro_count == 120 and result.shard_index == 2
    assert {entry.role for entry in result.files} == ROLES
    for entry in result.files:
        data = (tmp_path / entry.path).read_bytes()
        assert entry.path.endswith("part-00002.jsonl")
        assert entry.records == data.count(b"\n")
        assert entry.sha256 == hashlib.sha256(data).hexdigest()
    by_role = {entry.role: entry for entry in result.files}
    assert by_role["repair_orders"].records == by_role["truth_visits"].records == 120
    assert pickle.loads(pickle.dumps(result)) == result


def test_truth_rows_follow_the_ros(tmp_path):
    write_shard(tmp_path, 0, 40, ExportConfig())
    ros = [
        orjson.loads(line) for line in (tmp_path / "repair_orders/part-00000.jsonl").read_bytes().splitlines()
    ]
    truth = [
        orjson.loads(line) for line in (tmp_path / "truth/visits/part-00000.jsonl").read_bytes().splitlines()
    ]
    assert [ro["ro_number"] for ro in ros] == [row["ro_number"] for row in truth]
    assert all(row["vin"] == ro["vehicle"]["vin"] for row, ro in zip(truth, ros, strict=True))
    vehicles = [
        orjson.loads(line)
        for line in (tmp_path / "truth/vehicles/part-00000.jsonl").read_bytes().splitlines()
    ]
    assert all(vehicle["ownerships"] for vehicle in vehicles)


def test_same_visits_same_bytes(tmp_path):
    first = write_shard(tmp_path / "a", 1, 60, ExportConfig(narrative_pii_rate=0.3))
    second = write_shard(tmp_path / "b", 1, 60, ExportConfig(narrative_pii_rate=0.3))
    assert first.files == second.files


def _open_files_under(folder: Path) -> list[str]:
    """This process's open file descriptors that point into ``folder`` (Linux's /proc)."""
    descriptors = Path("/proc/self/fd")
    targets = []
    for fd in descriptors.iterdir():
        try:
            targets.append(os.readlink(fd))
        except OSError:  # the descriptor listing the folder itself is gone by now
            continue
    return [target for target in targets if target.startswith(str(folder))]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads open descriptors from /proc")
def test_abort_closes_every_file_with_what_was_written_flushed(tmp_path):
    writer = ShardWriter(tmp_path, 0, ExportConfig(), ("jsonl", "parquet"))
    writer.add(shard_visits(0, 1)[0])
    assert len(_open_files_under(tmp_path)) == 4  # ROs, spans, truth visits, Parquet
    writer.abort()
    assert _open_files_under(tmp_path) == []
    assert (tmp_path / "repair_orders/part-00000.jsonl").read_bytes().count(b"\n") == 1


def test_formats_must_include_jsonl_and_be_known(tmp_path):
    for formats in (("csv",), ("parquet",), ("jsonl", "xml")):
        with pytest.raises(UserError, match="formats"):
            ShardWriter(tmp_path, 0, ExportConfig(), formats)


def test_ledger_rows_are_written_at_finish(tmp_path):
    visits = shard_visits(4, 10)
    writer = ShardWriter(tmp_path, 4, ExportConfig())
    for visit in visits:
        writer.add(visit)
    assert writer.ro_count == 10
    result = writer.finish(ledger_for(4, visits))
    shops = {entry.role: entry.records for entry in result.files}["truth_shops"]
    assert shops == len({visit.shop.shop_id for visit in visits})
