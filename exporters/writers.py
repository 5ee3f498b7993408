"""Part files of a dataset: JSON Lines through orjson, and nested Parquet through pyarrow.

Each writer counts its records and returns a ``FileEntry`` (path relative to the dataset, role,
records, sha256) when closed. JSON Lines hash as they stream; Parquet is hashed once written.
Nothing written depends on the clock or the host: pyarrow's footer names only its version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

ROLES = (
    "repair_orders",
    "pii_spans",
    "truth_visits",
    "truth_customers",
    "truth_vehicles",
    "truth_shops",
    "repair_orders_parquet",
)
_BUFFER_BYTES = 1 << 20
PARQUET_ROWS_PER_GROUP = 8192


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str  # relative to the dataset folder, with forward slashes
    role: str
    records: int
    sha256: str


def part_name(shard_index: int, suffix: str) -> str:
    return f"part-{shard_index:05d}.{suffix}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_BUFFER_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


class JsonlWriter:
    def __init__(self, dataset_dir: Path, relative_path: str, role: str) -> None:
        self.relative_path = relative_path
        self.role = role
        self.records = 0
        path = dataset_dir / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("wb", buffering=_BUFFER_BYTES)
        self._digest = hashlib.sha256()

    def write_line(self, line: bytes) -> None:
        """One serialized record, newline included."""
        self._handle.write(line)
        self._digest.update(line)
        self.records += 1

    def write(self, record: Any) -> None:
        self.write_line(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))

    def close(self) -> FileEntry:
        self._handle.close()
        return FileEntry(self.relative_path, self.role, self.records, self._digest.hexdigest())

    def abort(self) -> None:
        self._handle.close()


def _money_type():
    import pyarrow as pa

    return pa.decimal128(14, 2)


def repair_order_schema():
    """The RO as nested Parquet: money, hours, quantities and rates as exact decimals."""
    import pyarrow as pa

    money = _money_type()
    rates = pa.struct([("customer", money), ("warranty", money), ("internal", money)])
    return pa.schema(
        [
            ("schema_version", pa.string()),
            ("ro_number", pa.string()),
            (
                "shop",
                pa.struct(
                    [
                        ("shop_id", pa.string()),
                        ("name", pa.string()),
                        ("kind", pa.string()),
                        ("timezone", pa.string()),
                        ("labor_rates", rates),
                    ]
                ),
            ),
            ("advisor_id", pa.string()),
            ("opened_at", pa.string()),
            ("closed_at", pa.string()),
            (
                "customer",
                pa.struct(
                    [
                        ("customer_uuid", pa.string()),
                        ("kind", pa.string()),
                        ("name", pa.string()),
                        ("contact_name", pa.string()),
                        ("phone", pa.string()),
                        ("email", pa.string()),
                        (
                            "address",
                            pa.struct(
                                [
                                    ("line1", pa.string()),
                                    ("city", pa.string()),
                                    ("state", pa.string()),
                                    ("postal_code", pa.string()),
                                ]
                            ),
                        ),
                    ]
                ),
            ),
            (
                "vehicle",
                pa.struct(
                    [
                        ("vin", pa.string()),
                        ("year", pa.int32()),
                        ("make", pa.string()),
                        ("model", pa.string()),
                        ("odometer_in", pa.int64()),
                        ("odometer_out", pa.int64()),
                    ]
                ),
            ),
            ("purchase_order", pa.string()),
            (
                "jobs",
                pa.list_(
                    pa.struct(
                        [
                            ("index", pa.int32()),
                            ("pay_type", pa.string()),
                            ("complaint", pa.string()),
                            ("cause", pa.string()),
                            ("correction", pa.string()),
                        ]
                    )
                ),
            ),
            (
                "labor",
                pa.list_(
                    pa.struct(
                        [
                            ("index", pa.int32()),
                            ("job_index", pa.int32()),
                            ("op_code", pa.string()),
                            ("description", pa.string()),
                            ("technician_id", pa.string()),
                            ("hours", pa.decimal128(5, 1)),
                            ("rate", money),
                            ("amount", money),
                        ]
                    )
                ),
            ),
            (
                "parts",
                pa.list_(
                    pa.struct(
                        [
                            ("index", pa.int32()),
                            ("labor_index", pa.int32()),
                            ("part_number", pa.string()),
                            ("description", pa.string()),
                            ("quantity", pa.decimal128(12, 2)),
                            ("unit_price", money),
                            ("amount", money),
                        ]
                    )
                ),
            ),
            (
                "fees",
                pa.list_(pa.struct([("code", pa.string()), ("description", pa.string()), ("amount", money)])),
            ),
            ("notes", pa.string()),
            (
                "totals",
                pa.struct(
                    [(name, money) for name in ("labor", "parts", "fees", "discount", "subtotal")]
                    + [("tax_rate", pa.decimal128(5, 4))]
                    + [
                        (name, money)
                        for name in ("tax", "total", "customer_pay", "warranty_pay", "internal_pay")
                    ]
                ),
            ),
        ]
    )


_DECIMAL_KEYS = frozenset(
    {
        "customer",
        "warranty",
        "internal",
        "hours",
        "rate",
        "amount",
        "quantity",
        "unit_price",
        "labor",
        "parts",
        "fees",
        "discount",
        "subtotal",
        "tax_rate",
        "tax",
        "total",
        "customer_pay",
        "warranty_pay",
        "internal_pay",
    }
)


def _decimals(node: Any, key: str | None = None) -> Any:
    """The JSON form of an RO with its contract decimal strings as ``Decimal`` (exact, no float)."""
    if isinstance(node, dict):
        return {name: _decimals(value, name) for name, value in node.items()}
    if isinstance(node, list):
        return [_decimals(item) for item in node]
    if isinstance(node, str) and key in _DECIMAL_KEYS:
        return Decimal(node)
    return node


def repair_orders_table(repair_orders: list[dict[str, Any]]):
    """ROs in their JSON form as a pyarrow Table of ``repair_order_schema``: what a Parquet part holds."""
    import pyarrow as pa

    return pa.Table.from_pylist([_decimals(ro) for ro in repair_orders], schema=repair_order_schema())


class ParquetWriter:
    def __init__(self, dataset_dir: Path, relative_path: str, role: str = "repair_orders_parquet") -> None:
        import pyarrow.parquet as pq

        self.relative_path = relative_path
        self.role = role
        self.records = 0
        self._path = dataset_dir / relative_path
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(self._path, repair_order_schema(), compression="zstd")
        self._pending: list[dict[str, Any]] = []

    def write(self, repair_order: dict[str, Any]) -> None:
        self._pending.append(repair_order)
        self.records += 1
        if len(self._pending) >= PARQUET_ROWS_PER_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._writer.write_table(repair_orders_table(self._pending))
            self._pending = []

    def close(self) -> FileEntry:
        self._flush()
        self._writer.close()
        return FileEntry(self.relative_path, self.role, self.records, file_sha256(self._path))

    def abort(self) -> None:
        self._pending = []
        self._writer.close()
