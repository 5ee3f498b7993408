"""Narrative templates as data: loading exporters/narratives/*.yaml into compiled templates.

A template is compiled once into literal pieces and placeholder names, so rendering is a join
and the exact offset of every substituted value is known (the PII span sidecar needs them).
Files may split the content as they like: any file may hold ``concerns:``, ``notes:`` or
``mentions:``; what the exporter needs from them is checked here, naming file and key.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from world.errors import UserError

NARRATIVES_DIR = Path(__file__).parent / "narratives"
STYLES = ("full", "terse")
VEHICLE_PLACEHOLDERS = frozenset({"year", "make", "model", "odometer", "concern", "op", "part", "parts"})
SPECIAL_PLACEHOLDERS = frozenset({"campaign", "campaign_title", "campaign_description", "prior_ro"})
NOTE_PLACEHOLDERS = frozenset({"year", "make", "model", "odometer", "declined", "po", "prior_ro", "campaign"})
# PII placeholder -> entity type of the span sidecar.
PII_PLACEHOLDERS = {
    "customer_name": "PERSON",
    "third_party_name": "PERSON",
    "phone": "PHONE_NUMBER",
    "email": "EMAIL_ADDRESS",
    "address": "STREET_ADDRESS",
    "vin": "VIN",
}
NOTE_KINDS = ("waiter", "dropoff", "declined", "callback", "fleet_po", "comeback", "recall_notice")
MENTION_FIELDS = ("complaint", "cause", "notes")
# Value ranges are spelled out as texts when loaded; a wider range is surely a typo.
MAX_RANGE_VALUES = 10_000
FALLBACK_CONCERN = "generic"


@dataclass(frozen=True, slots=True)
class Template:
    pieces: tuple[tuple[str, str | None], ...]  # (literal text, placeholder after it or None)
    fields: frozenset[str]
    # The pieces as a plain "{name}" format string with literal braces escaped: ``format_map``
    # renders it in C, several times faster than joining the pieces in Python.
    format_text: str
    # No literal piece changes under upper(): then upper-casing the rendered text equals rendering
    # upper-cased values (str.upper maps character by character), without a dict per render.
    upper_literals: bool

    def render(self, values: dict[str, str]) -> str:
        return self.format_text.format_map(values)

    def render_upper(self, values: dict[str, str]) -> str:
        """The text with every substituted value upper-cased and the literal pieces as written."""
        if self.upper_literals:
            return self.format_text.format_map(values).upper()
        return self.format_text.format_map({name: values[name].upper() for name in self.fields})


@dataclass(frozen=True, slots=True)
class ValueSpec:
    """A measured value drawn per job, uniformly from ``texts``: a choice list, or an integer or
    fixed-decimal range spelled out once (a draw is then one pick, the same as ``randint``'s)."""

    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConcernNarrative:
    complaint: tuple[Template, ...]
    cause: dict[str, tuple[Template, ...]]
    correction: dict[str, tuple[Template, ...]]
    values: tuple[tuple[str, ValueSpec], ...]


@dataclass(frozen=True, slots=True)
class NarrativeLibrary:
    concerns: dict[str, ConcernNarrative]
    notes: dict[str, tuple[Template, ...]]
    mentions: dict[str, tuple[Template, ...]]


def compile_template(text: Any, where: str, allowed: frozenset[str]) -> Template:
    if not isinstance(text, str) or not text.strip():
        raise UserError(f"{where}: expected a non-empty template string, found {text!r}")
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise UserError(f"{where}: malformed template {text!r}: {error}") from None
    pieces: list[tuple[str, str | None]] = []
    for literal, name, format_spec, conversion in parsed:
        if name is not None and (format_spec or conversion or name not in allowed):
            raise UserError(
                f"{where}: unknown placeholder {{{name}}} in {text!r}; "
                f"expected one of {', '.join(sorted(allowed))}"
            )
        pieces.append((literal, name))
    format_text = "".join(
        literal.replace("{", "{{").replace("}", "}}") + (f"{{{name}}}" if name is not None else "")
        for literal, name in pieces
    )
    return Template(
        tuple(pieces),
        frozenset(name for _, name in pieces if name is not None),
        format_text,
        all(literal.upper() == literal for literal, _ in pieces),
    )


def _template_list(node: Any, where: str, allowed: frozenset[str], minimum: int) -> tuple[Template, ...]:
    if not isinstance(node, list) or len(node) < minimum:
        raise UserError(f"{where}: expected a list of at least {minimum} templates, found {node!r:.80}")
    return tuple(compile_template(text, f"{where}[{i}]", allowed) for i, text in enumerate(node))


def _value_spec(node: Any, where: str) -> ValueSpec:
    if isinstance(node, dict) and "choice" in node and isinstance(node["choice"], list) and node["choice"]:
        return ValueSpec(tuple(str(choice) for choice in node["choice"]))
    for kind in ("int", "float"):
        bounds = node.get(kind) if isinstance(node, dict) else None
        if isinstance(bounds, list) and len(bounds) == 2 and bounds[0] <= bounds[1]:
            decimals = int(node.get("decimals", 1)) if kind == "float" else 0
            scale = 10**decimals
            # Drawn as integers of the last shown decimal, so no float reaches the text.
            low, high = round(bounds[0] * scale), round(bounds[1] * scale)
            if high - low >= MAX_RANGE_VALUES:
                raise UserError(
                    f"{where}: a range of at most {MAX_RANGE_VALUES:,} values is expected, found {node!r}"
                )
            return ValueSpec(tuple(_fixed_text(value, decimals) for value in range(low, high + 1)))
    raise UserError(
        f"{where}: expected {{int: [low, high]}}, {{float: [low, high], decimals: n}} or "
        f"{{choice: [...]}}, found {node!r}"
    )


def _fixed_text(value: int, decimals: int) -> str:
    """An integer count of the last shown decimal as text: 1234 with 1 decimal -> "123.4"."""
    if not decimals:
        return str(value)
    whole, fraction = divmod(value, 10**decimals)
    return f"{whole}.{fraction:0{decimals}d}"


def _concern(node: Any, where: str) -> ConcernNarrative:
    if not isinstance(node, dict):
        raise UserError(
            f"{where}: expected a mapping with complaint, cause and correction, found {node!r:.80}"
        )
    values_node = node.get("values") or {}
    if not isinstance(values_node, dict):
        raise UserError(f"{where}.values: expected a mapping of value names, found {values_node!r:.80}")
    values = tuple(
        (str(name), _value_spec(spec, f"{where}.values.{name}")) for name, spec in values_node.items()
    )
    allowed = VEHICLE_PLACEHOLDERS | SPECIAL_PLACEHOLDERS | {name for name, _ in values}
    voiced: dict[str, dict[str, tuple[Template, ...]]] = {}
    for section in ("cause", "correction"):
        styles = node.get(section)
        if not isinstance(styles, dict):
            raise UserError(
                f"{where}.{section}: expected {{full: [...], terse: [...]}}, found {styles!r:.80}"
            )
        voiced[section] = {
            style: _template_list(styles.get(style), f"{where}.{section}.{style}", allowed, 1)
            for style in STYLES
        }
    return ConcernNarrative(
        complaint=_template_list(node.get("complaint"), f"{where}.complaint", allowed, 1),
        cause=voiced["cause"],
        correction=voiced["correction"],
        values=values,
    )


def load_library(directory: Path) -> NarrativeLibrary:
    concerns: dict[str, ConcernNarrative] = {}
    notes: dict[str, tuple[Template, ...]] = {}
    mentions: dict[str, tuple[Template, ...]] = {}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise UserError(f"{directory}: no narrative template files (*.yaml)")
    pii_allowed = frozenset(PII_PLACEHOLDERS)
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise UserError(f"{path}: cannot read narrative templates: {error}") from None
        if not isinstance(data, dict):
            raise UserError(f"{path}: expected a mapping at the top level")
        for concern_id, node in (data.get("concerns") or {}).items():
            if concern_id in concerns:
                raise UserError(f"{path}: concerns.{concern_id} is defined in more than one file")
            concerns[concern_id] = _concern(node, f"{path}: concerns.{concern_id}")
        for kind, node in (data.get("notes") or {}).items():
            notes[kind] = _template_list(node, f"{path}: notes.{kind}", NOTE_PLACEHOLDERS, 1)
        for field, node in (data.get("mentions") or {}).items():
            mentions[field] = _template_list(node, f"{path}: mentions.{field}", pii_allowed, 1)
    missing = (
        ([f"concerns.{FALLBACK_CONCERN}"] if FALLBACK_CONCERN not in concerns else [])
        + [f"notes.{kind}" for kind in NOTE_KINDS if kind not in notes]
        + [f"mentions.{field}" for field in MENTION_FIELDS if field not in mentions]
    )
    if missing:
        raise UserError(f"{directory}: narrative templates lack {', '.join(missing)}")
    return NarrativeLibrary(concerns, notes, mentions)


@cache
def default_library() -> NarrativeLibrary:
    return load_library(NARRATIVES_DIR)
