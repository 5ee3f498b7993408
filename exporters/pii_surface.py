"""How a PII value is written in a narrative: the surface variants a span's ``variant`` names.

Pure functions of a canonical value (an E.164 phone, an email, a name, an address line, a VIN),
shared by the generator (``exporters.pii``) and the validator (``exporters.validation.spans``), so
the validator still imports nothing of the world. A rendering is a ``Surface``: the span covers
``value`` only; ``before`` and ``after`` are what people write around a value without it being
part of it — an honorific (``Ms. `` before ``person:title_last``), a possessive ``'s``
(``person:possessive``), the angle brackets of ``email:angle``, the words ``the corner of``
before ``address:corner``.
"""

from __future__ import annotations

from typing import NamedTuple

SUBJECTS = ("customer", "contact", "vehicle", "third_party")
# kind -> variant names; a span's variant is "<kind>:<name>". The first name of each kind is the
# full, canonical form.
VARIANTS: dict[str, tuple[str, ...]] = {
    "phone": ("parens", "dashed", "dotted", "spaced", "digits", "plus_one", "extension", "local", "words"),
    "email": ("plain", "upper", "spelled", "bracketed", "angle"),
    "person": (
        "full",
        "first_only",
        "title_last",
        "initial_last",
        "lower",
        "upper",
        "possessive",
        "nickname",
        "word_name",
    ),
    "address": ("street", "full_line", "unit", "corner"),
    "vin": ("full", "lower", "spaced", "last8", "last6"),
}
ENTITY_KINDS = {
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "PERSON": "person",
    "STREET_ADDRESS": "address",
    "VIN": "vin",
}
SPAN_VARIANTS = frozenset(f"{kind}:{name}" for kind, names in VARIANTS.items() for name in names)
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class Surface(NamedTuple):
    before: str
    value: str  # what the span covers
    after: str


def _plain(value: str) -> Surface:
    return Surface("", value, "")


# How each phone variant lays out a +1 number's area code, exchange and line ("words" spells it).
PHONE_FORMS = {
    "parens": "({area}) {exchange}-{line}",
    "dashed": "{area}-{exchange}-{line}",
    "dotted": "{area}.{exchange}.{line}",
    "spaced": "{area} {exchange} {line}",
    "digits": "{area}{exchange}{line}",
    "plus_one": "+1 {area} {exchange} {line}",
    "extension": "{area} {exchange} {line} x{extension}",
    "local": "{exchange}-{line}",
}


def phone_surface(e164: str, variant: str, extension: str = "") -> Surface:
    """A +1 number as written: (614) 555-0142, 614-555-0142, 555-0142, six one four five five..."""
    if variant == "words":
        return _plain(" ".join(DIGIT_WORDS[int(digit)] for digit in e164[2:]))
    form = PHONE_FORMS.get(variant)
    if form is None:
        raise ValueError(f"unknown phone variant {variant!r}")
    return _plain(form.format(area=e164[2:5], exchange=e164[5:8], line=e164[8:12], extension=extension))


def email_surface(email: str, variant: str) -> Surface:
    """An email as written: plain, upper case, ``jdoe at example dot com``, ``jdoe[at]example.org``,
    or in angle brackets."""
    if variant == "plain":
        return _plain(email)
    if variant == "upper":
        return _plain(email.upper())
    local, _, domain = email.partition("@")
    if variant == "spelled":
        return _plain(f"{local.replace('.', ' dot ')} at {domain.replace('.', ' dot ')}")
    if variant == "bracketed":
        return _plain(f"{local}[at]{domain}")
    if variant == "angle":
        return Surface("<", email, ">")
    raise ValueError(f"unknown email variant {variant!r}")


def person_surface(name: str, variant: str, nickname: str = "", title: str = "") -> Surface:
    """A person's name as written; ``nickname`` (Bill for William) and ``title`` (Mr., Ms.) where known."""
    words = name.split()
    first, last = words[0], words[-1]
    if variant == "full":
        return _plain(name)
    if variant in ("first_only", "word_name"):
        return _plain(first)
    if variant == "title_last":
        return Surface(f"{title} ", last, "")
    if variant == "initial_last":
        return _plain(f"{first[0]}. {last}")
    if variant == "lower":
        return _plain(name.lower())
    if variant == "upper":
        return _plain(name.upper())
    if variant == "possessive":
        return Surface("", first, "'s")
    if variant == "nickname":
        return _plain(nickname)
    raise ValueError(f"unknown person variant {variant!r}")


def street_name(line1: str) -> str:
    """The street of an address line: "1234 Oak Street" -> "Oak Street"."""
    number, _, street = line1.partition(" ")
    return street if number.isdigit() else line1


def address_surface(
    line1: str, variant: str, locality: str = "", unit: str = "", cross_street: str = ""
) -> Surface:
    """An address as written: the street line, the full line with ``locality`` ("Springfield, OH
    43210"), with a ``unit``, or the ``corner of`` its street and ``cross_street`` (both in the span)."""
    if variant == "street":
        return _plain(line1)
    if variant == "full_line":
        return _plain(f"{line1}, {locality}")
    if variant == "unit":
        return _plain(f"{line1} {unit}")
    if variant == "corner":
        return Surface("the corner of ", f"{street_name(line1)} and {cross_street}", "")
    raise ValueError(f"unknown address variant {variant!r}")


def vin_surface(vin: str, variant: str) -> Surface:
    """A VIN as written: whole, lower case, in WMI / VDS / VIS groups, or its last 8 or 6 characters."""
    if variant == "full":
        return _plain(vin)
    if variant == "lower":
        return _plain(vin.lower())
    if variant == "spaced":
        return _plain(f"{vin[:3]} {vin[3:9]} {vin[9:]}")
    if variant == "last8":
        return _plain(vin[-8:])
    if variant == "last6":
        return _plain(vin[-6:])
    raise ValueError(f"unknown vin variant {variant!r}")


def full_spellings(entity_type: str, value: str) -> tuple[str, ...]:
    """Every complete spelling of a canonical value that a narrative may carry, for finding it
    unspanned: the partial forms (a first name, a local number, the last 8 of a VIN) are left out,
    since a context-free search for them would hit unrelated text."""
    if entity_type == "PHONE_NUMBER":
        names = ("parens", "dashed", "dotted", "spaced", "digits", "plus_one", "words")
        return (value, *(phone_surface(value, name).value for name in names))
    if entity_type == "EMAIL_ADDRESS":
        return tuple(email_surface(value, name).value for name in ("plain", "upper", "spelled", "bracketed"))
    if entity_type == "PERSON":
        return tuple(dict.fromkeys(person_surface(value, name).value for name in ("full", "lower", "upper")))
    if entity_type == "VIN":
        return tuple(vin_surface(value, name).value for name in ("full", "lower", "spaced"))
    return (value,)
