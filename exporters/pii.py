"""Synthetic PII in narratives, on purpose and fully labelled.

At ``narrative_pii_rate`` a narrative field gets one sentence that mentions PII. With composed
sentences (``export.pii_variants``, the default) the sentence is about one subject: the customer
(or a fleet's contact person), a third party who is on no structured field (a spouse, a fleet
driver, a tow driver, a neighbour, with their own fictional name, phone, email and address), or the
vehicle; each value is written in a surface form drawn by the scenario's weights
(``exporters.pii_surface``), and a sentence of look-alikes that are not PII (decoys) may follow.
Stock sentences (the ``easy`` preset) are the one-line mentions of the customer's own values.
Every value is recorded as a span with exact character offsets into the final field text, its
variant and its subject; a PII value never enters a narrative any other way.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from operator import itemgetter
from typing import Any, NamedTuple

from faker.providers.person.en_US import Provider as PersonVocabulary

from exporters.config import PiiVariants
from exporters.pii_phrasing import (
    DECOY_PLACEHOLDERS,
    PiiPhrasing,
    default_phrasing,
)
from exporters.pii_surface import (
    Surface,
    address_surface,
    email_surface,
    person_surface,
    phone_surface,
    street_name,
    vin_surface,
)
from exporters.templates import (
    PII_PLACEHOLDERS,
    Facts,
    NarrativeLibrary,
    Template,
)
from world.identity import EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, STREET_SUFFIXES, STREET_TREES
from world.shop_records import recording_habits
from world.visit import Visit

DECOY_TYPES = dict.fromkeys(DECOY_PLACEHOLDERS, "DECOY")
ENTITY_TYPES = {"name": "PERSON", "whose": "PERSON", "phone": "PHONE_NUMBER", "email": "EMAIL_ADDRESS"}
ENTITY_TYPES |= {"address": "STREET_ADDRESS", "vin": "VIN"}
MALE_NAMES = frozenset(PersonVocabulary.first_names_male)
FEMALE_NAMES = frozenset(PersonVocabulary.first_names_female)
# Decoy look-alikes: makes that are also surnames, toll-free shop lines (555-01xx, fiction's range,
# never dashed as "555-01xx" so no local-number mention hides in one).
DECOY_MAKES = ("Ford", "Lincoln", "Dodge", "Mercury", "Chevy", "Jeep", "Buick")
TOLL_FREE_FORMS = ("{code}.555.01{line:02d}", "({code}) 555 01{line:02d}", "1 {code} 555 01{line:02d}")
TOLL_FREE_CODES = ("800", "888", "877")
NEWTON_METRES_PER_FOOT_POUND = 1.3558
LINES = tuple(range(100))  # the 555-01xx lines of fiction


# A value as written: its surface, its variant ("phone:dotted") and its subject ("third_party").
Written = tuple[Surface, str, str]


class Span(NamedTuple):
    field: str  # "jobs[1].complaint", "notes"
    start: int
    end: int
    entity_type: str
    entity_value: str
    variant: str  # "phone:dotted", "person:first_only": how the value is written
    subject: str  # whose value: customer, contact, vehicle or third_party


@dataclass(frozen=True, slots=True)
class Person:
    """Someone a sentence names, with what each surface form needs."""

    name: str
    subject: str
    nickname: str  # "" when the first name has none
    title: str  # "Mr." or "Ms.", "" when the first name does not say
    word_name: bool  # the first name is also a word (Rose, Mark)


@dataclass(frozen=True, slots=True)
class Contact:
    """Whose phone, email and address a sentence gives."""

    phone: str  # E.164
    email: str
    line1: str
    locality: str  # "Springfield, OH 43210"
    subject: str
    unit: str = ""  # only third parties' places get a unit or a corner
    cross_street: str = ""


# A chosen sentence: its template, the entity type of each placeholder, and what fills them.
Sentence = tuple[Template, dict[str, str], Callable[[str], Written | str]]


def person(name: str, subject: str, word_names: frozenset[str]) -> Person:
    first = name.split()[0]
    nicknames = recording_habits().nicknames.get(first, ())
    title = "Mr." if first in MALE_NAMES and first not in FEMALE_NAMES else ""
    title = "Ms." if first in FEMALE_NAMES and first not in MALE_NAMES else title
    return Person(name, subject, nicknames[0] if nicknames else "", title, first in word_names)


def _weighted(weights: dict[str, float], rnd: random.Random, applies: frozenset[str] = frozenset()) -> str:
    """A variant by weight among those that ``applies`` allows (all when empty); the canonical
    form (``full``, ``street``) when none of the weighted ones applies to the value."""
    names, cum_weights = _weighted_table(tuple(weights.items()), applies)
    if not names:
        return "full" if "full" in applies else "street"
    # rnd.choices(names, cum_weights=cum_weights)[0], its one draw and bisection without its checks
    return names[bisect(cum_weights, rnd.random() * (cum_weights[-1] + 0.0), 0, len(names) - 1)]


@cache
def _weighted_table(
    weights: tuple[tuple[str, float], ...], applies: frozenset[str]
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The variants ``_weighted`` draws from and their cumulative weights (a few tables per run)."""
    names = tuple(name for name, weight in weights if weight > 0 and (not applies or name in applies))
    by_name = dict(weights)
    return names, tuple(accumulate(by_name[name] for name in names))


