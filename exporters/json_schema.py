"""The RO's JSON Schema (draft 2020-12), generated from the models.

exporters/schema-v2.json is its committed copy; a test keeps the two equal.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from exporters.models import RepairOrder

COMMITTED_SCHEMA = Path(__file__).with_name("schema-v2.json")
DRAFT = "https://json-schema.org/draft/2020-12/schema"


@cache
def _generated() -> str:
    schema = {
        "$schema": DRAFT,
        "$id": "https://roworld.example.org/schema/repair-order-v2.json",
        **RepairOrder.model_json_schema(mode="validation"),
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def repair_order_json_schema() -> dict[str, Any]:
    """A fresh copy of the schema as a dict (callers may modify it)."""
    return json.loads(_generated())


def schema_text() -> str:
    """The schema as written to schema-v2.json: indent 2, trailing newline, keys in model order."""
    return _generated()
