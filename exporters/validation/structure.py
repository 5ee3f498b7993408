"""A structural checker compiled from the models' JSON Schema, naming every structural rule a record breaks.

The schema (exporters.json_schema, committed as exporters/schema-v2.json) is the one description of
the RO's structure: keys, JSON types, patterns, enums, non-empty lists and texts. This module turns it
into Python source, one function per object type with the checks inlined, because a generic schema
walker costs several times more per record. Each function first tries one fast condition covering
the whole object and its nested single objects, and each list of flat objects one covering the whole
list; only when it fails do the per-field checks run to say what broke. (Valid lines never get here:
see exporters.validation.fast_path.) A value that fails reports the rule that exporters.formats
attaches to its pattern, or the structural rule (S2..S4, F1, F4, F22).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any

from exporters.formats import PATTERN_NAMES, PATTERN_RULES
from exporters.violation import Violation

Checker = Callable[[Any, list[Violation]], None]

_JSON_TYPES = {"string": "str", "integer": "int", "array": "list", "object": "dict"}
_CONST_RULES = {"schema_version": "F1-schema-version"}


@cache
def committed_schema() -> dict[str, Any]:
    """exporters/schema-v2.json: the models' JSON Schema (tested equal), read without importing them."""
    return json.loads(files("exporters").joinpath("schema-v2.json").read_text(encoding="utf-8"))


def display_path(loc: tuple[str | int, ...]) -> str:
    """("labor", 0, "amount") -> "labor[1].amount": positions print 1-based, like the contract's indices."""
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(record)"


def json_type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        str: "string",
        int: "integer",
        float: "number",
        bool: "boolean",
        list: "array",
        dict: "object",
    }.get(type(value), type(value).__name__)


def key_violations(
    value: dict[str, Any], keys: tuple[str, ...], loc: tuple[str | int, ...], out: list[Violation]
) -> None:
    for key in value:
        if key not in keys:
            out.append(
                Violation(
                    "S2-unknown-key",
                    (*loc, key),
                    f"{display_path((*loc, key))}: unknown key",
                    "no such key",
                    repr(key),
                )
            )
    for key in keys:
        if key not in value:
            out.append(
                Violation(
                    "S3-missing-key",
                    (*loc, key),
                    f"{display_path((*loc, key))}: missing key",
                    "present",
                    "absent",
                )
            )


def bad_value(rule: str, loc: tuple[str | int, ...], expected: str, value: Any) -> Violation:
    found = json_type_name(value) if rule == "S4-type" else repr(value)
    return Violation(rule, loc, f"{display_path(loc)}: invalid value", expected, found)