class Mentioner:
    def __init__(
        self,
        library: NarrativeLibrary,
        rate: float,
        variants: PiiVariants | None = None,
    ) -> None:
        self._mentions = library.mentions
        self._rate = rate
        self._variants = variants or PiiVariants()
        self._phrasing = default_phrasing()
        self._word_names = frozenset(self._phrasing.word_names)
        self._decoys_without_parts = tuple(t for t in self._phrasing.decoys if "part" not in t.fields)
        # The composed sentences true of a field, per section, kind and the facts their conditions
        # read (and the shop kind, so that the getter always gives a tuple)
        reads = {
            fact
            for by_kind in self._phrasing.sentences.values()
            for phrases in by_kind.values()
            for phrase in phrases
            if phrase.when is not None
            for fact in phrase.when.reads()
        }
        self._reads = itemgetter(*sorted(Facts._fields.index(fact) for fact in reads), 0)
        self._true: dict[tuple[str, str, tuple[Any, ...]], tuple[Template, ...]] = {}

    def maybe_mention(
        self,
        text: str,
        kind: str,
        field: str,
        visit: Visit,
        facts: Facts,
        rnd: random.Random,
        spans: list[Span],
        decoys: list[Span] | None = None,
    ) -> str:
        """``text``, with one PII sentence appended at the configured rate; its spans go to ``spans``
        and, when ``decoys`` is given, the look-alikes it wrote to ``decoys`` (entity type "DECOY").
        A composed sentence is one whose condition holds of ``facts`` (the field's job, or the visit
        for notes), as the narrative's phrases are."""
        if self._rate <= 0 or rnd.random() >= self._rate:
            return text
        variants = self._variants
        pieces = [text, " "] if text else []
        offset = len(text) + 1 if text else 0
        if variants.sentences == "stock":
            template, types, value_of = self._stock_sentence(kind, visit, rnd)
        else:
            template, types, value_of = self._composed_sentence(kind, visit, facts, rnd)
        offset = _write(template, types, value_of, field, spans, pieces, offset)
        if variants.decoy_rate > 0 and rnd.random() < variants.decoy_rate:
            pieces.append(" ")
            self._decoy_sentence(field, visit, rnd, decoys, pieces, offset + 1)
        return "".join(pieces)

    def _stock_sentence(self, kind: str, visit: Visit, rnd: random.Random) -> Sentence:
        customer = self._customer(visit)
        contact = self._customer_contact(visit)

        def value_of(name: str) -> Written:
            if name == "customer_name":
                return self._name(customer, rnd)
            if name == "third_party_name":
                return self._name(self._third_party(visit, rnd)[0], rnd)
            if name == "vin":
                variant = _weighted(self._variants.vin, rnd)
                return vin_surface(visit.vehicle.vin, variant), f"vin:{variant}", "vehicle"
            return self._contact_value(name, contact, rnd)

        return rnd.choice(self._mentions[kind]), PII_PLACEHOLDERS, value_of

    def _composed_sentence(self, kind: str, visit: Visit, facts: Facts, rnd: random.Random) -> Sentence:
        phrasing = self._phrasing
        if rnd.random() < self._variants.third_party_share:
            section = "third_party"
            subject, contact = self._third_party(visit, rnd)
        else:
            section = "customer" if rnd.random() < _own_share(phrasing, kind) else "vehicle"
            subject, contact = self._customer(visit), self._customer_contact(visit)

        def value_of(name: str) -> Written | str:
            if name == "role":
                return rnd.choice(self._roles(facts.owner, subject.title))
            return self._composed_value(name, subject, contact, visit, rnd)

        key = (section, kind, self._reads(facts))
        true = self._true.get(key)
        if true is None:
            true = self._true[key] = tuple(
                phrase.template
                for phrase in phrasing.sentences[section][kind]
                if phrase.when is None or phrase.when.holds(facts)
            )
        return rnd.choice(true), ENTITY_TYPES, value_of

    def _roles(self, owner: str, title: str) -> tuple[str, ...]:
        """What a third party can be to a customer: a fleet's or a used-car department's staff, a
        private customer's people."""
        roles = self._phrasing.roles
        if owner != "private_owner":
            return roles[owner]
        gendered = {"Ms.": roles["individual_female"], "Mr.": roles["individual_male"]}.get(title, ())
        return roles["individual"] + gendered

    def _composed_value(
        self, name: str, subject: Person, contact: Contact, visit: Visit, rnd: random.Random
    ) -> Written:
        if name == "name":
            return self._name(subject, rnd)
        if name == "whose":
            surface, _, who = self._name(subject, rnd)
            return Surface(surface.before, surface.value, "'s"), "person:possessive", who
        if name == "vin":
            variant = _weighted(self._variants.vin, rnd)
            surface = vin_surface(visit.vehicle.vin, variant)
            cue = rnd.choice(self._phrasing.vin_cues[variant])
            return Surface(cue + surface.before, surface.value, surface.after), f"vin:{variant}", "vehicle"
        return self._contact_value(name, contact, rnd)

    def _name(self, who: Person, rnd: random.Random) -> Written:
        applies = {"full", "first_only", "initial_last", "lower", "upper"}
        if who.title:
            applies.add("title_last")
        if who.nickname:
            applies.add("nickname")
        if who.word_name:
            applies.add("word_name")
        variant = _weighted(self._variants.person, rnd, frozenset(applies))
        surface = person_surface(who.name, variant, who.nickname, who.title)
        return surface, f"person:{variant}", who.subject

    def _contact_value(self, name: str, contact: Contact, rnd: random.Random) -> Written:
        variants = self._variants
        if name == "phone":
            variant = _weighted(variants.phone, rnd)
            extension = str(rnd.randrange(10, 9999)) if variant == "extension" else ""
            return phone_surface(contact.phone, variant, extension), f"phone:{variant}", contact.subject
        if name == "email":
            variant = _weighted(variants.email, rnd)
            return email_surface(contact.email, variant), f"email:{variant}", contact.subject
        places = frozenset(
            {"street", "full_line", "unit", "corner"} if contact.unit else {"street", "full_line"}
        )
        variant = _weighted(variants.address, rnd, places)
        surface = address_surface(
            contact.line1, variant, contact.locality, contact.unit, contact.cross_street
        )
        return surface, f"address:{variant}", contact.subject

    def _customer(self, visit: Visit) -> Person:
        customer = visit.customer
        if customer.contact_name:
            return person(customer.contact_name, "contact", self._word_names)
        return person(customer.name, "customer", self._word_names)

    @staticmethod
    def _customer_contact(visit: Visit) -> Contact:
        customer = visit.customer
        address = customer.address
        locality = f"{address.city}, {address.state} {address.postal_code}"
        return Contact(customer.phone, customer.email, address.line1, locality, "customer")

    def _third_party(self, visit: Visit, rnd: random.Random) -> tuple[Person, Contact]:
        """Someone not on the RO, with fictional details: a name from Faker's lists (a word name at
        the phrasing's share), a 555-01xx number under the customer's area code but never the
        customer's own line, a reserved-domain email and a street in the customer's town."""
        phrasing = self._phrasing
        if rnd.random() < phrasing.word_name_share:
            first = rnd.choice(phrasing.word_names)
        else:
            first = rnd.choice(FIRST_NAMES)
        last = rnd.choice(LAST_NAMES)
        customer = visit.customer
        own_line = int(customer.phone[10:]) if customer.phone[5:10] == "55501" else -1
        line = rnd.choice(LINES if own_line < 0 else LINES[:own_line] + LINES[own_line + 1 :])
        phone = f"{customer.phone[:5]}55501{line:02d}"
        first_word, last_word = _email_word(first), _email_word(last)
        if rnd.random() < 0.5:
            local = f"{first_word}.{last_word}"
        else:
            local = f"{first_word[0]}{last_word}{rnd.randrange(10, 100)}"
        email = f"{local}@{rnd.choice(EMAIL_DOMAINS)}"
        line1 = f"{rnd.randrange(100, 20000)} {_street_root(rnd)} {rnd.choice(STREET_SUFFIXES)}"
        cross_street = f"{_street_root(rnd)} {rnd.choice(STREET_SUFFIXES)}"
        if cross_street == street_name(line1):
            cross_street = f"{_street_root(rnd)} Avenue" if "Avenue" not in cross_street else "Main Street"
        unit = f"{rnd.choice(phrasing.units)} {rnd.randrange(1, 40)}{rnd.choice(('', '', 'A', 'B', 'C'))}"
        address = customer.address
        locality = f"{address.city}, {address.state} {address.postal_code}"
        contact = Contact(phone, email, line1, locality, "third_party", unit, cross_street)
        return person(f"{first} {last}", "third_party", self._word_names), contact

    def _decoy_sentence(
        self,
        field: str,
        visit: Visit,
        rnd: random.Random,
        decoys: list[Span] | None,
        pieces: list[str],
        offset: int,
    ) -> None:
        def value_of(name: str) -> Written:
            return Surface("", _decoy(name, visit, rnd), ""), f"decoy:{name}", ""

        has_parts = any(operation.parts for job in visit.jobs for operation in job.operations)
        templates = self._phrasing.decoys if has_parts else self._decoys_without_parts
        template = rnd.choice(templates)
        _write(template, DECOY_TYPES, value_of, field, [] if decoys is None else decoys, pieces, offset)


