"""Schema V2's structure (and a PII span line's) as msgspec Structs, for decoding lines in C.

The RO's Structs are derived at import from the models' JSON Schema as committed in
exporters/schema-v2.json (generated from exporters.models, a test keeps the two equal; reading it
spares the validator importing pydantic): one Struct per object of the schema, with its keys in
order, JSON types, required-ness, enums and non-empty texts and lists. Decoding a line into them
checks all of that in one C pass and builds slotted objects instead of dicts, about half the cost
of ``orjson.loads``. Value patterns are deliberately not declared here: msgspec would call back
into Python's ``re`` once per value, several times the cost of the whole decode;
exporters.validation.fast_path matches them in one regex per RO instead.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from exporters.validation.structure import committed_schema

_JSON_TYPES: dict[str, Any] = {"string": str, "integer": int, "boolean": bool, "number": float, "null": None}


class _Object(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
    """A closed JSON object. Decoded ROs hold no reference cycles, so the GC need not track them."""


def structs_from_schema(schema: dict[str, Any]) -> dict[str, type[_Object]]:
    """One Struct per object of a JSON Schema (pydantic's form: objects in ``$defs``, referenced by
    ``$ref``), named by its title; the root object is the last."""
    definitions = schema.get("$defs", {})
    made: dict[str, type[_Object]] = {}

    def struct_of(node: dict[str, Any]) -> type[_Object]:
        name = node["title"]
        if name not in made:
            required = set(node.get("required", ()))
            fields = [
                (key, type_of(child)) if key in required else (key, type_of(child), child.get("default"))
                for key, child in node["properties"].items()
            ]
            made[name] = msgspec.defstruct(name, fields, bases=(_Object,), module=__name__)
        return made[name]

    def type_of(node: dict[str, Any]) -> Any:
        if "$ref" in node:
            return struct_of(definitions[node["$ref"].rsplit("/", 1)[1]])
        if "anyOf" in node:
            options = tuple(type_of(option) for option in node["anyOf"])
            union = options[0]
            for option in options[1:]:
                union = union | option
            return union
        if "const" in node or "enum" in node:
            return Literal[tuple(node["enum"]) if "enum" in node else node["const"]]
        kind = node["type"]
        if kind == "object":
            return struct_of(node)
        if kind == "array":
            items = list[type_of(node["items"])]
            if "minItems" in node:
                return Annotated[items, msgspec.Meta(min_length=node["minItems"])]
            return items
        if node.get("minLength"):
            return Annotated[str, msgspec.Meta(min_length=node["minLength"])]
        return _JSON_TYPES[kind]

    struct_of(schema)
    return made


_RO_STRUCTS = structs_from_schema(committed_schema())
RepairOrder = _RO_STRUCTS["RepairOrder"]
LaborRates = _RO_STRUCTS["LaborRates"]
Shop = _RO_STRUCTS["Shop"]


class Span(_Object):
    """One line of a PII span file (exporters.validation.spans holds its rules)."""

    ro_number: str
    field: str
    start: int
    end: int
    entity_type: str
    entity_value: str
    # Optional, but a string when present (null is not absent): how the value is written,
    # "phone:dotted", and whose it is, "customer", "contact", "vehicle" or "third_party".
    variant: str | msgspec.UnsetType = msgspec.UNSET
    subject: str | msgspec.UnsetType = msgspec.UNSET


def to_struct(ro: dict[str, Any]) -> RepairOrder:
    """A structurally valid RO in JSON form (a dict as ``orjson.loads`` returns it) as Structs.

    Raises TypeError for anything else, e.g. a dict holding model instances.
    """
    try:
        return msgspec.convert(ro, RepairOrder, strict=True)
    except msgspec.ValidationError as error:
        raise TypeError(f"not the JSON form of a structurally valid RO: {error}") from None