class _Compiler:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.definitions = schema.get("$defs", {})
        self.names: dict[str, Any] = {
            "Violation": Violation,
            "key_violations": key_violations,
            "bad_value": bad_value,
            "MISSING": object(),
        }
        self.functions: list[str] = []
        self.compiled: set[str] = set()

    def constant(self, value: Any) -> str:
        name = f"C{len(self.names)}"
        self.names[name] = value
        return name

    def resolve(self, schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        ref = schema.get("$ref")
        if ref is None:
            return None, schema
        name = ref.rsplit("/", 1)[1]
        return name, self.definitions[name]

    def object_function(self, name: str, schema: dict[str, Any]) -> str:
        function = f"check_{name}"
        if name in self.compiled:
            return function
        self.compiled.add(name)
        properties = schema["properties"]
        keys = tuple(properties)
        folded = self.foldable(properties)
        lines = [
            f"def {function}(value, loc, out):",
            f"    if type(value) is dict and value.keys() == {self.constant(frozenset(keys))}:",
            "        try:",
            f"            fast = {self.fast_condition(properties, folded)}",
            "        except TypeError:",
            "            fast = False",
            "    else:",
            "        fast = False",
            "    if not fast:",
            "        if type(value) is not dict:",
            "            out.append(bad_value('S4-type', loc, 'object', value))",
            "            return",
            f"        key_violations(value, {self.constant(keys)}, loc, out)",
        ]
        always = []
        for key, property_schema in properties.items():
            checks = self.value_checks(key, property_schema)
            # Leaves and folded objects are covered by the fast condition; lists are checked every time.
            covered = key in folded or not self.is_container(property_schema)
            target, indent = (lines, "        ") if covered else (always, "    ")
            target.append(f"{indent}v = value.get({key!r}, MISSING)")
            target.append(f"{indent}if v is not MISSING:")
            target.extend(f"{indent}    {line}" for line in checks)
        self.functions.append("\n".join(lines + always))
        return function

    def is_container(self, schema: dict[str, Any]) -> bool:
        _, schema = self.resolve(schema)
        return "$ref" in schema or schema.get("type") in ("object", "array")

    def foldable(self, properties: dict[str, Any]) -> set[str]:
        """Keys of nested single objects without lists anywhere below: their checks fold into the parent's."""
        folded = set()
        for key, schema in properties.items():
            name, schema = self.resolve(schema)
            if name is not None and not any(
                self.is_container(child) and key_child not in self.foldable(schema["properties"])
                for key_child, child in schema["properties"].items()
            ):
                folded.add(key)
        return folded

    def fast_condition(self, properties: dict[str, Any], folded: set[str]) -> str:
        """An expression true when every leaf of the object and of its folded objects is valid.

        It joins the leaves with a pattern with NUL and matches them with one combined regex: a single
        C-level pass instead of a call per field and per object (no pattern admits NUL, so a value
        holding one fails rather than shifting the fields). Free texts are only type-checked, never
        scanned: narratives are most of an RO's bytes. A non-string leaf makes the join raise
        TypeError, an unhashable one the enum lookup. When it is false, the per-field checks find
        what broke.
        """
        objects: list[str] = []
        strings: list[str] = []
        segments: list[str] = []
        others: list[str] = []
        self.collect_fast_parts(properties, folded, "value", objects, strings, segments, others)
        conditions = list(objects)
        if strings:
            combined = self.constant(re.compile("\x00".join(segments)))
            conditions.append(f"{combined}.fullmatch('\\x00'.join(({', '.join(strings)},))) is not None")
        return " and ".join(conditions + others) or "True"

    def collect_fast_parts(
        self,
        properties: dict[str, Any],
        folded: set[str],
        access: str,
        objects: list[str],
        strings: list[str],
        segments: list[str],
        others: list[str],
    ) -> None:
        for key, schema in properties.items():
            name, schema = self.resolve(schema)
            item = f"{access}[{key!r}]"
            if key in folded:
                nested = schema["properties"]
                objects.append(
                    f"type({item}) is dict and {item}.keys() == {self.constant(frozenset(nested))}"
                )
                self.collect_fast_parts(
                    nested, self.foldable(nested), item, objects, strings, segments, others
                )
            elif self.is_container(schema):
                continue
            elif "anyOf" in schema:
                others.append(f"({item} is None or type({item}) is str)")
            elif schema["type"] == "integer":
                others.append(f"type({item}) is int")
            elif "const" in schema:
                others.append(f"{item} == {schema['const']!r}")
            elif "enum" in schema:
                others.append(f"{item} in {self.constant(frozenset(schema['enum']))}")
            elif "pattern" in schema:
                strings.append(item)
                segments.append("(?:" + schema["pattern"].removeprefix("^").removesuffix("$") + ")")
            elif schema.get("minLength", 0) > 0:
                others.append(f"(type({item}) is str and {item} != '')")
            else:
                others.append(f"type({item}) is str")

    def value_checks(self, key: str, schema: dict[str, Any]) -> list[str]:
        """Statements checking local ``v`` (the value under ``key`` of ``value``)."""
        loc = f"(*loc, {key!r})"
        definition_name, schema = self.resolve(schema)
        if definition_name is not None:
            return [f"{self.object_function(definition_name, schema)}(v, {loc}, out)"]
        if "anyOf" in schema:
            alternatives = [self.resolve(option)[1] for option in schema["anyOf"]]
            types = [option["type"] for option in alternatives]
            if types != ["string", "null"]:
                raise ValueError(f"unsupported anyOf at {key}: {types}")
            return [
                "if v is not None and type(v) is not str:",
                f"    out.append(bad_value('S4-type', {loc}, 'string or null', v))",
            ]
        json_type = schema["type"]
        checks = [
            f"if type(v) is not {_JSON_TYPES[json_type]}:",
            f"    out.append(bad_value('S4-type', {loc}, {json_type!r}, v))",
        ]
        if "const" in schema:
            rule = _CONST_RULES.get(key, "F4-enum")
            checks += [
                f"elif v != {schema['const']!r}:",
                f"    out.append(bad_value({rule!r}, {loc}, {schema['const']!r}, v))",
            ]
        if "enum" in schema:
            checks += [
                f"elif v not in {self.constant(frozenset(schema['enum']))}:",
                f"    out.append(bad_value('F4-enum', {loc}, {' | '.join(schema['enum'])!r}, v))",
            ]
        if "pattern" in schema:
            pattern = schema["pattern"]
            checks += [
                f"elif not {self.constant(re.compile(pattern))}.fullmatch(v):",
                f"    out.append(bad_value({PATTERN_RULES[pattern]!r}, {loc}, "
                f"{PATTERN_NAMES[pattern]!r}, v))",
            ]
        if "minLength" in schema:
            checks += [
                f"elif len(v) < {schema['minLength']}:",
                f"    out.append(bad_value('F22-empty', {loc}, 'non-empty text', v))",
            ]
        if "minItems" in schema:
            checks += [
                f"elif len(v) < {schema['minItems']}:",
                f"    out.append(bad_value('F22-empty', {loc}, 'at least {schema['minItems']} item', v))",
            ]
        if json_type == "array":
            item_name, item_schema = self.resolve(schema["items"])
            if item_name is None:
                raise ValueError(f"unsupported array items at {key}")
            checks += ["else:", f"    {self.list_function(item_name, item_schema)}(v, (*loc, {key!r}), out)"]
        return checks

    def list_function(self, name: str, schema: dict[str, Any]) -> str:
        """A checker of a list of ``name`` objects. For objects made of leaves only, one condition covers
        the whole list (one regex over all items' patterned values), so a valid list costs no call per
        item; otherwise, and to say what broke, each item goes to its object function."""
        item_function = self.object_function(name, schema)
        function = f"check_list_{name}"
        lines = [f"def {function}(items, loc, out):"]
        properties = schema["properties"]
        if not any(self.is_container(child) for child in properties.values()):
            strings: list[str] = []
            segments: list[str] = []
            others: list[str] = []
            self.collect_fast_parts(properties, set(), "x", [], strings, segments, others)
            keys = self.constant(frozenset(properties))
            item_condition = " and ".join([f"type(x) is dict and x.keys() == {keys}", *others])
            conditions = [f"all({item_condition} for x in items)"]
            if strings:
                item = "\x00".join(segments)
                combined = self.constant(re.compile(f"(?:{item})(?:\x00(?:{item}))*"))
                conditions.append(
                    f"(not items or {combined}.fullmatch("
                    f"'\\x00'.join([s for x in items for s in ({', '.join(strings)},)])) is not None)"
                )
            lines += [
                "    try:",
                f"        if {' and '.join(conditions)}:",
                "            return",
                "    except TypeError:",
                "        pass",
            ]
        lines += [
            "    for position, item in enumerate(items):",
            f"        {item_function}(item, (*loc, position), out)",
        ]
        self.functions.append("\n".join(lines))
        return function


def compile_checker(schema: dict[str, Any]) -> Checker:
    """A function ``check(record, out)`` appending a Violation to ``out`` for each structural problem."""
    compiler = _Compiler(schema)
    root = compiler.object_function("Root", schema)
    namespace = dict(compiler.names)
    exec(compile("\n\n".join(compiler.functions), "<structure checker>", "exec"), namespace)
    check_root = namespace[root]

    def check(record: Any, out: list[Violation]) -> None:
        check_root(record, (), out)

    return check