def _own_share(phrasing: PiiPhrasing, kind: str) -> float:
    """Among mentions of the RO's own values, the customer's share: as many as its sentences."""
    customer = len(phrasing.sentences["customer"][kind])
    return customer / (customer + len(phrasing.sentences["vehicle"][kind]))


@cache
def _email_word(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())


def _street_root(rnd: random.Random) -> str:
    return rnd.choice(STREET_TREES) if rnd.random() < 1 / 3 else rnd.choice(LAST_NAMES)


def _write(
    template: Template,
    entity_types: dict[str, str],
    value_of: Callable[[str], Written | str],
    field: str,
    spans: list[Span],
    pieces: list[str],
    offset: int,
) -> int:
    """Appends a sentence to ``pieces`` and its spans to ``spans``; returns the offset after it.
    One value per placeholder per sentence: "call Dana Whitfield ... ask for Dana Whitfield"; a
    plain string (a role word) is no PII and gets no span."""
    written: dict[str, Written | str] = {}
    for literal, name in template.pieces:
        pieces.append(literal)
        offset += len(literal)
        if name is None:
            continue
        value = written.get(name)
        if value is None:
            value = written[name] = value_of(name)
        if isinstance(value, str):
            pieces.append(value)
            offset += len(value)
        else:
            offset = _place(value, entity_types[name], field, spans, pieces, offset)
    return offset


