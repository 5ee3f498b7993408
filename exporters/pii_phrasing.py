"""``pii.yaml``'s composed section, read and checked: the sentences per subject and field kind that
mention PII, and the words their values need (third parties' roles, VIN cues, word names, units,
decoy sentences)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from exporters.templates import NARRATIVES_DIR, Slot, Template, _slot, compile_template
from world.errors import UserError

PII_FILE = NARRATIVES_DIR / "pii.yaml"
SUBJECT_SECTIONS = ("customer", "third_party", "vehicle")
MENTION_KINDS = ("complaint", "cause", "notes")
VALUE_PLACEHOLDERS = frozenset({"name", "whose", "phone", "email", "address", "vin"})
ROLE_KINDS = ("individual", "individual_female", "individual_male", "fleet", "used_car_manager")
DECOY_PLACEHOLDERS = frozenset({"part", "ro", "op", "dtc", "torque", "tire", "shop_phone", "make"})


@dataclass(frozen=True, slots=True)
class PiiPhrasing:
    """``pii.yaml``'s composed section: sentences per subject and field, and the words values need."""

    # subject section -> field kind -> phrases, each written only where its condition holds
    sentences: dict[str, dict[str, Slot]]
    roles: dict[str, tuple[str, ...]]  # ROLE_KINDS -> what a third party is to such a customer
    vin_cues: dict[str, tuple[str, ...]]
    word_names: tuple[str, ...]
    word_name_share: float
    units: tuple[str, ...]
    decoys: tuple[Template, ...]


def _words(node: Any, where: str) -> tuple[str, ...]:
    if not isinstance(node, list) or not node or not all(isinstance(word, str) for word in node):
        raise UserError(f"{where}: expected a non-empty list of strings, found {node!r:.80}")
    return tuple(node)


def _templates(node: Any, where: str, allowed: frozenset[str]) -> tuple[Template, ...]:
    texts = _words(node, where)
    return tuple(compile_template(text, f"{where}[{i}]", allowed) for i, text in enumerate(texts))


def _sentences(node: Any, where: str, allowed: frozenset[str]) -> Slot:
    """A field's sentences; at least one without a condition, so every visit has one to write."""
    phrases = _slot(node, where, allowed)
    if not any(phrase.when is None for phrase in phrases):
        raise UserError(f"{where}: expected at least one sentence without a condition (`when`)")
    return phrases


def load_phrasing(path: Path) -> PiiPhrasing:
    try:
        # libyaml's safe loader, as for the catalog: pure-Python parsing cost ~0.3 s a shard
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    except (OSError, yaml.YAMLError) as error:
        raise UserError(f"{path}: cannot read PII phrasing: {error}") from None
    node = data.get("pii") if isinstance(data, dict) else None
    if not isinstance(node, dict):
        raise UserError(f"{path}: pii: expected a mapping of composed PII sentences")
    sentences = {}
    for section in SUBJECT_SECTIONS:
        by_kind = node.get(section)
        if not isinstance(by_kind, dict):
            raise UserError(f"{path}: pii.{section}: expected a mapping of {', '.join(MENTION_KINDS)}")
        allowed = VALUE_PLACEHOLDERS | {"role"} if section == "third_party" else VALUE_PLACEHOLDERS
        sentences[section] = {
            kind: _sentences(by_kind.get(kind), f"{path}: pii.{section}.{kind}", allowed)
            for kind in MENTION_KINDS
        }
    roles = node.get("roles")
    cues = node.get("vin_cues")
    share = node.get("word_name_share")
    if not isinstance(roles, dict) or not isinstance(cues, dict):
        raise UserError(f"{path}: pii.roles and pii.vin_cues: expected mappings")
    if not isinstance(share, int | float) or not 0 <= share <= 1:
        raise UserError(f"{path}: pii.word_name_share: expected a number from 0 to 1, found {share!r}")
    return PiiPhrasing(
        sentences=sentences,
        roles={kind: _words(roles.get(kind), f"{path}: pii.roles.{kind}") for kind in ROLE_KINDS},
        vin_cues={
            variant: _words(cues.get(variant), f"{path}: pii.vin_cues.{variant}")
            for variant in ("full", "lower", "spaced", "last8", "last6")
        },
        word_names=_words(node.get("word_names"), f"{path}: pii.word_names"),
        word_name_share=float(share),
        units=_words(node.get("units"), f"{path}: pii.units"),
        decoys=_templates(node.get("decoys"), f"{path}: pii.decoys", DECOY_PLACEHOLDERS),
    )


@cache
def default_phrasing() -> PiiPhrasing:
    return load_phrasing(PII_FILE)
