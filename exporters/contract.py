"""The contract check of one RO in JSON form, in one pass: structure, then the record rules.

The pydantic models (exporters.models) stay the single definition of the contract; this is the
same check compiled for speed. The structure checker is generated from the models' JSON Schema
(keys, JSON types, patterns, enums, non-empty texts) and the record rules are the very functions
the models' validator calls, so a dict that passes here is one ``RepairOrder.model_validate``
accepts, and a broken one fails both with the same rule ids (tests/exporters/test_contract.py).
The exporter checks every RO it builds with it and the streaming validator every line it reads:
building a pydantic object graph per RO cost more than everything else the exporter does. Both
first try exporters.validation.fast_path on the serialized bytes, which decodes them into Structs in
C and says only whether they are clean, and check the dict field by field only when they are not.
"""

from __future__ import annotations

from typing import Any

import orjson

from exporters.json_schema import repair_order_json_schema
from exporters.models import contract_error
from exporters.rules import record_violations
from exporters.validation.fast_path import clean_ro
from exporters.validation.structure import compile_checker
from exporters.violation import Violation

check_structure = compile_checker(repair_order_json_schema())


def contract_violations(ro: Any) -> list[Violation]:
    """The structural violations of ``ro`` if any, else the record rules it breaks (empty: valid)."""
    out: list[Violation] = []
    check_structure(ro, out)
    if out:
        return out
    return record_violations(ro)


def validated_ro_json(ro: dict[str, Any]) -> bytes:
    """``ro`` as one compact JSON line body, or a ValidationError naming every rule it breaks.

    The bytes are ``orjson.dumps(ro)``, keys in ``ro``'s order: a builder that inserts keys in the
    models' field order gets exactly the models' own serialization (tested).
    """
    line = orjson.dumps(ro)
    violations = [] if clean_ro(line) is not None else contract_violations(ro)
    if violations:
        raise contract_error(violations)
    return line