def _place(
    written: Written,
    entity_type: str,
    field: str,
    spans: list[Span],
    pieces: list[str],
    offset: int,
) -> int:
    """Appends a written value to ``pieces`` and its span to ``spans``; returns the offset after it."""
    surface, variant, subject = written
    start = offset + len(surface.before)
    end = start + len(surface.value)
    pieces += (surface.before, surface.value, surface.after)
    spans.append(Span(field, start, end, entity_type, surface.value, variant, subject))
    return end + len(surface.after)


def _decoy(name: str, visit: Visit, rnd: random.Random) -> str:
    """A look-alike that is not PII: the visit's own RO number, part numbers, op codes and tire
    size, a DTC, a torque spec, a toll-free shop line, a make."""
    operations = [operation for job in visit.jobs for operation in job.operations]
    if name == "part":
        return rnd.choice([use.part_number for operation in operations for use in operation.parts])
    if name == "op":
        return rnd.choice(operations).op_code
    if name == "ro":
        return visit.ro_number
    if name == "dtc":
        return f"{rnd.choice('PBCU')}{rnd.choice('0123')}{rnd.randrange(1000):03d}"
    if name == "torque":
        # Lug-nut torque of cars and light trucks: 65-150 ft-lbs.
        pounds = rnd.randrange(65, 151)
        return (
            f"{round(pounds * NEWTON_METRES_PER_FOOT_POUND)} Nm"
            if rnd.random() < 0.25
            else f"{pounds} ft-lbs"
        )
    if name == "tire":
        return visit.vehicle.spec.tire_size
    if name == "shop_phone":
        form = rnd.choice(TOLL_FREE_FORMS)
        return form.format(code=rnd.choice(TOLL_FREE_CODES), line=rnd.randrange(100))
    return rnd.choice(DECOY_MAKES)
