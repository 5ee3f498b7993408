"""Customers as each shop records them, when every shop runs its own records (``per_shop`` identity).

A shop gives a person its own ``customer_uuid`` the first time it sees them, and the advisor types
the record once: a nickname or the full first name, a middle initial or not, now and then a typo,
a work email instead of the personal one, the apartment number left out; a fleet account gets the
spelling the shop's system was set up with. The record is then kept, so its name never changes
(the contract's D5 holds per ``customer_uuid``); when the person later changes phone number, a
record that is not updated keeps the old one. Every draw of a record comes from its own stream,
``("shop-record", shop_id, <person key>)`` of the shard, and every per-person draw (middle initial,
apartment) from ``("person", <person key>)``, so a record never depends on the order of visits.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from world.errors import UserError
from world.identity import COMPANY_PLACES
from world.seeding import Seeds
from world.visit import Address, CustomerSnapshot, ShopRecordTruth

CATALOG_FILE = Path(__file__).parent / "catalog" / "identity.yaml"
LEGAL_FORMS = ("LLC", "Inc.", "Co.", "Group", "Corp.")
UNIT_WORDS = ("Apt", "Unit", "#")
MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"


class _Rate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float = Field(ge=0, le=1)
    source: str


class RecordingHabits(BaseModel):
    """``world/catalog/identity.yaml``: nicknames and how often advisors type each variation."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    nicknames: dict[str, tuple[str, ...]]
    nickname_share: _Rate
    middle_initial_share: _Rate
    work_email_share: _Rate
    apartment_share: _Rate
    apartment_omitted: _Rate
    contact_not_updated: _Rate
    account_name_styles: dict[str, float]
    abbreviations: dict[str, str]


