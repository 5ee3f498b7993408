"""Identities that belong to no one: names, companies, addresses, phones, emails and customer ids.

Vocabularies are Faker's en_US tables, but draws come from the caller's numpy stream, taken in
batches: Faker's own generator costs 7-18 µs per name or address (measured), ours about 1 µs, and
our draws depend only on the stream, never on Faker's global state or version of its seeding.

Privacy: emails only on the reserved example.com/.net/.org domains (RFC 2606); fictional phones are
555-0100..555-0199, the range reserved for fiction, under a real area code of the state. The opt-in
``realistic`` phone mode draws numbers libphonenumber accepts as valid, and the manifest says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import numpy as np
from faker.providers.address.en_US import Provider as AddressVocabulary
from faker.providers.person.en_US import Provider as PersonVocabulary

from world.errors import UserError
from world.visit import Address

PHONE_MODES = ("fictional", "realistic")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

FIRST_NAMES = tuple(sorted(set(PersonVocabulary.first_names_male) | set(PersonVocabulary.first_names_female)))
LAST_NAMES = tuple(PersonVocabulary.last_names)
STATE_POSTCODE_RANGES: dict[str, tuple[int, int]] = dict(AddressVocabulary.states_postcode)

# Faker's 225 USPS suffixes include rarities ("Burgs", "Bypass") that read as fake in a narrative.
STREET_SUFFIXES = (
    "Street",
    "Avenue",
    "Road",
    "Drive",
    "Lane",
    "Court",
    "Boulevard",
    "Way",
    "Place",
    "Circle",
    "Trail",
    "Parkway",
    "Terrace",
    "Ridge Road",
    "Hill Road",
)
STREET_TREES = (
    "Oak",
    "Maple",
    "Cedar",
    "Elm",
    "Pine",
    "Birch",
    "Willow",
    "Walnut",
    "Hickory",
    "Chestnut",
    "Sycamore",
    "Juniper",
    "Magnolia",
    "Aspen",
    "Spruce",
    "Poplar",
    "Laurel",
    "Dogwood",
)
CITY_PREFIXES = tuple(AddressVocabulary.city_prefixes)
CITY_SUFFIXES = tuple(AddressVocabulary.city_suffixes)
CITIES_PER_POOL = 14

COMPANY_PLACES = (
    "Harbor",
    "Summit",
    "Prairie",
    "Ridgeline",
    "Keystone",
    "Riverbend",
    "Lakeshore",
    "Granite",
    "Blue Ridge",
    "Northgate",
    "Heartland",
    "Pinecrest",
    "Tri-County",
    "Metro",
    "Iron Bridge",
    "Cardinal",
    "Frontier",
    "Gateway",
    "Silver Creek",
    "Crossroads",
    "Bayside",
    "Red Oak",
)
COMPANY_TRADES = (
    "Logistics",
    "Delivery",
    "Plumbing",
    "Electric",
    "HVAC Services",
    "Landscaping",
    "Courier",
    "Freight",
    "Home Health",
    "Property Management",
    "Rental Cars",
    "Pest Control",
    "Roofing",
    "Utility Services",
    "Medical Transport",
    "Security",
    "Catering",
    "Field Services",
)
COMPANY_SUFFIXES = ("LLC", "Inc.", "Co.", "Group", "Corp.")

# Exchange codes that are never assigned to subscribers (555 is fiction, N11 are service codes).
_RESERVED_EXCHANGES = frozenset({555} | {n * 100 + 11 for n in range(2, 10)})
# Company emails read "harbor.logistics@", not "harbor.llc@".
_LEGAL_FORM_WORDS = frozenset({"llc", "inc", "co", "corp", "group", "services"})
_DRAW_BATCH = 2048
_REALISTIC_ATTEMPTS = 64


class IdentityPool:
    """Fictional identities for the customers of one region (one state, its area codes)."""

    def __init__(
        self, rng: np.random.Generator, state: str, area_codes: Sequence[int], phone_mode: str = "fictional"
    ) -> None:
        if state not in STATE_POSTCODE_RANGES:
            raise UserError(f"identity pool: unknown state {state!r}; expected a two-letter USPS code")
        if not area_codes:
            raise UserError(f"identity pool for {state}: expected at least one area code, found none")
        bad_codes = [code for code in area_codes if not 200 <= code <= 999]
        if bad_codes:
            raise UserError(f"identity pool for {state}: area codes must be 200..999, found {bad_codes}")
        if phone_mode not in PHONE_MODES:
            raise UserError(f"identity pool: phone_mode must be one of {PHONE_MODES}, found {phone_mode!r}")
        self._rng = rng
        self._buffer: list[int] = []
        self.state = state
        self.area_codes = tuple(area_codes)
        self.phone_mode = phone_mode
        self._cities = self._draw_cities()
        # Every customer's phone and postal code is one of these few strings: each snapshot points
        # at the shared one instead of holding its own copy (about 110 bytes a snapshot).
        self._fictional_phones = {
            code: tuple(f"+1{code}55501{line:02d}" for line in range(100)) for code in self.area_codes
        }
        self._postal_codes = {
            first: tuple(f"{first + offset:05d}" for offset in range(count))
            for _, (first, count) in self._cities
        }

    def _next(self, bound: int) -> int:
        """A uniform integer in [0, bound), from batched 62-bit draws (modulo bias < 2**-40)."""
        if not self._buffer:
            self._buffer = self._rng.integers(0, 2**62, size=_DRAW_BATCH, dtype=np.int64).tolist()
            self._buffer.reverse()
        return self._buffer.pop() % bound

    def _pick(self, options: Sequence[str]) -> str:
        return options[self._next(len(options))]

    def _draw_cities(self) -> tuple[tuple[str, tuple[int, int]], ...]:
        low, high = STATE_POSTCODE_RANGES[self.state]
        cities: dict[str, tuple[int, int]] = {}
        while len(cities) < CITIES_PER_POOL:
            name = self._city_name()
            # Each town gets a block of (up to) ten postal codes inside the state's range.
            first = low + self._next(max(1, high - low - 8))
            cities.setdefault(name, (first, min(10, high - first + 1)))
        return tuple(cities.items())

    def _city_name(self) -> str:
        pattern = self._next(4)
        if pattern == 0:
            return f"{self._pick(CITY_PREFIXES)} {self._pick(FIRST_NAMES)}{self._pick(CITY_SUFFIXES)}"
        if pattern == 1:
            return f"{self._pick(CITY_PREFIXES)} {self._pick(LAST_NAMES)}"
        if pattern == 2:
            return f"{self._pick(FIRST_NAMES)}{self._pick(CITY_SUFFIXES)}"
        return f"{self._pick(LAST_NAMES)}{self._pick(CITY_SUFFIXES)}"

    def person_name(self) -> str:
        return f"{self._pick(FIRST_NAMES)} {self._pick(LAST_NAMES)}"

    def company_name(self) -> str:
        if self._next(3) == 0:
            head = f"{self._pick(LAST_NAMES)} & {self._pick(LAST_NAMES)}"
        else:
            head = self._pick(COMPANY_PLACES)
        return f"{head} {self._pick(COMPANY_TRADES)} {self._pick(COMPANY_SUFFIXES)}"

    def address(self) -> Address:
        number = 100 + self._next(19900)
        street_root = self._pick(STREET_TREES) if self._next(3) == 0 else self._pick(LAST_NAMES)
        line1 = f"{number} {street_root} {self._pick(STREET_SUFFIXES)}"
        city, (first_postal, postal_count) = self._cities[self._next(len(self._cities))]
        return Address(
            line1=line1,
            city=city,
            state=self.state,
            postal_code=self._postal_codes[first_postal][self._next(postal_count)],
        )

    def phone(self) -> str:
        area_code = self.area_codes[self._next(len(self.area_codes))]
        if self.phone_mode == "fictional":
            return self._fictional_phones[area_code][self._next(100)]
        return self._realistic_phone(area_code)

    def _realistic_phone(self, area_code: int) -> str:
        import phonenumbers  # optional extra: only scenarios that opt in to realistic values need it

        for _ in range(_REALISTIC_ATTEMPTS):
            exchange = 200 + self._next(800)
            if exchange in _RESERVED_EXCHANGES:
                continue
            number = f"+1{area_code}{exchange}{self._next(10000):04d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number, None)):
                return number
        raise UserError(
            f"identity pool for {self.state}: area code {area_code} yields no valid "
            f"phone number; check the region's area_codes"
        )

    def email(self, name: str) -> str:
        words = ["".join(ch for ch in word.lower() if ch.isascii() and ch.isalnum()) for word in name.split()]
        words = [word for word in words if word and word not in _LEGAL_FORM_WORDS] or ["contact"]
        first, last = words[0], words[-1]
        style = self._next(5)
        if style == 0:
            local = f"{first}.{last}"
        elif style == 1:
            local = f"{first[0]}{last}"
        elif style == 2:
            local = f"{first}{last[0]}{self._next(90) + 10}"
        elif style == 3:
            local = f"{first}_{last}{self._next(9000) + 1000}"
        else:
            local = f"{last}.{first}{self._next(100):02d}"
        return f"{local}@{self._pick(EMAIL_DOMAINS)}"

    def customer_uuid(self) -> str:
        raw = self._next(2**62) << 66 | self._next(2**62) << 4 | self._next(16)
        return str(uuid.UUID(int=raw, version=4))
