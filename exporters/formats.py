"""The contract's value formats: one pattern per format, exact fixed-point parsing, Decimal field types.

Each pattern here is the single definition of its format: the pydantic models validate with it,
the JSON Schema publishes it, and the streaming validator compiles its checker from that schema.
Money, hours, quantity and tax rate parse to exact integers (cents, tenths, hundredths,
ten-thousandths) for the rules, and to ``Decimal`` for the models; ``str()`` of such a Decimal is
exactly the contract string it came from (the writers below never print leading zeros, which
``Decimal`` would drop), so serialization never reformats a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from world.vin import VIN_PATTERN

if TYPE_CHECKING:
    # At run time pydantic is imported only when the models build their schemas: the validator,
    # which reads this module's patterns and parsers, does not need it.
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import core_schema

MONEY_PATTERN = r"^[0-9]+\.[0-9]{2}$"
HOURS_PATTERN = r"^[0-9]+\.[0-9]$"
QUANTITY_PATTERN = r"^[0-9]+(\.[0-9]{1,2})?$"
TAX_RATE_PATTERN = r"^0\.[0-9]{4}$"
# RFC 3339 with a numeric offset and whole seconds; "Z" is refused because the offset must be
# the shop's local one, which the contract writes as +HH:MM / -HH:MM.
DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$"
RO_NUMBER_PATTERN = r"^[A-Z]{2}[0-9]{3}-[0-9]{6}$"
SHOP_ID_PATTERN = r"^[A-Z]{2}[0-9]{3}$"
ADVISOR_ID_PATTERN = r"^[A-Z]{2}[0-9]{3}-A[0-9]{2}$"
TECHNICIAN_ID_PATTERN = r"^[A-Z]{2}[0-9]{3}-T[0-9]{2}$"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
PHONE_PATTERN = r"^\+1[2-9][0-9]{2}[2-9][0-9]{6}$"
STATE_PATTERN = r"^[A-Z]{2}$"
POSTAL_CODE_PATTERN = r"^[0-9]{5}$"
OP_CODE_PATTERN = r"^[A-Z0-9]{2,6}-[A-Z0-9]{2,8}$"

# The rule a value breaks when it does not match the pattern.
PATTERN_RULES = {
    MONEY_PATTERN: "F6-money",
    HOURS_PATTERN: "F7-hours",
    QUANTITY_PATTERN: "F8-quantity",
    TAX_RATE_PATTERN: "F9-tax-rate",
    DATETIME_PATTERN: "F10-datetime",
    RO_NUMBER_PATTERN: "F2-ro-number",
    SHOP_ID_PATTERN: "F3-shop-id",
    ADVISOR_ID_PATTERN: "F14-advisor-id",
    TECHNICIAN_ID_PATTERN: "F15-technician-id",
    UUID_PATTERN: "F16-uuid",
    PHONE_PATTERN: "F17-phone",
    STATE_PATTERN: "F18-address",
    POSTAL_CODE_PATTERN: "F18-address",
    OP_CODE_PATTERN: "F21-op-code",
    VIN_PATTERN: "R11-vin",
}
PATTERN_NAMES = {
    MONEY_PATTERN: "money with two decimals",
    HOURS_PATTERN: "hours with one decimal",
    QUANTITY_PATTERN: "quantity with at most two decimals",
    TAX_RATE_PATTERN: "tax rate 0.NNNN",
    DATETIME_PATTERN: "RFC 3339 datetime with seconds and a +HH:MM offset",
    RO_NUMBER_PATTERN: "AA999-999999",
    SHOP_ID_PATTERN: "AA999",
    ADVISOR_ID_PATTERN: "AA999-A99",
    TECHNICIAN_ID_PATTERN: "AA999-T99",
    UUID_PATTERN: "lowercase canonical UUID",
    PHONE_PATTERN: "E.164 +1NXXNXXXXXX",
    STATE_PATTERN: "two capital letters",
    POSTAL_CODE_PATTERN: "five digits",
    OP_CODE_PATTERN: "AAAAAA-AAAAAAAA",
    VIN_PATTERN: "17 characters of A-H, J-N, P, R-Z, 0-9",
}


def fixed(value: Any) -> int:
    """A well-formed money, hours or tax-rate value in its last unit ("174.00" -> 17400, "0.0725" -> 725)."""
    return int(str(value).replace(".", ""))


def quantity_hundredths(value: Any) -> int:
    """A well-formed quantity in hundredths ("1.5" -> 150, "4" -> 400)."""
    whole, _, decimals = str(value).partition(".")
    return int(whole) * 100 + int(decimals.ljust(2, "0"))


# Values a parse or match table remembers before it starts over. Money strings are the only values
# with many distinct texts (some 37,000 in 19,000 ROs of fleet.yaml): 8,192 of them miss 13 % of
# the lookups instead of 7 % (measured), while the table stays near a MB however long the run; at
# 65,536 it held 5 MB after 19,000 ROs and kept growing with them.
TABLE_LIMIT = 1 << 13


class ParsedValues(dict[str, int]):
    """Contract value strings -> ``parse(text)``, each parsed once: ``CENTS["174.00"]`` is 17400.

    A text that does not match ``pattern`` raises ValueError, so a read is also a format check. The
    rules read some forty money, hours and quantity strings per RO and the same few thousand values
    recur across a dataset: a dict hit costs a fifth of parsing the text again, and much less than a
    regex. The dict starts over when it holds ``limit`` values, so its memory stays within a MB that
    does not grow with the dataset (the exporter's workers hold these tables too).
    """

    def __init__(self, pattern: str, parse: Callable[[str], int], limit: int = TABLE_LIMIT) -> None:
        super().__init__()
        self.matches = re.compile(pattern).fullmatch
        self.parse = parse
        self.limit = limit

    def __missing__(self, text: str) -> int:
        if not self.matches(text):
            raise ValueError(f"{text!r} is not in the contract's format")
        if len(self) >= self.limit:
            self.clear()
        value = self[text] = self.parse(text)
        return value


class MatchingValues(dict[str, bool]):
    """Strings -> whether they match ``pattern``, remembered for values that recur (ids, codes)."""

    def __init__(self, pattern: str, limit: int = TABLE_LIMIT) -> None:
        super().__init__()
        self.matches = re.compile(pattern).fullmatch
        self.limit = limit

    def __missing__(self, text: str) -> bool:
        if len(self) >= self.limit:
            self.clear()
        matched = self[text] = self.matches(text) is not None
        return matched


CENTS = ParsedValues(MONEY_PATTERN, fixed)
TENTHS = ParsedValues(HOURS_PATTERN, fixed)
TEN_THOUSANDTHS = ParsedValues(TAX_RATE_PATTERN, fixed)
HUNDREDTHS = ParsedValues(QUANTITY_PATTERN, quantity_hundredths)


def parse_datetime(text: str) -> datetime | None:
    """A well-formed datetime string as an aware datetime, or None if it names no real instant.

    A local time on the first or last day datetime can hold may name an instant outside its range in
    UTC (9999-12-31T21:30:00-04:00 is in year 10000): that is no instant either, and answering None
    here keeps every later conversion of the value from overflowing.
    """
    try:
        instant = datetime.fromisoformat(text)
        if text[:10] in EDGE_DAYS:
            instant.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return instant


# Offsets are under a day, so only a local time on these days can fall outside datetime's range in UTC.
EDGE_DAYS = frozenset({"0001-01-01", "9999-12-31"})


# ".00" .. ".99": a table lookup halves the cost of the export's most frequent formatting call.
_CENT_SUFFIXES = tuple(f".{cents:02d}" for cents in range(100))


def format_cents(cents: int) -> str:
    """Cents as a contract money string (12345 -> "123.45")."""
    return f"{cents // 100}{_CENT_SUFFIXES[cents % 100]}"


def format_tenths(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"


def format_hundredths(hundredths: int) -> str:
    """Quantities print without a fraction when whole ("4"), else with two decimals ("1.50")."""
    whole, fraction = divmod(hundredths, 100)
    return str(whole) if fraction == 0 else f"{whole}.{fraction:02d}"


def format_ten_thousandths(value: int) -> str:
    return f"0.{value:04d}"


class _ContractDecimal:
    """A Decimal that enters the model only as its contract string and leaves it as that same string.

    The pattern is matched by pydantic-core (Rust) and the string handed to the C ``Decimal``
    constructor: no Python frame per value, which matters because every generated RO passes here.
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(
            Decimal,
            core_schema.str_schema(pattern=self.pattern, strict=True),
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="always"),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": self.pattern}


class _ContractDatetime:
    """An aware datetime that enters the model as RFC 3339 with its offset and leaves it the same way."""

    @staticmethod
    def serialize(value: datetime) -> str:
        return value.isoformat()

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(
            datetime.fromisoformat,
            core_schema.str_schema(pattern=DATETIME_PATTERN, strict=True),
            serialization=core_schema.plain_serializer_function_ser_schema(self.serialize),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": DATETIME_PATTERN, "format": "date-time"}


@dataclass(frozen=True, slots=True)
class StoredDecimal:
    """How a fixed-point format is stored where a column needs a width (Parquet): digits, decimals."""

    precision: int
    scale: int


@dataclass(frozen=True, slots=True)
class StoredInt:
    """The bits a whole-number field is stored in where a column needs a width (Parquet); 64 if unmarked."""

    bits: int


Money = Annotated[Decimal, _ContractDecimal(MONEY_PATTERN), StoredDecimal(14, 2)]
Hours = Annotated[Decimal, _ContractDecimal(HOURS_PATTERN), StoredDecimal(5, 1)]
Quantity = Annotated[Decimal, _ContractDecimal(QUANTITY_PATTERN), StoredDecimal(12, 2)]
TaxRate = Annotated[Decimal, _ContractDecimal(TAX_RATE_PATTERN), StoredDecimal(5, 4)]
Timestamp = Annotated[datetime, _ContractDatetime()]
# Positions in an RO's lists and model years: far below 2**31.
SmallInt = Annotated[int, StoredInt(32)]
