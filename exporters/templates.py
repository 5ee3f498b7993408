"""Narrative templates as data: loading exporters/narratives/*.yaml into compiled templates.

A template is compiled once into literal pieces and placeholder names, so rendering is a join
and the exact offset of every substituted value is known (the PII span sidecar needs them).
Files may split the content as they like: any file may hold ``concerns:``, ``notes:``,
``mentions:`` or one of the SECTIONS (voices, writing style...); what the exporter needs from them
is checked here, naming file and key.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from world.errors import UserError

NARRATIVES_DIR = Path(__file__).parent / "narratives"
# Placeholders any narrative text may name; a template naming one the job or visit does not fill is
# left out of that job's choices (no {part} on a job without parts, no {milestone} off its window).
VEHICLE_PLACEHOLDERS = frozenset({"year", "make", "model", "odometer", "concern", "op", "part", "parts"})
PART_FACT_PLACEHOLDERS = frozenset({"grade", "quarts", "plugs", "refrigerant", "engine"})
SPECIAL_PLACEHOLDERS = frozenset(
    {"campaign", "campaign_title", "campaign_description", "prior_ro", "milestone"}
)
NOTE_PLACEHOLDERS = VEHICLE_PLACEHOLDERS | frozenset(
    {"declined", "po", "prior_ro", "campaign", "time_in", "promised", "quoted"}
)
# PII placeholder -> entity type of the span sidecar.
PII_PLACEHOLDERS = {
    "customer_name": "PERSON",
    "third_party_name": "PERSON",
    "phone": "PHONE_NUMBER",
    "email": "EMAIL_ADDRESS",
    "address": "STREET_ADDRESS",
    "vin": "VIN",
}
NOTE_KINDS = (
    "waiter",
    "dropoff",
    "towed",
    "declined",
    "callback",
    "fleet_po",
    "comeback",
    "comeback_uncited",
    "recall_notice",
)
MENTION_FIELDS = ("complaint", "cause", "notes")
VOICES = ("private_owner", "fleet_driver", "fleet_manager", "used_car_manager", "warranty_clerk")
OWNERS = ("private_owner", "fleet", "used_car_manager")
JOB_KINDS = ("maintenance", "failure", "recall", "comeback", "inspection", "reconditioning")
VOICE_SLOTS = ("opener", "since", "tried", "want", "back", "cite")
CONCERN_SLOTS = ("when", "tried", "request", "context", "cause", "measure", "repair", "verify")
# The grammar and writing sections the exporter needs once each, from whichever file holds them.
SECTIONS = (
    "voices",
    "checks",
    "verify_more",
    "shares",
    "disabling_symptoms",
    "milestones",
    "style",
    "abbreviations",
)
SHARES = ("when", "since", "tried", "want", "context", "check", "measure", "verify_more", "towed")
# Value ranges are spelled out as texts when loaded; a wider range is surely a typo.
MAX_RANGE_VALUES = 10_000
FALLBACK_CONCERN = "generic"


class Facts(NamedTuple):
    """What a condition may ask of a visit and job: known before the text is written. The visit's
    facts come first and the job's last (from ``pay``), so a job's facts are the visit's plus three."""

    shop_kind: str
    owner: str  # one of OWNERS
    opened: int  # minutes after local midnight
    closed: int
    same_day: bool
    waiter: bool
    cylinders: int  # the build spec's engine
    banks: int  # 2 on V and flat engines
    year: int  # the vehicle's model year
    tpms: bool  # the build spec's equipment
    drivetrain: str
    transmission: str
    recall: bool  # the visit has a recall job
    pay: str  # the job's pay type ("" for notes)
    symptom: str  # the job's catalog symptom key without its component ("" if none, and for notes)
    disabling: bool  # the job's symptom disables the car (for notes: some job's does)


JOB_FACTS = Facts._fields.index("pay")


