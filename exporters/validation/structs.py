"""Schema V2's structure (and a PII span line's) as msgspec Structs, for decoding lines in C.

exporters.models stays the definition of the contract; these mirror its keys, JSON types,
required-ness, enums and non-empty texts and lists (a test holds them to the models' JSON Schema).
Decoding a line into them checks all of that in one C pass and builds slotted objects instead of
dicts, about half the cost of ``orjson.loads``. Value patterns are deliberately not declared here:
msgspec would call back into Python's ``re`` once per value, several times the cost of the whole
decode; exporters.validation.fast_path matches them in one regex per RO instead.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

Text = Annotated[str, msgspec.Meta(min_length=1)]


class _Object(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
    """A closed JSON object. Decoded ROs hold no reference cycles, so the GC need not track them."""


class LaborRates(_Object):
    customer: str
    warranty: str
    internal: str


class Shop(_Object):
    shop_id: str
    name: str
    kind: Literal["dealer", "independent", "fleet_depot", "quick_lube"]
    timezone: str
    labor_rates: LaborRates


class Address(_Object):
    line1: str
    city: str
    state: str
    postal_code: str


class Customer(_Object):
    customer_uuid: str
    kind: Literal["individual", "fleet"]
    name: str
    contact_name: str | None
    phone: str
    email: str
    address: Address


class Vehicle(_Object):
    vin: str
    year: int
    make: str
    model: str
    odometer_in: int
    odometer_out: int


class Job(_Object):
    index: int
    pay_type: Literal["customer", "warranty", "internal"]
    complaint: Text
    cause: Text
    correction: Text


class LaborLine(_Object):
    index: int
    job_index: int
    op_code: str
    description: str
    technician_id: str
    hours: str
    rate: str
    amount: str


class PartLine(_Object):
    index: int
    labor_index: int
    part_number: str
    description: str
    quantity: str
    unit_price: str
    amount: str


class Fee(_Object):
    code: Literal["shop_supplies", "hazmat_disposal"]
    description: str
    amount: str


class Totals(_Object):
    labor: str
    parts: str
    fees: str
    discount: str
    subtotal: str
    tax_rate: str
    tax: str
    total: str
    customer_pay: str
    warranty_pay: str
    internal_pay: str


class RepairOrder(_Object):
    schema_version: Literal["2.0"]
    ro_number: str
    shop: Shop
    advisor_id: str
    opened_at: str
    closed_at: str
    customer: Customer
    vehicle: Vehicle
    purchase_order: str | None
    jobs: Annotated[list[Job], msgspec.Meta(min_length=1)]
    labor: Annotated[list[LaborLine], msgspec.Meta(min_length=1)]
    parts: list[PartLine]
    fees: list[Fee]
    notes: str
    totals: Totals


class Span(_Object):
    """One line of a PII span file (exporters.validation.spans holds its rules)."""

    ro_number: str
    field: str
    start: int
    end: int
    entity_type: str
    entity_value: str


def to_struct(ro: dict[str, Any]) -> RepairOrder:
    """A structurally valid RO in JSON form (a dict as ``orjson.loads`` returns it) as Structs.

    Raises TypeError for anything else, e.g. a dict holding model instances.
    """
    try:
        return msgspec.convert(ro, RepairOrder, strict=True)
    except msgspec.ValidationError as error:
        raise TypeError(f"not the JSON form of a structurally valid RO: {error}") from None
