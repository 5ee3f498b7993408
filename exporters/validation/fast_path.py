"""The fast check of one RO line: decode into Structs in C, check the value formats, run the record rules.

``clean_ro(line)`` returns the decoded RO when the line breaks no structural, format or record rule,
i.e. exactly when the detailed checks (``orjson.loads``, exporters.validation.structure, then the
record rules) would report nothing, and None otherwise; it never says what is wrong. The validator
and the exporter call it first on every line and run the detailed checks only on a None, to report
each broken rule with its precise id.

msgspec checks keys, JSON types, enums and non-empty texts and lists while it decodes
(exporters.validation.structs). The patterns of the schema are checked without running a regex per
value, which would cost more than the decode: numbers are read by the record rules through the
parse tables of exporters.formats, which refuse malformed text; the VIN's pattern is part of rule
R11; values unique per RO (the RO number, the datetimes) go through one regex together; every other
patterned value (identifiers, codes) recurs across a dataset and is looked up in remembered verdicts.
Which values those are is read from the committed JSON Schema, like the Structs.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterator
from typing import Any

import msgspec

from exporters.formats import (
    DATETIME_PATTERN,
    HOURS_PATTERN,
    MONEY_PATTERN,
    QUANTITY_PATTERN,
    RO_NUMBER_PATTERN,
    TAX_RATE_PATTERN,
    MatchingValues,
)
from exporters.rules import ro_violations
from exporters.validation.structs import RepairOrder
from exporters.validation.structure import committed_schema
from exporters.validation.verdict import record_is_clean
from world.vin import VIN_PATTERN

_decode = msgspec.json.Decoder(RepairOrder).decode

# Formats the record rules read (money, hours, quantities, tax rates through the parse tables of
# exporters.formats) or check themselves (the VIN, rule R11): the fast path leaves them to the rules.
_CHECKED_BY_RULES = frozenset({MONEY_PATTERN, HOURS_PATTERN, QUANTITY_PATTERN, TAX_RATE_PATTERN, VIN_PATTERN})
# Formats whose values are unique per RO: remembering their verdicts would only fill the tables.
_UNIQUE_PER_RO = frozenset({RO_NUMBER_PATTERN, DATETIME_PATTERN})


def patterned_leaves(schema: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], tuple[str, ...], str, bool]]:
    """(path to a list of objects or (), path from there to the value, pattern, nullable) of every
    patterned string of the schema, in the schema's order. Lists nest only at the top level."""
    definitions = schema.get("$defs", {})

    def resolved(node: dict[str, Any]) -> dict[str, Any]:
        return definitions[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node

    def walk(node: dict[str, Any], path: tuple[str, ...], list_path: tuple[str, ...]):
        node = resolved(node)
        if node.get("type") == "object":
            for key, child in node["properties"].items():
                yield from walk(child, (*path, key), list_path)
        elif node.get("type") == "array":
            if list_path:
                raise ValueError(f"the fast path reads lists at the top level only; {path} is nested")
            yield from walk(node["items"], (), path)
        else:
            options = [resolved(option) for option in node.get("anyOf", [node])]
            for option in options:
                if "pattern" in option:
                    nullable = any(other.get("type") == "null" for other in options)
                    yield list_path, path, option["pattern"], nullable

    yield from walk(schema, (), ())


def _attribute(path: tuple[str, ...], of: str) -> str:
    """``of.a.b`` for the path ("a", "b"): source text, so each key must be a plain name."""
    for key in path:
        if not key.isidentifier() or keyword.iskeyword(key):
            raise ValueError(f"the fast path reads keys that are Python names; found {key!r}")
    return ".".join((of, *path))


def compile_identifier_check(schema: dict[str, Any]) -> Callable[[RepairOrder], bool]:
    """The check of every patterned value the rules do not read, as one function of the decoded RO.

    Written as Python source with one table lookup per value and compiled once (as
    exporters.validation.structure does), because it runs on every RO: a generic walk over the
    leaves costs about as much again as the inlined lookups.
    """
    unique_values: list[str] = []
    unique_patterns: list[str] = []
    namespace: dict[str, Any] = {}
    table_names: dict[str, str] = {}  # pattern -> its table of remembered verdicts in ``namespace``
    top: list[str] = []
    per_line: dict[tuple[str, ...], list[str]] = {}
    for list_path, path, pattern, nullable in patterned_leaves(schema):
        if pattern in _CHECKED_BY_RULES:
            continue
        if pattern in _UNIQUE_PER_RO and not list_path and not nullable:
            unique_values.append(f"{{{_attribute(path, 'ro')}}}")
            unique_patterns.append(pattern.removeprefix("^").removesuffix("$"))
            continue
        table = table_names.get(pattern)
        if table is None:
            table = table_names[pattern] = f"verdicts_{len(table_names)}"
            namespace[table] = MatchingValues(pattern)
        value = _attribute(path, "line" if list_path else "ro")
        lookup = f"({value} is None or {table}[{value}])" if nullable else f"{table}[{value}]"
        (per_line.setdefault(list_path, []) if list_path else top).append(lookup)
    # The unique values joined by spaces: no contract pattern admits a space, so the spaces the
    # regex requires are exactly the joins and no value can shift another.
    namespace["match_unique"] = re.compile(" ".join(unique_patterns)).fullmatch
    conditions = [f'match_unique(f"{" ".join(unique_values)}") is not None', *top] + [
        f"all([{' and '.join(lookups)} for line in {_attribute(list_path, 'ro')}])"
        for list_path, lookups in per_line.items()
    ]
    body = "\n        and ".join(conditions)
    source = f"def identifiers_match(ro):\n    return (\n        {body}\n    )\n"
    exec(compile(source, "<fast path identifier check>", "exec"), namespace)
    return namespace["identifiers_match"]


_identifiers_match = compile_identifier_check(committed_schema())
# orjson reads a JSON integer above this as a float, which the detailed checks report as S4-type;
# msgspec reads any size. Of the RO's integers only the odometers are unbounded by the record rules
# (the year has a range, indices must equal positions), and odometer_in <= odometer_out.
_MAX_JSON_INT = 2**64 - 1


def clean_ro(line: bytes) -> RepairOrder | None:
    """The RO of a line that breaks no record-level rule, else None (the detailed checks say which)."""
    try:
        ro = _decode(line)
        return (
            ro
            if _identifiers_match(ro)
            and ro.vehicle.odometer_out <= _MAX_JSON_INT
            # The lean verdict settles nearly every RO; the rules settle the rest.
            and (record_is_clean(ro) or not ro_violations(ro))
            else None
        )
    # msgspec's decode and validation errors, UnicodeDecodeError, and a number the rules could not
    # read because it is not in its contract format.
    except ValueError:
        return None