@dataclass(frozen=True, slots=True)
class Condition:
    shops: frozenset[str] | None = None
    not_shops: frozenset[str] | None = None
    owners: frozenset[str] | None = None
    pays: frozenset[str] | None = None
    symptoms: frozenset[str] | None = None
    opened_before: int | None = None
    opened_after: int | None = None
    closed_by: int | None = None
    closed_after: int | None = None
    same_day: bool | None = None
    waiter: bool | None = None
    disabling: bool | None = None
    cylinders_min: int | None = None
    banks: int | None = None
    year_min: int | None = None
    tpms: bool | None = None
    drivetrains: frozenset[str] | None = None
    transmissions: frozenset[str] | None = None
    recall: bool | None = None

    # The tests of the fields this condition sets, worked out once: a condition sets one or two of
    # its nineteen fields and is tested a score of times per RO.
    _tests: tuple[Callable[[Facts], bool], ...] = dataclasses.field(
        default=(), init=False, repr=False, compare=False
    )
    # The names of the fields it sets (read again by every choice set the condition is in).
    _set: tuple[str, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = tuple(
            spec.name
            for spec in dataclasses.fields(self)
            if spec.init and getattr(self, spec.name) is not None
        )
        object.__setattr__(self, "_set", names)
        # a field without a test: KeyError
        object.__setattr__(self, "_tests", tuple(_FACT_TESTS[name](getattr(self, name)) for name in names))

    def holds(self, facts: Facts) -> bool:
        for test in self._tests:
            if not test(facts):
                return False
        return True

    def reads(self) -> frozenset[str]:
        """The facts whose values decide this condition."""
        return frozenset(fact for name in self._set for fact in _FACTS_READ[name])

    def cuts(self) -> tuple[tuple[str, int], ...]:
        """(fact, cut) for each threshold it tests: the condition depends on that number only through
        whether it is below the cut (``closed_by: 12:00`` holds up to 12:00 inclusive: a cut at 12:01)."""
        cuts = []
        for name in self._set:
            if name in _THRESHOLDS:
                fact, offset = _THRESHOLDS[name]
                cuts.append((fact, getattr(self, name) + offset))
        return tuple(cuts)


# Per Condition field, the test of its value against a job's facts.
_FACT_TESTS: dict[str, Callable[[Any], Callable[[Facts], bool]]] = {
    "shops": lambda kinds: lambda facts: facts.shop_kind in kinds,
    "not_shops": lambda kinds: lambda facts: facts.shop_kind not in kinds,
    "owners": lambda owners: lambda facts: facts.owner in owners,
    "pays": lambda pays: lambda facts: facts.pay in pays,
    "symptoms": lambda symptoms: lambda facts: facts.symptom in symptoms,
    "opened_before": lambda minute: lambda facts: facts.opened < minute,
    "opened_after": lambda minute: lambda facts: facts.opened >= minute,
    "closed_by": lambda minute: lambda facts: facts.same_day and facts.closed <= minute,
    "closed_after": lambda minute: lambda facts: not facts.same_day or facts.closed >= minute,
    "same_day": lambda flag: lambda facts: facts.same_day == flag,
    "waiter": lambda flag: lambda facts: facts.waiter == flag,
    "disabling": lambda flag: lambda facts: facts.disabling == flag,
    "cylinders_min": lambda count: lambda facts: facts.cylinders >= count,
    "banks": lambda count: lambda facts: facts.banks == count,
    "year_min": lambda year: lambda facts: facts.year >= year,
    "tpms": lambda flag: lambda facts: facts.tpms == flag,
    "drivetrains": lambda kinds: lambda facts: facts.drivetrain in kinds,
    "transmissions": lambda kinds: lambda facts: facts.transmission in kinds,
    "recall": lambda flag: lambda facts: facts.recall == flag,
}
# Per Condition field, the facts its test reads.
_FACTS_READ = {name: (name,) for name in Facts._fields} | {
    "shops": ("shop_kind",),
    "not_shops": ("shop_kind",),
    "owners": ("owner",),
    "pays": ("pay",),
    "symptoms": ("symptom",),
    "opened_before": ("opened",),
    "opened_after": ("opened",),
    "closed_by": ("same_day", "closed"),
    "closed_after": ("same_day", "closed"),
    "cylinders_min": ("cylinders",),
    "year_min": ("year",),
    "drivetrains": ("drivetrain",),
    "transmissions": ("transmission",),
}
# The threshold tests: the number each compares and what to add to the field's value for the cut
# below which the test goes one way (opened < m, closed <= m, cylinders >= n, year >= y...).
_THRESHOLDS = {
    "opened_before": ("opened", 0),
    "opened_after": ("opened", 0),
    "closed_by": ("closed", 1),
    "closed_after": ("closed", 0),
    "cylinders_min": ("cylinders", 0),
    "year_min": ("year", 0),
}


@dataclass(frozen=True, slots=True)
class Template:
    pieces: tuple[tuple[str, str | None], ...]  # (literal text, placeholder after it or None)
    fields: frozenset[str]
    # The pieces as a plain "{name}" format string with literal braces escaped: ``format_map``
    # renders it in C, several times faster than joining the pieces in Python.
    format_text: str


def format_text(pieces: tuple[tuple[str, str | None], ...]) -> str:
    """The pieces as a ``str.format`` string: literal braces escaped, placeholders as {name}."""
    return "".join(
        literal.replace("{", "{{").replace("}", "}}") + (f"{{{name}}}" if name is not None else "")
        for literal, name in pieces
    )


def template_from_pieces(pieces: tuple[tuple[str, str | None], ...]) -> Template:
    return Template(pieces, frozenset(name for _, name in pieces if name is not None), format_text(pieces))


@dataclass(frozen=True, slots=True)
class Phrase:
    """A template written only where its condition holds (``when`` None: anywhere)."""

    template: Template
    when: Condition | None


Slot = tuple[Phrase, ...]


@dataclass(frozen=True, slots=True)
class ValueSpec:
    """A measured value drawn per job, uniformly from ``texts`` (a choice list, or an integer or
    fixed-decimal range spelled out once: a draw is then one pick, the same as ``randint``'s), plus
    the ``conditional`` choices whose condition holds (a P0306 only on a six-cylinder engine)."""

    texts: tuple[str, ...]
    conditional: tuple[tuple[str, Condition], ...] = ()


@dataclass(frozen=True, slots=True)
class ConcernNarrative:
    symptoms: dict[str, Slot]  # by the catalog's symptom key (the part after the component's)
    slots: dict[str, Slot]  # CONCERN_SLOTS: when, tried, request, context, cause, measure, repair, verify
    values: tuple[tuple[str, ValueSpec], ...]


@dataclass(frozen=True, slots=True)
class WritingRules:
    caps_shop_share: float
    shorthand_upper_share: float
    full_abbreviation_uses: float
    typo_sigma: float
    drop_articles_share: float
    separators: tuple[str, ...]
    abbreviation_uses: float
    abbreviations: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class NarrativeLibrary:
    concerns: dict[str, ConcernNarrative]
    voices: dict[tuple[str, str], dict[str, Slot]]  # (voice, job kind) -> VOICE_SLOTS
    checks: dict[str, Slot]  # job kind -> the cause's optional first step
    verify_more: dict[str, Slot]  # job kind -> the correction's optional last step
    shares: dict[str, float]
    disabling_symptoms: frozenset[str]
    notes: dict[str, tuple[Slot, ...]]
    milestones: tuple[int, tuple[int, ...]]  # window in miles, the milestones
    writing: WritingRules
    mentions: dict[str, tuple[Template, ...]]

    def conditions(self) -> Iterator[Condition]:
        """Every condition of a phrase or a value choice in the library."""
        slots = [
            *(slot for voice in self.voices.values() for slot in voice.values()),
            *self.checks.values(),
            *self.verify_more.values(),
            *(slot for slots in self.notes.values() for slot in slots),
        ]
        for concern in self.concerns.values():
            slots += [*concern.symptoms.values(), *concern.slots.values()]
            yield from (when for _, spec in concern.values for _, when in spec.conditional)
        yield from (phrase.when for slot in slots for phrase in slot if phrase.when is not None)


def compile_template(text: Any, where: str, allowed: frozenset[str], allow_empty: bool = False) -> Template:
    if not isinstance(text, str) or not (text.strip() or (allow_empty and text == "")):
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
    return template_from_pieces(tuple(pieces))


def _template_list(node: Any, where: str, allowed: frozenset[str], minimum: int) -> tuple[Template, ...]:
    if not isinstance(node, list) or len(node) < minimum:
        raise UserError(f"{where}: expected a list of at least {minimum} templates, found {node!r:.80}")
    return tuple(compile_template(text, f"{where}[{i}]", allowed) for i, text in enumerate(node))


def _clock(value: Any, where: str) -> int:
    """ "HH:MM" -> minutes after midnight."""
    if isinstance(value, str) and len(value) == 5 and value[2] == ":" and value.replace(":", "").isdigit():
        hours, minutes = int(value[:2]), int(value[3:])
        if hours < 24 and minutes < 60:
            return hours * 60 + minutes
    raise UserError(f'{where}: expected a time of day as "HH:MM", found {value!r}')


CONDITION_SETS = {
    "shop": "shops",
    "not_shop": "not_shops",
    "owner": "owners",
    "pay": "pays",
    "symptom": "symptoms",
    "drivetrain": "drivetrains",
    "transmission": "transmissions",
}
CONDITION_CLOCKS = ("opened_before", "opened_after", "closed_by", "closed_after")
CONDITION_FLAGS = ("same_day", "waiter", "disabling", "tpms", "recall")
CONDITION_COUNTS = ("cylinders_min", "banks", "year_min")


def _condition(node: Any, where: str) -> Condition:
    known = (*CONDITION_SETS, *CONDITION_CLOCKS, *CONDITION_FLAGS, *CONDITION_COUNTS)
    if not isinstance(node, dict) or not node or set(node) - set(known):
        raise UserError(f"{where}: expected a mapping of conditions ({', '.join(known)}), found {node!r:.80}")
    fields: dict[str, Any] = {}
    for key, value in node.items():
        if key in CONDITION_SETS:
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise UserError(f"{where}.{key}: expected a list of names, found {value!r:.80}")
            fields[CONDITION_SETS[key]] = frozenset(value)
        elif key in CONDITION_CLOCKS:
            fields[key] = _clock(value, f"{where}.{key}")
        elif key in CONDITION_FLAGS:
            if not isinstance(value, bool):
                raise UserError(f"{where}.{key}: expected true or false, found {value!r}")
            fields[key] = value
        elif not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise UserError(f"{where}.{key}: expected a positive integer, found {value!r}")
        else:
            fields[key] = value
    return Condition(**fields)


def _phrase(node: Any, where: str, allowed: frozenset[str], allow_empty: bool) -> Phrase:
    if isinstance(node, dict):
        if set(node) != {"text", "when"}:
            raise UserError(f"{where}: expected {{text: ..., when: {{...}}}}, found {node!r:.80}")
        return Phrase(
            compile_template(node["text"], f"{where}.text", allowed, allow_empty),
            _condition(node["when"], f"{where}.when"),
        )
    return Phrase(compile_template(node, where, allowed, allow_empty), None)


def _slot(node: Any, where: str, allowed: frozenset[str], allow_empty: bool = False) -> Slot:
    if node is None:
        return ()
    if not isinstance(node, list):
        raise UserError(f"{where}: expected a list of phrases, found {node!r:.80}")
    return tuple(_phrase(item, f"{where}[{i}]", allowed, allow_empty) for i, item in enumerate(node))


def _value_spec(node: Any, where: str) -> ValueSpec:
    if isinstance(node, dict) and "choice" in node and isinstance(node["choice"], list) and node["choice"]:
        plain: list[str] = []
        conditional: list[tuple[str, Condition]] = []
        for i, choice in enumerate(node["choice"]):
            if isinstance(choice, dict):
                phrase = _phrase(choice, f"{where}.choice[{i}]", frozenset(), False)
                conditional.append((phrase.template.format_text, phrase.when))
            else:
                plain.append(str(choice))
        return ValueSpec(tuple(plain), tuple(conditional))
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
    known = {"values", "symptoms", *CONCERN_SLOTS}
    if not isinstance(node, dict) or set(node) - known:
        raise UserError(f"{where}: expected a mapping of {', '.join(sorted(known))}, found {node!r:.80}")
    values_node = node.get("values") or {}
    if not isinstance(values_node, dict):
        raise UserError(f"{where}.values: expected a mapping of value names, found {values_node!r:.80}")
    values = tuple(
        (str(name), _value_spec(spec, f"{where}.values.{name}")) for name, spec in values_node.items()
    )
    allowed = (
        VEHICLE_PLACEHOLDERS | PART_FACT_PLACEHOLDERS | SPECIAL_PLACEHOLDERS | {name for name, _ in values}
    )
    symptoms_node = node.get("symptoms") or {}
    if not isinstance(symptoms_node, dict):
        raise UserError(f"{where}.symptoms: expected a mapping of symptom keys, found {symptoms_node!r:.80}")
    symptoms = {
        str(key): _slot(phrases, f"{where}.symptoms.{key}", allowed) for key, phrases in symptoms_node.items()
    }
    slots = {name: _slot(node.get(name), f"{where}.{name}", allowed) for name in CONCERN_SLOTS}
    for required in ("cause", "repair", "verify"):
        if not slots[required]:
            raise UserError(f"{where}.{required}: expected at least one phrase")
    if not symptoms and not slots["request"] and not where.endswith("comeback"):
        raise UserError(f"{where}: expected symptoms (failures) or request (other work)")
    return ConcernNarrative(symptoms, slots, values)


def _share(node: Any, where: str) -> float:
    if isinstance(node, (int, float)) and not isinstance(node, bool) and 0 <= node <= 1:
        return float(node)
    raise UserError(f"{where}: expected a share from 0 to 1, found {node!r}")


def _voices(node: Any, where: str) -> dict[tuple[str, str], dict[str, Slot]]:
    """Every (voice, job kind) a job can have, resolved once: a voice without a kind speaks it as
    the private owner does."""
    if not isinstance(node, dict) or set(node) - set(VOICES) or "private_owner" not in node:
        raise UserError(f"{where}: expected a mapping of voices ({', '.join(VOICES)}), found {node!r:.80}")
    allowed = VEHICLE_PLACEHOLDERS | SPECIAL_PLACEHOLDERS
    parsed: dict[tuple[str, str], dict[str, Slot]] = {}
    for voice, kinds in node.items():
        if not isinstance(kinds, dict) or set(kinds) - set(JOB_KINDS):
            raise UserError(f"{where}.{voice}: expected a mapping of job kinds ({', '.join(JOB_KINDS)})")
        for kind, slots in kinds.items():
            if not isinstance(slots, dict) or set(slots) - set(VOICE_SLOTS) or "opener" not in slots:
                raise UserError(
                    f"{where}.{voice}.{kind}: expected opener and any of {', '.join(VOICE_SLOTS)}"
                )
            parsed[voice, kind] = {
                slot: _slot(slots.get(slot), f"{where}.{voice}.{kind}.{slot}", allowed, allow_empty=True)
                for slot in VOICE_SLOTS
            }
    missing = [
        kind for kind in JOB_KINDS if ("private_owner", kind) not in parsed and kind != "reconditioning"
    ]
    missing += ["failure"] if ("private_owner", "failure") not in parsed else []
    if missing:
        raise UserError(f"{where}.private_owner: lacks {', '.join(dict.fromkeys(missing))}")
    fallback_kind = {"comeback": "failure", "reconditioning": "maintenance"}
    for voice in VOICES:
        for kind in JOB_KINDS:
            if (voice, kind) not in parsed:
                parsed[voice, kind] = parsed.get((voice, fallback_kind.get(kind, kind))) or parsed.get(
                    ("private_owner", kind), parsed["private_owner", fallback_kind.get(kind, kind)]
                )
    return parsed


def _by_kind(node: Any, where: str) -> dict[str, Slot]:
    if not isinstance(node, dict) or set(node) - set(JOB_KINDS):
        raise UserError(f"{where}: expected a mapping of job kinds ({', '.join(JOB_KINDS)})")
    return {kind: _slot(node.get(kind), f"{where}.{kind}", VEHICLE_PLACEHOLDERS) for kind in JOB_KINDS}


def _notes(node: Any, where: str) -> dict[str, tuple[Slot, ...]]:
    notes: dict[str, tuple[Slot, ...]] = {}
    for kind, slots in node.items():
        if not isinstance(slots, list) or not slots or not all(isinstance(slot, list) for slot in slots):
            raise UserError(f"{where}.{kind}: expected a list of slots, each a list of phrases")
        notes[kind] = tuple(
            _slot(slot, f"{where}.{kind}[{i}]", NOTE_PLACEHOLDERS, allow_empty=True)
            for i, slot in enumerate(slots)
        )
    return notes


def _milestones(node: Any, where: str) -> tuple[int, tuple[int, ...]]:
    window, miles = (node.get("window_miles"), node.get("miles")) if isinstance(node, dict) else (None, None)
    if not isinstance(window, int) or window <= 0 or not isinstance(miles, list) or not miles:
        raise UserError(f"{where}: expected window_miles (a positive integer) and miles (a list)")
    if not all(isinstance(mile, int) and mile > window for mile in miles) or miles != sorted(set(miles)):
        raise UserError(
            f"{where}.miles: expected increasing integers above window_miles, found {miles!r:.80}"
        )
    return window, tuple(miles)


def _writing(style: Any, abbreviations: Any, where: str) -> WritingRules:
    if not isinstance(style, dict) or not isinstance(abbreviations, dict):
        raise UserError(f"{where}: expected style and abbreviations mappings")
    separators = style.get("separators")
    if (
        not isinstance(separators, list)
        or not separators
        or not all(isinstance(s, str) and s for s in separators)
    ):
        raise UserError(f"{where}: style.separators: expected a list of non-empty strings")
    sigma = style.get("typo_sigma")
    if not isinstance(sigma, (int, float)) or isinstance(sigma, bool) or not 0 <= sigma <= 3:
        raise UserError(f"{where}: style.typo_sigma: expected a number from 0 to 3, found {sigma!r}")
    words = abbreviations.get("words")
    if not isinstance(words, dict) or not all(
        isinstance(spellings, list) and spellings and all(isinstance(s, str) and s for s in spellings)
        for spellings in words.values()
    ):
        raise UserError(f"{where}: abbreviations.words: expected phrase: [spellings] pairs")
    return WritingRules(
        caps_shop_share=_share(style.get("caps_shop_share"), f"{where}: style.caps_shop_share"),
        shorthand_upper_share=_share(
            style.get("shorthand_upper_share"), f"{where}: style.shorthand_upper_share"
        ),
        full_abbreviation_uses=_share(
            style.get("full_abbreviation_uses"), f"{where}: style.full_abbreviation_uses"
        ),
        typo_sigma=float(sigma),
        drop_articles_share=_share(style.get("drop_articles_share"), f"{where}: style.drop_articles_share"),
        separators=tuple(separators),
        abbreviation_uses=_share(abbreviations.get("uses"), f"{where}: abbreviations.uses"),
        abbreviations={str(phrase).lower(): tuple(spellings) for phrase, spellings in words.items()},
    )


def load_library(directory: Path) -> NarrativeLibrary:
    concerns: dict[str, ConcernNarrative] = {}
    notes: dict[str, tuple[Slot, ...]] = {}
    mentions: dict[str, tuple[Template, ...]] = {}
    sections: dict[str, tuple[Path, Any]] = {}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise UserError(f"{directory}: no narrative template files (*.yaml)")
    pii_allowed = frozenset(PII_PLACEHOLDERS)
    for path in files:
        try:
            # libyaml's safe loader, as for the catalog: pure-Python parsing cost ~0.3 s a shard
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        except (OSError, yaml.YAMLError) as error:
            raise UserError(f"{path}: cannot read narrative templates: {error}") from None
        if not isinstance(data, dict):
            raise UserError(f"{path}: expected a mapping at the top level")
        for concern_id, node in (data.get("concerns") or {}).items():
            if concern_id in concerns:
                raise UserError(f"{path}: concerns.{concern_id} is defined in more than one file")
            concerns[concern_id] = _concern(node, f"{path}: concerns.{concern_id}")
        notes.update(_notes(data.get("notes") or {}, f"{path}: notes"))
        for field, node in (data.get("mentions") or {}).items():
            mentions[field] = _template_list(node, f"{path}: mentions.{field}", pii_allowed, 1)
        for section in SECTIONS:
            if section in data:
                if section in sections:
                    raise UserError(f"{path}: {section} is defined in more than one file")
                sections[section] = (path, data[section])
    missing = (
        ([f"concerns.{FALLBACK_CONCERN}"] if FALLBACK_CONCERN not in concerns else [])
        + [f"notes.{kind}" for kind in NOTE_KINDS if kind not in notes]
        + [f"mentions.{field}" for field in MENTION_FIELDS if field not in mentions]
        + [section for section in SECTIONS if section not in sections]
    )
    if missing:
        raise UserError(f"{directory}: narrative templates lack {', '.join(missing)}")

    def where(section: str) -> str:
        return f"{sections[section][0]}: {section}"

    shares_node = sections["shares"][1]
    if not isinstance(shares_node, dict) or set(shares_node) != set(SHARES):
        raise UserError(f"{where('shares')}: expected exactly {', '.join(SHARES)}")
    disabling = sections["disabling_symptoms"][1]
    if not isinstance(disabling, list) or not all(isinstance(item, str) for item in disabling):
        raise UserError(f"{where('disabling_symptoms')}: expected a list of symptom keys")
    return NarrativeLibrary(
        concerns=concerns,
        voices=_voices(sections["voices"][1], where("voices")),
        checks=_by_kind(sections["checks"][1], where("checks")),
        verify_more=_by_kind(sections["verify_more"][1], where("verify_more")),
        shares={name: _share(value, f"{where('shares')}.{name}") for name, value in shares_node.items()},
        disabling_symptoms=frozenset(disabling),
        notes=notes,
        milestones=_milestones(sections["milestones"][1], where("milestones")),
        writing=_writing(sections["style"][1], sections["abbreviations"][1], str(sections["style"][0])),
        mentions=mentions,
    )


@cache
def default_library() -> NarrativeLibrary:
    return load_library(NARRATIVES_DIR)
