import hashlib
import re
from decimal import Decimal

import duckdb
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from exporters.config import ExportConfig
from exporters.contract import contract_violations
from exporters.writers import (
    JsonlWriter,
    ParquetWriter,
    file_sha256,
    part_name,
    repair_order_arrow_schema,
    ros_to_arrow_table,
)
from tests.dataset_fixture import fixture_ro
from tests.exporters.dataset_factory import write_shard
from tests.exporters.wider_models import WiderRepairOrder


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


def maximal_ro() -> dict:
    """A valid RO with every optional field present and two or more of every line."""
    ro = fixture_ro("OH101-000101")
    ro["customer"].update(kind="fleet", name="Buckeye Courier LLC", contact_name="Dana Whitfield")
    ro["purchase_order"] = "PO-88121"
    return ro


def _leaves(node, path=()):
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(node, list):
        return [leaf for index, value in enumerate(node) for leaf in _leaves(value, (*path, index))]
    return [(path, node)]


def test_a_maximal_ro_round_trips_every_field_through_parquet(tmp_path):
    ro = maximal_ro()
    assert contract_violations(ro) == []
    assert all(value is not None for _, value in _leaves(ro))
    assert all(len(ro[name]) >= 2 for name in ("jobs", "labor", "parts", "fees"))
    writer = ParquetWriter(tmp_path, "part-00000.parquet")
    writer.write(ro)
    writer.close()
    (back,) = pq.read_table(tmp_path / "part-00000.parquet").to_pylist()
    sent, came_back = _leaves(ro), _leaves(back)
    assert [path for path, _ in came_back] == [path for path, _ in sent]
    for (path, value), (_, read) in zip(sent, came_back, strict=True):
        # Decimals come back as Decimal at their column's scale ("1" as 1.00): equal by value.
        assert read == (Decimal(value) if type(read) is Decimal else value), path
    assert type(back["totals"]["tax_rate"]) is type(back["labor"][1]["hours"]) is Decimal


@pytest.mark.parametrize(
    ("path", "named"),
    [
        (("unknown",), "unknown"),
        (("shop", "unknown"), "shop.unknown"),
        (("customer", "address", "unknown"), "customer.address.unknown"),
        (("labor", 1, "unknown"), "labor[].unknown"),
    ],
)
def test_a_key_the_parquet_schema_lacks_fails_loudly(tmp_path, path, named):
    ro = maximal_ro()
    node = ro
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "1.00"
    writer = ParquetWriter(tmp_path, "part-00000.parquet")
    with pytest.raises(ValueError, match=rf"the Parquet schema has no column for {re.escape(named)}$"):
        writer.write(ro)
    writer.abort()
    with pytest.raises(ValueError, match="no column"):
        ros_to_arrow_table([ro])


def test_ros_to_arrow_table_has_one_row_per_ro_in_the_derived_schema():
    table = ros_to_arrow_table([maximal_ro(), fixture_ro("TX205-004502")])
    assert table.num_rows == 2 and table.schema.equals(repair_order_arrow_schema())
    assert table.column("purchase_order").to_pylist() == [
        "PO-88121",
        fixture_ro("TX205-004502")["purchase_order"],
    ]


def test_the_parquet_schema_follows_fields_added_to_the_models():
    schema = repair_order_arrow_schema(WiderRepairOrder)
    assert schema.names == list(WiderRepairOrder.model_fields)
    assert schema.field("bay").type == pa.int32()
    vehicle = schema.field("vehicle").type
    assert vehicle.field("trim").type == vehicle.field("plate_state").type == pa.string()
    part = schema.field("parts").type.value_type
    assert part.field("core_charge").type == pa.decimal128(14, 2)
    assert part.field("supplier_code").type == pa.string()
    # Everything else as the contract's own schema has it.
    assert schema.field("totals").equals(repair_order_arrow_schema().field("totals"))
