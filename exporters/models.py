"""Schema V2 as pydantic models: structure, value formats and every record rule.

Build an RO with ``RepairOrder.model_validate(json_form_dict)`` (or ``model_validate_json``). The
models take the JSON form only (money, datetimes... as their contract strings). The structure is checked by
pydantic (strict types, ``extra="forbid"`` at every level, the patterns of exporters.formats), then
the record rules of exporters.rules run on the same dict. Any failure raises one ValidationError whose
error types are the stable rule ids (``R3-labor-amount``, ``F6-money``...), listing every broken rule.
The exporter and the validator run the same check compiled for speed: see exporters.contract.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from exporters import formats
from exporters.formats import Hours, Money, Quantity, SmallInt, TaxRate, Timestamp
from exporters.rules import record_violations
from exporters.violation import Violation
from world.vin import VIN_PATTERN

FieldClass = Literal["identifier", "pii", "narrative", "financial", "vehicle", "temporal", "code"]


def described(description: str, field_class: FieldClass, *, pii: bool = False, **constraints: Any) -> Any:
    """A field with its description and the classification the JSON Schema publishes."""
    extra: dict[str, Any] = {"x-field-class": field_class}
    if pii:
        extra["x-pii"] = True
    return Field(description=description, json_schema_extra=extra, **constraints)


class ContractModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class LaborRates(ContractModel):
    """Posted labor rates per pay type in force on opened_at."""

    customer: Money = described("Hourly rate billed to the customer.", "financial")
    warranty: Money = described("Hourly rate billed to the manufacturer under warranty.", "financial")
    internal: Money = described(
        "Hourly rate charged internally (e.g. used-vehicle reconditioning).", "financial"
    )


class Shop(ContractModel):
    """The shop that wrote the RO."""

    shop_id: str = described(
        "Shop identifier, two letters and three digits.", "identifier", pattern=formats.SHOP_ID_PATTERN
    )
    name: str = described("Business name of the shop.", "identifier")
    kind: Literal["dealer", "independent", "fleet_depot", "quick_lube"] = described("Kind of shop.", "code")
    timezone: str = described("IANA time zone of the shop; all datetimes carry its offset.", "temporal")
    labor_rates: LaborRates = Field(description="Posted labor rates in force on opened_at.")


class Address(ContractModel):
    """The customer's postal address (structural PII)."""

    line1: str = described("Street address.", "pii", pii=True)
    city: str = described("City.", "pii", pii=True)
    state: str = described("Two-letter state code.", "pii", pii=True, pattern=formats.STATE_PATTERN)
    postal_code: str = described("Five-digit ZIP code.", "pii", pii=True, pattern=formats.POSTAL_CODE_PATTERN)


class Customer(ContractModel):
    """The paying customer (structural PII block)."""

    customer_uuid: str = described(
        "Stable customer identifier, lowercase canonical UUID.", "identifier", pattern=formats.UUID_PATTERN
    )
    kind: Literal["individual", "fleet"] = described("Individual owner or fleet account.", "code")
    name: str = described("A person's full name, or a fleet's company name.", "pii", pii=True)
    contact_name: str | None = described(
        "Fleet: the contact person's name; individual: null.", "pii", pii=True
    )
    phone: str = described("Phone number, E.164.", "pii", pii=True, pattern=formats.PHONE_PATTERN)
    email: str = described("Email address.", "pii", pii=True)
    address: Address = Field(description="Postal address.", json_schema_extra={"x-pii": True})


class Vehicle(ContractModel):
    """The vehicle serviced."""

    vin: str = described("Vehicle identification number (49 CFR 565).", "pii", pii=True, pattern=VIN_PATTERN)
    year: SmallInt = described("Model year, 1981 to opened_at's year + 1.", "vehicle")
    make: str = described("Manufacturer.", "vehicle")
    model: str = described("Model name.", "vehicle")
    odometer_in: int = described("Odometer reading at drop-off, miles.", "vehicle")
    odometer_out: int = described("Odometer reading at pick-up, miles.", "vehicle")


class Job(ContractModel):
    """One customer concern: complaint, cause, correction."""

    index: SmallInt = described("Position of the job, 1..n.", "identifier")
    pay_type: Literal["customer", "warranty", "internal"] = described("Who pays for this job.", "code")
    complaint: str = described("The concern in the customer's words.", "narrative", min_length=1)
    cause: str = described("What the technician found.", "narrative", min_length=1)
    correction: str = described("What the technician did.", "narrative", min_length=1)


class LaborLine(ContractModel):
    """Labor performed for one job."""

    index: SmallInt = described("Position of the labor line, 1..n.", "identifier")
    job_index: SmallInt = described("Index of the job this labor belongs to.", "identifier")
    op_code: str = described("Labor operation code.", "code", pattern=formats.OP_CODE_PATTERN)
    description: str = described("Operation description.", "code")
    technician_id: str = described(
        "Technician identifier, <shop_id>-T99.", "identifier", pattern=formats.TECHNICIAN_ID_PATTERN
    )
    hours: Hours = described("Billed hours, one decimal, 0.1 to 40.0.", "financial")
    rate: Money = described("Hourly rate: the shop's posted rate for the job's pay type.", "financial")
    amount: Money = described("round(hours * rate), half up to the cent.", "financial")


