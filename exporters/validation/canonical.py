"""A regex, compiled from the RO's JSON Schema, that accepts a JSON line of a structurally valid RO
written the way roworld writes it: compact, keys in the models' field order.

A match proves what the structure checker (exporters.validation.structure) would check on the parsed
record: every key once and no other, JSON types, patterns, enums, non-empty texts and lists. Patterned
values contain neither quotes nor backslashes, so their raw bytes are their decoded text. A line
written any other way (spaces, another key order, escapes inside a patterned value) simply does not
match and goes to the structure checker, which also says what is wrong: the regex only ever
accepts. It exists because one C-level pass over the bytes costs about half of checking the parsed
dict field by field, and the exporter and the validator both do it for every RO.
"""

from __future__ import annotations

import re
from typing import Any

# A JSON string's content, unrolled so that plain characters run in one tight loop.
_JSON_TEXT = r'[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*'
# The same in valid JSON without any backslash: there every quote delimits a string and no string holds
# a control character, so "anything but a quote" is exact, and re scans a single excluded byte about
# ten times faster than a character class.
_PLAIN_JSON_TEXT = r'[^"]*'
_JSON_INTEGER = r"-?(?:0|[1-9][0-9]*)"


class _PatternWriter:
    def __init__(self, schema: dict[str, Any], text: str) -> None:
        self.definitions = schema.get("$defs", {})
        self.text = text

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        return schema if ref is None else self.definitions[ref.rsplit("/", 1)[1]]

    def value(self, schema: dict[str, Any]) -> str:
        schema = self.resolve(schema)
        if "anyOf" in schema:
            options = [self.resolve(option) for option in schema["anyOf"]]
            if [option.get("type") for option in options] != ["string", "null"]:
                raise ValueError(f"unsupported anyOf: {options}")
            return f"(?:null|{self.value(options[0])})"
        json_type = schema["type"]
        if json_type == "object":
            members = (
                f'"{re.escape(key)}":{self.value(child)}' for key, child in schema["properties"].items()
            )
            return r"\{" + ",".join(members) + r"\}"
        if json_type == "array":
            item = self.value(schema["items"])
            items = f"{item}(?:,{item})*"
            return rf"\[{items}\]" if schema.get("minItems", 0) >= 1 else rf"\[(?:{items})?\]"
        if json_type == "integer":
            return _JSON_INTEGER
        if json_type != "string":
            raise ValueError(f"unsupported JSON type {json_type!r}")
        if "const" in schema:
            return f'"{re.escape(schema["const"])}"'
        if "enum" in schema:
            return '"(?:' + "|".join(re.escape(option) for option in schema["enum"]) + ')"'
        if "pattern" in schema:
            return '"(?:' + schema["pattern"].removeprefix("^").removesuffix("$") + ')"'
        non_empty = '(?!")' if schema.get("minLength", 0) >= 1 else ""
        return f'"{non_empty}{self.text}"'


class CanonicalLine:
    """``matches(line)``: whether ``line`` (valid JSON, e.g. as orjson wrote or read it; no newline) is
    a canonical line of a structurally valid RO."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.plain = re.compile(_PatternWriter(schema, _PLAIN_JSON_TEXT).value(schema).encode())
        self.escaped = re.compile(_PatternWriter(schema, _JSON_TEXT).value(schema).encode())

    def matches(self, line: bytes) -> bool:
        pattern = self.escaped if b"\\" in line else self.plain
        return pattern.fullmatch(line) is not None