@cache
def recording_habits() -> RecordingHabits:
    try:
        return RecordingHabits.model_validate(yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as error:
        raise UserError(f"{CATALOG_FILE}: cannot load the identity catalog: {error}") from None


def typo(word: str, rnd: random.Random) -> str:
    """One keyboard slip in ``word``, never at its first letter: letters swapped, dropped or doubled."""
    if len(word) < 3:
        return word + word[-1]
    at = 1 + rnd.randrange(len(word) - 2)
    slip = rnd.randrange(3)
    if slip == 0 and word[at] != word[at + 1]:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if slip == 1:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


def account_name(name: str, style: str, abbreviations: dict[str, str]) -> str:
    """A fleet account's name as a shop's system spells it."""
    if style == "as_given":
        return name
    if style == "upper_case":
        return name.upper()
    words = [word for word in name.split() if word not in LEGAL_FORMS]
    if style == "no_legal_form":
        return " ".join(words)
    return " ".join(abbreviations.get(word, word) for word in words).upper()


@dataclass(slots=True)
class _Record:
    snapshot: CustomerSnapshot
    person_id: str | None
    account_id: str | None
    variations: list[str]
    updates_contact: bool
    drop_apartment: bool
    apartment: str | None
    known_phone: str  # the person's phone when the shop last heard it
    exported: bool = False


class ShopRecords:
    """Every shop's records of one shard, made on first sight and kept."""

    def __init__(self, seeds: Seeds, typo_rate: float) -> None:
        self._seeds = seeds
        self._typo_rate = typo_rate
        self._habits = recording_habits()
        self._records: dict[tuple[str, int], _Record] = {}

    def snapshot(
        self, shop_id: str, person_key: int, current: CustomerSnapshot, exported: bool
    ) -> CustomerSnapshot:
        """What ``shop_id``'s record says of the person whose identity is ``current`` today."""
        record = self._records.get((shop_id, person_key))
        if record is None:
            record = self._records[shop_id, person_key] = self._new_record(shop_id, person_key, current)
        elif current.phone != record.known_phone:
            record.known_phone = current.phone
            if record.updates_contact:
                record.snapshot = replace(record.snapshot, phone=current.phone)
            elif "old_phone" not in record.variations:
                record.variations.append("old_phone")
        if record.snapshot.address.line1 != self._line1(current.address, record):
            record.snapshot = replace(record.snapshot, address=self._address(current.address, record))
        record.exported = record.exported or exported
        return record.snapshot

    def truth(self) -> tuple[ShopRecordTruth, ...]:
        """The records that appear on exported ROs, by customer_uuid."""
        rows = [
            ShopRecordTruth(
                customer_uuid=record.snapshot.customer_uuid,
                shop_id=shop_id,
                kind=record.snapshot.kind,
                person_id=record.person_id,
                account_id=record.account_id,
                name=record.snapshot.name,
                apartment=record.apartment,
                variations=tuple(sorted(record.variations)),
            )
            for (shop_id, _), record in self._records.items()
            if record.exported
        ]
        return tuple(sorted(rows, key=lambda row: row.customer_uuid))

    def _new_record(self, shop_id: str, person_key: int, current: CustomerSnapshot) -> _Record:
        habits = self._habits
        rnd = random.Random(self._seeds.integer("shop-record", shop_id, *_words(person_key)))
        person = random.Random(self._seeds.integer("person", *_words(person_key)))
        customer_uuid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        variations: list[str] = []
        apartment = None
        if current.kind == "individual":
            name, email = self._typed_person(current, rnd, person, variations)
            if person.random() < habits.apartment_share.value:
                apartment = f"{UNIT_WORDS[person.randrange(len(UNIT_WORDS))]} {1 + person.randrange(40)}"
        else:
            styles = habits.account_name_styles
            style = rnd.choices(tuple(styles), weights=tuple(styles.values()))[0]
            name, email = account_name(current.name, style, habits.abbreviations), current.email
            if name != current.name:
                variations.append(f"account_name_{style}")
        drop_apartment = apartment is not None and rnd.random() < habits.apartment_omitted.value
        if drop_apartment:
            variations.append("apartment_omitted")
        record = _Record(
            snapshot=current,
            person_id=current.customer_uuid if current.kind == "individual" else None,
            account_id=current.customer_uuid if current.kind == "fleet" else None,
            variations=variations,
            updates_contact=rnd.random() >= habits.contact_not_updated.value,
            drop_apartment=drop_apartment,
            apartment=apartment,
            known_phone=current.phone,
        )
        record.snapshot = replace(
            current,
            customer_uuid=customer_uuid,
            name=name,
            email=email,
            address=self._address(current.address, record),
        )
        return record

    def _typed_person(
        self, current: CustomerSnapshot, rnd: random.Random, person: random.Random, variations: list[str]
    ) -> tuple[str, str]:
        habits = self._habits
        first, _, last = current.name.partition(" ")
        middle = MIDDLE_INITIALS[person.randrange(len(MIDDLE_INITIALS))]
        nicknames = habits.nicknames.get(first)
        if nicknames and rnd.random() < habits.nickname_share.value:
            first = nicknames[rnd.randrange(len(nicknames))]
            variations.append("nickname")
        parts = [first]
        if rnd.random() < habits.middle_initial_share.value:
            parts.append(f"{middle}.")
            variations.append("middle_initial")
        if rnd.random() < self._typo_rate:
            last = typo(last, rnd)
            variations.append("typo")
        parts.append(last)
        email = current.email
        if rnd.random() < habits.work_email_share.value:
            employer = COMPANY_PLACES[rnd.randrange(len(COMPANY_PLACES))].lower().replace(" ", "")
            local = "".join(
                ch
                for ch in f"{parts[0]}.{current.name.partition(' ')[2]}".lower()
                if ch.isalnum() or ch == "."
            )
            email = f"{local}@{employer}.example.com"
            variations.append("work_email")
        return " ".join(parts), email

    def _line1(self, address: Address, record: _Record) -> str:
        if record.apartment is None or record.drop_apartment:
            return address.line1
        return f"{address.line1} {record.apartment}"

    def _address(self, address: Address, record: _Record) -> Address:
        return replace(address, line1=self._line1(address, record))


def _words(key: int) -> tuple[int, int]:
    """A 64-bit person key as two stream-path words (path integers are 32-bit)."""
    return key >> 32, key & 0xFFFF_FFFF
