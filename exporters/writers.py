"""Part files of a dataset: JSON Lines through orjson, and nested Parquet through pyarrow.

Each writer counts its records and returns a ``FileEntry`` (path relative to the dataset, role,
records, sha256) when closed. JSON Lines hash as they stream; Parquet is hashed once written.
Nothing written depends on the clock or the host: pyarrow's footer names only its version.
The Parquet schema is derived from the models (``repair_order_arrow_schema``), and an RO with a
key it has no column for is refused rather than written without it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

import orjson

if TYPE_CHECKING:
    # Imported when first used: the validator reads this module's roles without pyarrow or pydantic.
    import pyarrow as pa
    from pydantic import BaseModel

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


def repair_order_arrow_schema(model: type[BaseModel] | None = None) -> pa.Schema:
    """The RO as nested Parquet, derived from the models (``model``: exporters.models.RepairOrder).

    Strings, enums and datetimes are strings (the contract's text); money, hours, quantities and
    rates exact decimals of their format's ``StoredDecimal``; whole numbers 64-bit unless marked
    ``StoredInt``; nested models structs, lists of them lists of structs. Every column is nullable.
    """
    import pyarrow as pa

    if model is None:
        from exporters.models import RepairOrder as model
    return pa.schema(_arrow_fields(model))


def _arrow_fields(model: type[BaseModel]) -> list[pa.Field]:
    import pyarrow as pa

    return [
        pa.field(name, _arrow_type(field.annotation, field.metadata, f"{model.__name__}.{name}"))
        for name, field in model.model_fields.items()
    ]


def _arrow_type(annotation: Any, metadata: list[Any], where: str) -> pa.DataType:
    import pyarrow as pa
    from pydantic import BaseModel

    from exporters.formats import StoredDecimal, StoredInt

    if get_origin(annotation) is Annotated:
        annotation, *more = get_args(annotation)
        metadata = [*metadata, *more]
    options = [option for option in get_args(annotation) if option is not NoneType]
    if get_origin(annotation) in (Union, UnionType) and len(options) == 1:
        return _arrow_type(options[0], metadata, where)
    if get_origin(annotation) is Literal and all(isinstance(value, str) for value in get_args(annotation)):
        return pa.string()
    if get_origin(annotation) is list:
        return pa.list_(_arrow_type(get_args(annotation)[0], [], where))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(_arrow_fields(annotation))
    stored = [item for item in metadata if isinstance(item, StoredDecimal | StoredInt)]
    if annotation in (str, datetime) and not stored:
        return pa.string()
    if annotation is int and all(isinstance(item, StoredInt) for item in stored):
        return pa.int64() if not stored else {32: pa.int32(), 64: pa.int64()}[stored[0].bits]
    if annotation is Decimal and len(stored) == 1 and isinstance(stored[0], StoredDecimal):
        return pa.decimal128(stored[0].precision, stored[0].scale)
    raise TypeError(f"{where}: no Parquet column for {annotation!r} with {stored}")


def _row_converter(fields: Iterable[pa.Field], where: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The row pyarrow takes for a JSON-form object of these fields: decimal strings as ``Decimal``
    (exact, no float). A key the fields lack raises ValueError: ``from_pylist`` would drop it."""
    fields = list(fields)
    names = frozenset(field.name for field in fields)
    converters = [
        (field.name, converter)
        for field in fields
        if (converter := _value_converter(field.type, f"{where}{field.name}")) is not None
    ]

    def convert(node: dict[str, Any]) -> dict[str, Any]:
        if not names.issuperset(node):
            unknown = ", ".join(f"{where}{key}" for key in node if key not in names)
            raise ValueError(f"the Parquet schema has no column for {unknown}")
        row = dict(node)
        for name, converter in converters:
            value = row.get(name)
            if value is not None:
                row[name] = converter(value)
        return row

    return convert


def _value_converter(arrow_type: pa.DataType, where: str) -> Callable[[Any], Any] | None:
    import pyarrow as pa

    if pa.types.is_decimal(arrow_type):
        return Decimal
    if pa.types.is_struct(arrow_type):
        return _row_converter(arrow_type, f"{where}.")
    if pa.types.is_list(arrow_type):
        item = _value_converter(arrow_type.value_type, f"{where}[]")
        return None if item is None else lambda items: [item(value) for value in items]
    return None


@cache
def _arrow_form() -> tuple[pa.Schema, Callable[[dict[str, Any]], dict[str, Any]]]:
    schema = repair_order_arrow_schema()
    return schema, _row_converter(schema, "")


def ros_to_arrow_table(ros: Iterable[dict[str, Any]]) -> pa.Table:
    """ROs in the contract's JSON form as one pyarrow Table of ``repair_order_arrow_schema()``."""
    import pyarrow as pa

    schema, arrow_row = _arrow_form()
    return pa.Table.from_pylist([arrow_row(ro) for ro in ros], schema=schema)


class ParquetWriter:
    def __init__(self, dataset_dir: Path, relative_path: str, role: str = "repair_orders_parquet") -> None:
        import pyarrow.parquet as pq

        self.relative_path = relative_path
        self.role = role
        self.records = 0
        self._path = dataset_dir / relative_path
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._schema, self._arrow_row = _arrow_form()
        self._writer = pq.ParquetWriter(self._path, self._schema, compression="zstd")
        self._pending: list[dict[str, Any]] = []

    def write(self, repair_order: dict[str, Any]) -> None:
        """One RO in the contract's JSON form; a key the Parquet schema lacks raises ValueError."""
        self._pending.append(self._arrow_row(repair_order))
        self.records += 1
        if len(self._pending) >= PARQUET_ROWS_PER_GROUP:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._pending:
            self._writer.write_table(pa.Table.from_pylist(self._pending, schema=self._schema))
            self._pending = []

    def close(self) -> FileEntry:
        self._flush()
        self._writer.close()
        return FileEntry(self.relative_path, self.role, self.records, file_sha256(self._path))

    def abort(self) -> None:
        self._pending = []
        self._writer.close()
