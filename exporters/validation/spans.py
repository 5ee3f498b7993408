"""PII span rules: each span points at real text of a real RO, and an RO's structural PII never
appears in its own narratives outside a span.

Spans are read per shard (``pii_spans/part-N.jsonl`` belongs to ``repair_orders/part-N.jsonl``) and
joined to the ROs by ro_number as the RO file streams.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import msgspec
import orjson

from exporters.pii_surface import DIGIT_WORDS, ENTITY_KINDS, SPAN_VARIANTS, SUBJECTS, full_spellings
from exporters.validation.duplicates import repeated_key_violations
from exporters.validation.structs import RepairOrder, Span
from exporters.violation import Violation

ENTITY_TYPES = frozenset({"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "STREET_ADDRESS", "VIN"})
SPAN_KEYS = {
    "ro_number": str,
    "field": str,
    "start": int,
    "end": int,
    "entity_type": str,
    "entity_value": str,
}
# The contract's optional labels, for slicing redaction recall.
LABEL_KEYS = {"variant": str, "subject": str}
NARRATIVES = ("complaint", "cause", "correction")
# Separates narratives in one searchable blob; no PII value contains it.
_SEPARATOR = "\x00"
_decode_span = msgspec.json.Decoder(Span).decode


# orjson, which the detailed checks below parse with, reads integers outside this range as floats.
_JSON_INTS = range(-(2**63), 2**64)


def parse_span(line: bytes) -> tuple[Span | None, Violation | None]:
    """The span of a line and the violation it breaks: no span when that makes it unusable; a span
    (as decoded: the last of repeated keys) and an S5 violation when it repeats a key."""
    try:
        span = _decode_span(line)
    except ValueError:  # msgspec's decode and validation errors, and UnicodeDecodeError
        pass
    else:
        if span.entity_type in ENTITY_TYPES and span.start in _JSON_INTS and span.end in _JSON_INTS:
            return span, _first_repeated_key(line, span) or label_violation(span)
    return _parse_span_in_detail(line)


def _first_repeated_key(line: bytes, decoded: object) -> Violation | None:
    repeated = repeated_key_violations(line, decoded)
    return repeated[0] if repeated else None


def _parse_span_in_detail(line: bytes) -> tuple[Span | None, Violation | None]:
    try:
        span = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return None, Violation("P5-span-format", (), f"malformed JSON: {error}")
    if type(span) is not dict or not SPAN_KEYS.keys() <= span.keys() <= SPAN_KEYS.keys() | LABEL_KEYS.keys():
        found = sorted(span) if type(span) is dict else type(span).__name__
        return None, Violation(
            "P5-span-format",
            (),
            "a span is an object with the contract's six keys and optionally variant and subject",
            sorted(SPAN_KEYS),
            found,
        )
    for key, expected_type in (SPAN_KEYS | LABEL_KEYS).items():
        if key in span and type(span[key]) is not expected_type:
            return None, Violation(
                "P5-span-format",
                (key,),
                f"span {key} has the wrong type",
                expected_type.__name__,
                type(span[key]).__name__,
            )
    if span["entity_type"] not in ENTITY_TYPES:
        return None, Violation(
            "P3-span-type",
            ("entity_type",),
            "unknown entity_type",
            " | ".join(sorted(ENTITY_TYPES)),
            span["entity_type"],
        )
    decoded = msgspec.convert(span, Span)
    return decoded, _first_repeated_key(line, span) or label_violation(decoded)


def label_violation(span: Span) -> Violation | None:
    """P6: a span's variant names a form of its entity type's kind, its subject is a known one, and
    only a VIN belongs to the vehicle."""
    variant, subject = span.variant, span.subject
    if variant is not msgspec.UNSET and (
        variant not in SPAN_VARIANTS or variant.partition(":")[0] != ENTITY_KINDS[span.entity_type]
    ):
        kind = ENTITY_KINDS[span.entity_type]
        expected = " | ".join(sorted(name for name in SPAN_VARIANTS if name.startswith(f"{kind}:")))
        return Violation(
            "P6-span-label", ("variant",), f"not a variant of {span.entity_type}", expected, variant
        )
    if subject is not msgspec.UNSET and (
        subject not in SUBJECTS or (subject == "vehicle") != (span.entity_type == "VIN")
    ):
        expected = (
            "vehicle" if span.entity_type == "VIN" else " | ".join(s for s in SUBJECTS if s != "vehicle")
        )
        return Violation(
            "P6-span-label", ("subject",), f"not a subject of {span.entity_type}", expected, subject
        )
    return None


def narratives(ro: RepairOrder) -> dict[str, str]:
    """Narrative field name (as spans write it) -> text."""
    fields = {"notes": ro.notes}
    for job in ro.jobs:
        for name in NARRATIVES:
            fields[f"jobs[{job.index}].{name}"] = getattr(job, name)
    return fields


# A dataset's ROs come from far fewer customers and vehicles (fleet.yaml: 15,000 ROs of a shard,
# about 1,000 names and 1,400 VINs), and spelling a value out cost more than searching for it.
_full_spellings = lru_cache(maxsize=1 << 15)(full_spellings)


@lru_cache(maxsize=1 << 14)
def phone_spellings(e164: str) -> tuple[str, ...]:
    """The ways people write a +1 number in text: roworld's own forms (exporters.pii_surface) and
    others a writer might use, (614)555-0142, 1-614-555-0142, +1 (614) 555-0142..."""
    area, exchange, line = e164[2:5], e164[5:8], e164[8:12]
    return (
        *_full_spellings("PHONE_NUMBER", e164),
        f"({area}){exchange}-{line}",
        f"1-{area}-{exchange}-{line}",
        f"+1 {area}-{exchange}-{line}",
        f"+1 ({area}) {exchange}-{line}",
    )


def structural_pii(ro: RepairOrder, blob: str) -> Iterator[tuple[str, str]]:
    """(entity type, spelling) of the RO's own structural PII that may be in ``blob``, its joined
    narratives. Only the values that ``_mentioned`` and ``_phone_possible`` do not rule out are
    spelled out: an RO with spans mentions one or two of its values, and spelling out and searching
    the others took a tenth of its span checks (fleet.yaml)."""
    customer = ro.customer
    folded = blob.lower()
    names = (customer.name, customer.contact_name) if customer.contact_name else (customer.name,)
    for entity_type, value in (
        *(("PERSON", name) for name in names),
        ("EMAIL_ADDRESS", customer.email),
        ("STREET_ADDRESS", customer.address.line1),
        ("VIN", ro.vehicle.vin),
    ):
        if _mentioned(entity_type, value, blob, folded):
            for spelling in _full_spellings(entity_type, value):
                yield entity_type, spelling
    if _phone_possible(customer.phone, blob):
        for spelling in phone_spellings(customer.phone):
            yield "PHONE_NUMBER", spelling


def check_ro_spans(ro: RepairOrder, spans: list[tuple[int, Span]]) -> Iterable[tuple[int | None, Violation]]:
    """Violations of the spans of one RO (with the span's line) and of its unspanned PII (line None)."""
    # Most ROs have neither spans nor PII in their narratives: one search of each value settles them.
    if not spans and not _may_mention_pii(ro):
        return ()
    return _span_violations(ro, spans)


def _may_mention_pii(ro: RepairOrder) -> bool:
    """False when no structural PII value of the RO can be in a narrative in any spelling: case
    folded, none of its names, address line, VIN's last 8, email's last word before the @, nor its
    phone's last four digits (in figures or words) occurs."""
    texts = [ro.notes]
    for job in ro.jobs:
        texts += (job.complaint, job.cause, job.correction)
    blob = _SEPARATOR.join(texts)
    if _phone_possible(ro.customer.phone, blob):
        return True
    folded = blob.lower()
    customer = ro.customer
    return (
        _mentioned("PERSON", customer.name, blob, folded)
        or _mentioned("EMAIL_ADDRESS", customer.email, blob, folded)
        or _mentioned("STREET_ADDRESS", customer.address.line1, blob, folded)
        or _mentioned("VIN", ro.vehicle.vin, blob, folded)
        or (customer.contact_name is not None and _mentioned("PERSON", customer.contact_name, blob, folded))
    )


# The part of a value that every spelling of it holds, lower-cased: the search on the lower-cased
# narratives that stands for searching each spelling.
_FRAGMENTS = {
    "PERSON": str.lower,
    "EMAIL_ADDRESS": lambda email: email.partition("@")[0].rpartition(".")[2].lower(),
    "STREET_ADDRESS": str.lower,
    "VIN": lambda vin: vin[-8:].lower(),
}


def _mentioned(entity_type: str, value: str, blob: str, folded: str) -> bool:
    """Whether the narratives may hold a spelling of the value, by one search of its fragment.

    The fragment stands for the spellings when each spelling without a capital sigma holds it once
    lower-cased: lower-casing maps each character alone except a capital sigma, which depends on
    what follows, so the lower-cased narratives then hold the fragment wherever they hold a
    spelling. That is so for every ASCII value (a VIN, 17 characters by its pattern, keeps its last 8
    together when spaced), not for every other one: an upper-case spelling of "Strauß" is
    "STRAUSS", of "Işık" "IŞIK", which lower-case to neither; those values' spellings are checked.
    """
    fragment = _FRAGMENTS[entity_type](value)
    if value.isascii():
        return fragment in folded
    spellings = _full_spellings(entity_type, value)
    if all("\u03a3" not in spelling and fragment in spelling.lower() for spelling in spellings):
        return fragment in folded
    return any(spelling and spelling in blob for spelling in spellings)


def _phone_possible(phone: str, blob: str) -> bool:
    """Every spelling of a phone ends in its last four digits, in figures or in words."""
    return phone[8:] in blob or _in_words(phone[8:]) in blob


@lru_cache(maxsize=10_000)
def _in_words(digits: str) -> str:
    """ "0142" -> "zero one four two" """
    return " ".join(DIGIT_WORDS[int(digit)] for digit in digits)


def _span_violations(
    ro: RepairOrder, spans: list[tuple[int, Span]]
) -> Iterator[tuple[int | None, Violation]]:
    fields = narratives(ro)
    covered: dict[str, list[tuple[int, int]]] = {}
    for line_number, span in spans:
        text = fields.get(span.field)
        if text is None:
            yield (
                line_number,
                Violation(
                    "P1-span-target",
                    ("field",),
                    f"{ro.ro_number} has no narrative field",
                    "notes or jobs[N].complaint|cause|correction",
                    span.field,
                ),
            )
            continue
        start, end = span.start, span.end
        if not 0 <= start <= end <= len(text) or text[start:end] != span.entity_value:
            yield (
                line_number,
                Violation(
                    "P2-span-value",
                    ("entity_value",),
                    f"{span.field}[{start}:{end}]",
                    repr(span.entity_value),
                    repr(text[start:end]),
                ),
            )
            continue
        covered.setdefault(span.field, []).append((start, end))
    yield from ((None, violation) for violation in unspanned_pii(ro, fields, covered))


def unspanned_pii(
    ro: RepairOrder, fields: dict[str, str], covered: dict[str, list[tuple[int, int]]]
) -> Iterator[Violation]:
    blob = _SEPARATOR.join(fields.values())
    found = [
        (entity_type, value) for entity_type, value in structural_pii(ro, blob) if value and value in blob
    ]
    # Longest first, and one finding per place: "+1 614 555 0142" also holds "614 555 0142".
    found.sort(key=lambda item: -len(item[1]))
    reported: dict[str, list[tuple[int, int]]] = {}
    for entity_type, value in found:
        for name, text in fields.items():
            start = text.find(value)
            while start >= 0:
                end = start + len(value)
                if not any(
                    low <= start and end <= high
                    for low, high in (*covered.get(name, ()), *reported.get(name, ()))
                ):
                    reported.setdefault(name, []).append((start, end))
                    yield Violation(
                        "P4-unspanned-pii",
                        (name,),
                        f"{name} contains the customer's {entity_type} outside a span",
                        "a span covering it",
                        f"{value!r} at {start}",
                    )
                start = text.find(value, start + 1)
