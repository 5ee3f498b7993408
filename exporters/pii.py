"""Synthetic PII in narratives, on purpose and fully labelled.

At ``narrative_pii_rate`` a narrative field gets one sentence from the ``mentions`` templates: the
customer's name, phone (written the ways people write them), email, address line or VIN, or a
third party who exists only in the narrative (a spouse, a driver). Every substituted value is
recorded as a span with exact character offsets into the final field text; a PII value never
enters a narrative any other way.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from exporters.templates import PII_PLACEHOLDERS, NarrativeLibrary
from world.identity import FIRST_NAMES, LAST_NAMES
from world.visit import Visit

PHONE_FORMATS = ("({area}) {exchange}-{line}", "{area}.{exchange}.{line}", "{area}-{exchange}-{line}")


class Span(NamedTuple):
    field: str  # "jobs[1].complaint", "notes"
    start: int
    end: int
    entity_type: str
    entity_value: str


def phone_spellings(e164: str) -> tuple[str, ...]:
    """The ways a +1 number is written in a narrative: (614) 555-0142, 614.555.0142, 614-555-0142."""
    area, exchange, line = e164[2:5], e164[5:8], e164[8:12]
    return tuple(form.format(area=area, exchange=exchange, line=line) for form in PHONE_FORMATS)


class Mentioner:
    def __init__(self, library: NarrativeLibrary, rate: float) -> None:
        self._mentions = library.mentions
        self._rate = rate

    def pii_value(self, name: str, visit: Visit, rnd: random.Random) -> str:
        customer = visit.customer
        if name == "customer_name":
            return customer.contact_name or customer.name
        if name == "third_party_name":
            return f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}"
        if name == "phone":
            spellings = phone_spellings(customer.phone)
            return rnd.choice(spellings)
        if name == "email":
            return customer.email
        if name == "address":
            return customer.address.line1
        return visit.vehicle.vin

    def maybe_mention(
        self, text: str, kind: str, field: str, visit: Visit, rnd: random.Random, spans: list[Span]
    ) -> str:
        """``text``, with one PII sentence appended at the configured rate; its spans go to ``spans``."""
        if self._rate <= 0 or rnd.random() >= self._rate:
            return text
        templates = self._mentions[kind]
        template = rnd.choice(templates)
        pieces = [text, " "] if text else []
        offset = len(text) + 1 if text else 0
        values: dict[str, str] = {}
        for literal, name in template.pieces:
            pieces.append(literal)
            offset += len(literal)
            if name is None:
                continue
            # One value per placeholder per sentence: "call Dana Whitfield ... ask for Dana Whitfield".
            value = values.get(name)
            if value is None:
                value = values[name] = self.pii_value(name, visit, rnd)
            pieces.append(value)
            spans.append(Span(field, offset, offset + len(value), PII_PLACEHOLDERS[name], value))
            offset += len(value)
        return "".join(pieces)