class PartLine(ContractModel):
    """A part used by one labor line."""

    index: SmallInt = described("Position of the part line, 1..n.", "identifier")
    labor_index: SmallInt = described("Index of the labor line this part belongs to.", "identifier")
    part_number: str = described("Catalog part number.", "code")
    description: str = described("Part description.", "code")
    quantity: Quantity = described("Quantity, > 0, at most two decimals.", "financial")
    unit_price: Money = described("Price per unit, > 0.", "financial")
    amount: Money = described("round(quantity * unit_price), half up to the cent.", "financial")


class Fee(ContractModel):
    """A shop fee (customer pay only)."""

    code: Literal["shop_supplies", "hazmat_disposal"] = described("Kind of fee.", "code")
    description: str = described("Fee description.", "code")
    amount: Money = described("Fee amount.", "financial")


class Totals(ContractModel):
    """The RO's reconciled totals."""

    labor: Money = described("Sum of labor amounts.", "financial")
    parts: Money = described("Sum of part amounts.", "financial")
    fees: Money = described("Sum of fee amounts.", "financial")
    discount: Money = described("Discount on customer-pay labor and parts.", "financial")
    subtotal: Money = described("labor + parts + fees - discount.", "financial")
    tax_rate: TaxRate = described("Sales tax rate on customer-pay parts and fees.", "financial")
    tax: Money = described("round((customer-pay parts + fees) * tax_rate).", "financial")
    total: Money = described("subtotal + tax.", "financial")
    customer_pay: Money = described(
        "Customer's share: its labor and parts, fees, less discount, plus tax.", "financial"
    )
    warranty_pay: Money = described("Warranty labor and parts.", "financial")
    internal_pay: Money = described("Internal labor and parts.", "financial")


class RepairOrder(ContractModel):
    """One repair order, Schema V2."""

    schema_version: Literal["2.0"] = described("Contract version, always 2.0.", "code")
    ro_number: str = described(
        "RO number, <shop_id>-<6 digits>, increasing with opened_at per shop.",
        "identifier",
        pattern=formats.RO_NUMBER_PATTERN,
    )
    shop: Shop = Field(description="The shop that wrote the RO.")
    advisor_id: str = described(
        "Service advisor identifier, <shop_id>-A99.", "identifier", pattern=formats.ADVISOR_ID_PATTERN
    )
    opened_at: Timestamp = described("When the RO was opened, shop local time (06:00-20:00).", "temporal")
    closed_at: Timestamp = described("When the RO was closed, within 30 days of opening.", "temporal")
    customer: Customer = Field(description="The paying customer (structural PII).")
    vehicle: Vehicle = Field(description="The vehicle serviced.")
    purchase_order: str | None = described("Fleet purchase order number; null for individuals.", "identifier")
    jobs: list[Job] = Field(description="Customer concerns, one or more.", min_length=1)
    labor: list[LaborLine] = Field(description="Labor lines, one or more.", min_length=1)
    parts: list[PartLine] = Field(description="Part lines, possibly none.")
    fees: list[Fee] = Field(description="Fees, possibly none.")
    notes: str = described("Advisor notes, free text, possibly empty.", "narrative")
    totals: Totals = Field(description="Reconciled totals.")

    @model_validator(mode="wrap")
    @classmethod
    def _contract_rules(cls, data: Any, handler: Any) -> RepairOrder:
        try:
            ro = handler(data)
        except ValidationError as error:
            raise _with_rule_ids(error) from None
        try:
            violations = record_violations(data)
        except (TypeError, KeyError, AttributeError):
            # Python-mode input holding model instances: the rules read the JSON form.
            violations = record_violations(ro.model_dump(mode="json"))
        if violations:
            raise contract_error(violations)
        return ro


def contract_error(violations: list[Violation]) -> ValidationError:
    """One ValidationError whose error types are the rule ids of ``violations``."""
    return ValidationError.from_exception_data(
        "RepairOrder",
        [
            InitErrorDetails(
                type=PydanticCustomError(
                    violation.rule, "{rule}: {text}", {"rule": violation.rule, "text": violation.text()}
                ),
                loc=violation.loc,
                input=violation.found,
            )
            for violation in violations
        ],
    )


# pydantic's own error types, translated to the contract's rule ids.
_ERROR_RULES = {
    "extra_forbidden": "S2-unknown-key",
    "missing": "S3-missing-key",
    "literal_error": "F4-enum",
    "too_short": "F22-empty",
    "string_too_short": "F22-empty",
}


def _rule_of(error: Any) -> str:
    error_type = error["type"]
    if error_type == "string_pattern_mismatch":
        return formats.PATTERN_RULES[error["ctx"]["pattern"]]
    if error_type == "value_error" and error["loc"][-1:] in (("opened_at",), ("closed_at",)):
        return "F10-datetime"
    if error_type == "literal_error" and type(error.get("input")) is not str:
        # A non-string where the contract wants one of its words is a JSON type error, as the
        # streaming validator's structure check reports it.
        return "S4-type"
    if error_type == "literal_error" and error["loc"][-1:] == ("schema_version",):
        return "F1-schema-version"
    if error_type in _ERROR_RULES:
        return _ERROR_RULES[error_type]
    if error_type.endswith("_type"):
        return "S4-type"
    return error_type


def _with_rule_ids(error: ValidationError) -> ValidationError:
    details = []
    for item in error.errors():
        rule = _rule_of(item)
        details.append(
            InitErrorDetails(
                type=PydanticCustomError(rule, "{rule}: {text}", {"rule": rule, "text": item["msg"]}),
                loc=item["loc"],
                input=item.get("input"),
            )
        )
    return ValidationError.from_exception_data(error.title, details)
