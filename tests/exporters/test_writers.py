import hashlib

import duckdb
import orjson
import pytest

from exporters.config import ExportConfig
from exporters.writers import JsonlWriter, file_sha256, part_name
from tests.exporters.dataset_factory import write_shard


def test_jsonl_writer_counts_and_hashes_what_it_wrote(tmp_path):
    writer = JsonlWriter(tmp_path, "sub/part-00003.jsonl", "truth_shops")
    writer.write({"b": 1, "a": [1, 2]})
    writer.write_line(b'{"x":2}\n')
    entry = writer.close()
    data = (tmp_path / "sub/part-00003.jsonl").read_bytes()
    assert data == b'{"b":1,"a":[1,2]}\n{"x":2}\n'
    assert entry.records == 2 and entry.role == "truth_shops"
    assert entry.sha256 == hashlib.sha256(data).hexdigest() == file_sha256(tmp_path / "sub/part-00003.jsonl")
    assert part_name(3, "jsonl") == "part-00003.jsonl"


@pytest.fixture(scope="module")
def parquet_dataset(tmp_path_factory):
    dataset = tmp_path_factory.mktemp("parquet")
    result = write_shard(dataset, 0, 300, ExportConfig(), ("jsonl", "parquet"))
    return dataset, result


def test_parquet_has_one_row_per_ro_and_matches_the_manifest_entry(parquet_dataset):
    dataset, result = parquet_dataset
    entry = next(entry for entry in result.files if entry.role == "repair_orders_parquet")
    assert entry.records == 300
    assert entry.sha256 == file_sha256(dataset / entry.path)


def test_duckdb_reconciles_the_parquet_totals_in_sql(parquet_dataset):
    dataset, _ = parquet_dataset
    path = str(dataset / "repair_orders_parquet" / "part-00000.parquet")
    connection = duckdb.connect()
    broken = connection.execute(f"""
        WITH ro AS (SELECT * FROM read_parquet('{path}')),
        labor AS (SELECT ro_number, sum(l.amount) AS amount,
                         sum(CASE WHEN j.pay_type = 'customer' THEN l.amount ELSE 0 END) AS customer
                  FROM ro, unnest(labor) AS u(l), unnest(jobs) AS v(j)
                  WHERE j.index = l.job_index GROUP BY ro_number),
        line_parts AS (SELECT ro_number, p.amount AS amount, p.labor_index FROM ro, unnest(parts) AS u(p)),
        parts AS (SELECT ro_number, sum(amount) AS amount FROM line_parts GROUP BY ro_number),
        fees AS (SELECT ro_number, sum(f.amount) AS amount FROM ro, unnest(fees) AS u(f) GROUP BY ro_number)
        SELECT count(*) FROM ro
        LEFT JOIN labor USING (ro_number) LEFT JOIN parts USING (ro_number) LEFT JOIN fees USING (ro_number)
        WHERE ro.totals.labor <> labor.amount
           OR ro.totals.parts <> coalesce(parts.amount, 0)
           OR ro.totals.fees <> coalesce(fees.amount, 0)
           OR ro.totals.subtotal <> ro.totals.labor + ro.totals.parts + ro.totals.fees - ro.totals.discount
           OR ro.totals.total <> ro.totals.subtotal + ro.totals.tax
           OR ro.totals.customer_pay + ro.totals.warranty_pay + ro.totals.internal_pay <> ro.totals.total
    """).fetchone()[0]
    assert broken == 0
    grand = connection.execute(f"SELECT sum(totals.total) FROM read_parquet('{path}')").fetchone()[0]
    json_total = sum(
        int(orjson.loads(line)["totals"]["total"].replace(".", ""))
        for line in (dataset / "repair_orders" / "part-00000.jsonl").read_bytes().splitlines()
    )
    assert int(grand * 100) == json_total
