"""Every record rule: a mutation of a valid fixture RO that breaks exactly that rule, seen the same way
by the streaming validator's record check and by the pydantic models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from exporters.models import RepairOrder
from exporters.rules import RULE_IDS, RULES, record_violations
from exporters.validation.records import check_line
from exporters.validation.structs import to_struct
from tests.dataset_fixture import fixture_ro, fixture_ros
from tests.exporters.rule_checks import CUSTOMER_RO, FLEET_RO, WARRANTY_RO, broken_rules
from tests.strategies import make_vin, reconcile

Mutation = Callable[[dict[str, Any]], Any]


def _set(path: str, value: Any) -> Mutation:
    def mutate(ro: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = ro
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _then_reconcile(*mutations: Mutation, posted_rates: bool = True) -> Mutation:
    def mutate(ro: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(ro)
        reconcile(ro, posted_rates=posted_rates)

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(ro: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = ro
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return mutate


def _add_fee(ro: dict[str, Any]) -> None:
    ro["fees"].append({"code": "shop_supplies", "description": "Shop supplies", "amount": "5.00"})


def _discount_above_customer_lines(ro: dict[str, Any]) -> None:
    # Every line of this RO is customer pay.
    cents = sum(int(line["amount"].replace(".", "")) for line in ro["labor"] + ro["parts"]) + 1
    ro["totals"]["discount"] = f"{cents // 100}.{cents % 100:02d}"


def _add_money(path: str, cents: int) -> Mutation:
    def mutate(ro: dict[str, Any]) -> None:
        section, key = path.split(".")
        whole, fraction = ro[section][key].split(".")
        value = int(whole) * 100 + int(fraction) + cents
        ro[section][key] = f"{value // 100}.{value % 100:02d}"

    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(ro: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(ro)

    return mutate


def _wrong_check_digit(ro: dict[str, Any]) -> None:
    vin = ro["vehicle"]["vin"]
    ro["vehicle"]["vin"] = vin[:8] + ("2" if vin[8] != "2" else "3") + vin[9:]


# (rule, fixture RO, mutation): each breaks exactly ``rule``.
MUTATIONS: list[tuple[str, str, Mutation]] = [
    ("F1-schema-version", CUSTOMER_RO, _set("schema_version", "2.1")),
    ("F2-ro-number", CUSTOMER_RO, _set("ro_number", "OH102-000101")),
    ("F2-ro-number", CUSTOMER_RO, _set("ro_number", "OH101-00101")),
    ("F3-shop-id", CUSTOMER_RO, _set("shop.shop_id", "OH1010")),
    ("F4-enum", CUSTOMER_RO, _set("shop.kind", "garage")),
    ("F4-enum", CUSTOMER_RO, _set("jobs.0.pay_type", "goodwill")),
    ("F4-enum", CUSTOMER_RO, _set("fees.0.code", "towing")),
    ("F5-timezone", CUSTOMER_RO, _set("shop.timezone", "America/Nowhere")),
    ("F5-timezone", CUSTOMER_RO, _set("shop.timezone", "America")),
    ("F5-timezone", CUSTOMER_RO, _set("shop.timezone", "x" * 300)),
    ("F5-timezone", CUSTOMER_RO, _set("shop.timezone", "../../etc/passwd")),
    ("F6-money", CUSTOMER_RO, _set("totals.tax", "1.5")),
    ("F6-money", CUSTOMER_RO, _set("labor.0.rate", "145")),
    ("F6-money", CUSTOMER_RO, _then_reconcile(_set("parts.0.unit_price", "0.00"))),
    ("F6-money", WARRANTY_RO, _then_reconcile(_set("shop.labor_rates.internal", "0.00"))),
    ("F7-hours", CUSTOMER_RO, _then_reconcile(_set("labor.0.hours", "40.5"))),
    ("F7-hours", CUSTOMER_RO, _set("labor.0.hours", "0.50")),
    ("F8-quantity", CUSTOMER_RO, _then_reconcile(_set("parts.0.quantity", "0"))),
    ("F8-quantity", CUSTOMER_RO, _set("parts.0.quantity", "1.005")),
    ("F9-tax-rate", CUSTOMER_RO, _then_reconcile(_set("totals.tax_rate", "0.1600"))),
    ("F9-tax-rate", CUSTOMER_RO, _set("totals.tax_rate", "0.07")),
    ("F10-datetime", CUSTOMER_RO, _set("opened_at", "2024-03-05 08:12:00-05:00")),
    ("F10-datetime", CUSTOMER_RO, _set("closed_at", "2024-03-05T11:40:00Z")),
    ("F10-datetime", CUSTOMER_RO, _set("opened_at", "2024-02-30T08:12:00-05:00")),
    ("F11-utc-offset", CUSTOMER_RO, _set("opened_at", "2024-03-05T08:12:00-06:00")),
    ("F11-utc-offset", FLEET_RO, _set("closed_at", "2024-03-13T14:05:00-05:00")),
    ("F12-opened-time", CUSTOMER_RO, _set("opened_at", "2024-03-05T05:59:00-05:00")),
    ("F12-opened-time", FLEET_RO, _set("opened_at", "2024-03-12T20:00:01-04:00")),
    ("F13-closed-at", CUSTOMER_RO, _set("closed_at", "2024-04-10T11:40:00-04:00")),
    ("F13-closed-at", CUSTOMER_RO, _set("closed_at", "2024-03-05T08:11:59-05:00")),
    ("F14-advisor-id", CUSTOMER_RO, _set("advisor_id", "OH102-A02")),
    ("F14-advisor-id", CUSTOMER_RO, _set("advisor_id", "OH101-T02")),
    ("F15-technician-id", CUSTOMER_RO, _set("labor.1.technician_id", "TX205-T07")),
    ("F15-technician-id", CUSTOMER_RO, _set("labor.1.technician_id", "OH101-A07")),
    ("F16-uuid", CUSTOMER_RO, _set("customer.customer_uuid", "3F2B8C1E-6D4A-4F7B-9A2E-1C5D7E9F0A11")),
    ("F17-phone", CUSTOMER_RO, _set("customer.phone", "+16141550142")),
    ("F17-phone", CUSTOMER_RO, _set("customer.phone", "(614) 555-0142")),
    ("F18-address", CUSTOMER_RO, _set("customer.address.postal_code", "4321")),
    ("F18-address", CUSTOMER_RO, _set("customer.address.state", "Ohio")),
    ("F19-year", CUSTOMER_RO, _set("vehicle.year", 1975)),
    (
        "F19-year",
        CUSTOMER_RO,
        _both(_set("vehicle.year", 2026), _set("vehicle.vin", make_vin("9ZH1FC", 2026, "B004512"))),
    ),
    ("F20-odometer", CUSTOMER_RO, _set("vehicle.odometer_out", 41451)),
    ("F20-odometer", CUSTOMER_RO, _set("vehicle.odometer_out", 41199)),
    ("F20-odometer", CUSTOMER_RO, _both(_set("vehicle.odometer_in", -1), _set("vehicle.odometer_out", 0))),
    ("F21-op-code", CUSTOMER_RO, _set("labor.0.op_code", "lof-syn")),
    ("F22-empty", CUSTOMER_RO, _set("jobs.0.complaint", "")),
    ("F22-empty", CUSTOMER_RO, _set("labor", [])),
    ("S2-unknown-key", CUSTOMER_RO, _set("mileage", 5)),
    ("S2-unknown-key", CUSTOMER_RO, _set("customer.address.line2", "Apt 4")),
    ("S2-unknown-key", CUSTOMER_RO, _set("parts.1.core_charge", "0.00")),
    ("S3-missing-key", CUSTOMER_RO, _delete("notes")),
    ("S3-missing-key", CUSTOMER_RO, _delete("totals.internal_pay")),
    ("S4-type", CUSTOMER_RO, _set("vehicle.year", "2019")),
    ("S4-type", CUSTOMER_RO, _set("labor.0.hours", 0.5)),
    ("S4-type", CUSTOMER_RO, _set("jobs.0.index", True)),
    ("S4-type", CUSTOMER_RO, _set("customer", None)),
    ("S4-type", CUSTOMER_RO, _set("fees", {})),
    ("S4-type", CUSTOMER_RO, _set("purchase_order", 7)),
    ("R1-indices", CUSTOMER_RO, _set("parts.1.index", 5)),
    ("R1-indices", CUSTOMER_RO, _set("parts.0.index", 0)),
    ("R2-references", CUSTOMER_RO, _set("labor.0.job_index", 9)),
    ("R2-references", CUSTOMER_RO, _set("parts.2.labor_index", 3)),
    ("R3-labor-rate", CUSTOMER_RO, _then_reconcile(_set("labor.0.rate", "150.00"), posted_rates=False)),
    ("R3-labor-rate", FLEET_RO, _then_reconcile(_set("labor.0.rate", "145.00"), posted_rates=False)),
    ("R3-labor-amount", CUSTOMER_RO, _set("labor.0.hours", "0.6")),
    ("R4-part-amount", CUSTOMER_RO, _set("parts.2.quantity", "2")),
    ("R5-line-totals", CUSTOMER_RO, _set("fees.0.amount", "12.51")),
    ("R6-discount", CUSTOMER_RO, _then_reconcile(_discount_above_customer_lines)),
    ("R6-discount", WARRANTY_RO, _then_reconcile(_add_fee)),
    ("R6-discount", WARRANTY_RO, _then_reconcile(_set("totals.discount", "1.00"))),
    ("R7-subtotal", CUSTOMER_RO, _both(_add_money("totals.subtotal", 1), _add_money("totals.total", 1))),
    (
        "R8-tax",
        CUSTOMER_RO,
        _both(
            _add_money("totals.tax", 1), _add_money("totals.total", 1), _add_money("totals.customer_pay", 1)
        ),
    ),
    ("R9-total", CUSTOMER_RO, _add_money("totals.total", 1)),
    (
        "R10-pay-split",
        FLEET_RO,
        _both(_add_money("totals.customer_pay", -1), _add_money("totals.warranty_pay", 1)),
    ),
    ("R11-vin", CUSTOMER_RO, _wrong_check_digit),
    ("R11-vin", CUSTOMER_RO, _set("vehicle.vin", "9ZH1FCAX0KB00451")),
    ("R11-vin", CUSTOMER_RO, _set("vehicle.vin", "9ZH1FCAX0KB0O4512")),
    ("R11-vin", CUSTOMER_RO, _set("vehicle.year", 2018)),
    ("R12-fleet-fields", CUSTOMER_RO, _set("purchase_order", "PO-1")),
    ("R12-fleet-fields", FLEET_RO, _set("customer.contact_name", None)),
]


def _mutated(ro_number: str, mutation: Mutation) -> dict[str, Any]:
    ro = fixture_ro(ro_number)
    mutation(ro)
    return ro


@pytest.mark.parametrize("ro", fixture_ros(), ids=lambda ro: ro["ro_number"])
def test_fixture_ros_are_valid(ro):
    assert check_line(orjson.dumps(ro)) == (ro["ro_number"], [], to_struct(ro))
    RepairOrder.model_validate(ro)


@pytest.mark.parametrize(
    ("rule", "ro_number", "mutation"),
    MUTATIONS,
    ids=[f"{rule}-{position}" for position, (rule, _, _) in enumerate(MUTATIONS)],
)
def test_mutation_breaks_exactly_its_rule(rule, ro_number, mutation):
    ro = _mutated(ro_number, mutation)
    _, violations, _ = check_line(orjson.dumps(ro))
    assert {violation.rule for violation in violations} == {rule}, [v.text() for v in violations]
    with pytest.raises(ValidationError) as raised:
        RepairOrder.model_validate(ro)
    assert {error["type"] for error in raised.value.errors()} == {rule}


def test_every_record_rule_has_a_mutation():
    record_rules = {
        rule
        for rule in RULE_IDS
        if rule[0] in "RF" or rule in ("S2-unknown-key", "S3-missing-key", "S4-type")
    }
    assert record_rules <= {rule for rule, _, _ in MUTATIONS}


def test_malformed_and_non_object_lines_are_s1_violations():
    for line in (b"{", b"", b"[1, 2]", b'"text"', b"\xff\xfe"):
        ro_number, violations, ro = check_line(line)
        assert [violation.rule for violation in violations] == ["S1-json"]
        assert ro_number == "" and ro is None


def test_all_violations_of_a_record_are_collected_into_one_validation_error():
    ro = fixture_ro(CUSTOMER_RO)
    ro["labor"][0]["hours"] = "0.6"
    ro["parts"][2]["quantity"] = "2"
    ro["purchase_order"] = "PO-1"
    with pytest.raises(ValidationError) as raised:
        RepairOrder.model_validate(ro)
    assert {error["type"] for error in raised.value.errors()} == {
        "R3-labor-amount",
        "R4-part-amount",
        "R12-fleet-fields",
    }
    assert "R4-part-amount: amount != round(quantity * unit_price) (expected 129.90, found 64.95)" in str(
        raised.value
    )


def test_violation_messages_say_expected_and_found():
    ro = fixture_ro(CUSTOMER_RO)
    ro["labor"][0]["hours"] = "0.6"
    [violation] = record_violations(ro)
    assert violation.text() == "amount != round(hours * rate) (expected 87.00, found 72.50)"
    assert violation.loc == ("labor", 0, "amount")


Report = list[tuple[str, tuple[str | int, ...], str]]
PREFIX = "prefix is not shop.shop_id (expected OH101, found"
TZ = "offset is not America/New_York's at that instant"
WINDOW = "closed_at is outside the visit window (expected 2024-03-05T08:12:00-05:00 .. opened_at + 30 days"
ODOMETER = "odometer readings out of bounds (expected 0 <= in <= out <= in + 250"
NO_LABOR = ("R2-references", "job has no labor line (expected at least one labor line, found 0)")
TAX = "tax != round((customer-pay parts + fees) * tax_rate)"

# (fixture RO, mutation, every violation as (rule, location, text)): one case for each place where
# exporters.rules and exporters.line_rules report, written out as the validator's reader sees it.
# CUSTOMER_RO: labor 275.50 + parts 114.90 + fees 16.50 - discount 10.00 = 396.90, tax 7.25 % of
# 131.40 = 9.53; FLEET_RO: warranty 96.00, customer 52.20; WARRANTY_RO: 90.25 of warranty pay.
REPORTS: list[tuple[str, Mutation, Report]] = [
    (
        CUSTOMER_RO,
        _set("ro_number", "OH102-000101"),
        [("F2-ro-number", ("ro_number",), f"ro_number {PREFIX} OH102)")],
    ),
    (
        CUSTOMER_RO,
        _set("advisor_id", "OH102-A02"),
        [("F14-advisor-id", ("advisor_id",), f"advisor_id {PREFIX} OH102)")],
    ),
    (
        CUSTOMER_RO,
        _set("shop.timezone", "America/Nowhere"),
        [
            (
                "F5-timezone",
                ("shop", "timezone"),
                "unknown IANA time zone (expected an IANA zone name, found America/Nowhere)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _set("opened_at", "2024-02-30T08:12:00-05:00"),
        [
            (
                "F10-datetime",
                ("opened_at",),
                "opened_at is not a real date and time (expected a valid calendar date and clock time, "
                "found 2024-02-30T08:12:00-05:00)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _both(_set("opened_at", "2024-02-30T08:12:00-05:00"), _set("closed_at", "2024-02-31T11:40:00-05:00")),
        [
            (
                "F10-datetime",
                (key,),
                f"{key} is not a real date and time "
                f"(expected a valid calendar date and clock time, found {text})",
            )
            for key, text in (
                ("opened_at", "2024-02-30T08:12:00-05:00"),
                ("closed_at", "2024-02-31T11:40:00-05:00"),
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _both(_set("shop.timezone", "America/Nowhere"), _set("closed_at", "2024-02-31T11:40:00-05:00")),
        [
            (
                "F5-timezone",
                ("shop", "timezone"),
                "unknown IANA time zone (expected an IANA zone name, found America/Nowhere)",
            ),
            (
                "F10-datetime",
                ("closed_at",),
                "closed_at is not a real date and time (expected a valid calendar date and clock time, "
                "found 2024-02-31T11:40:00-05:00)",
            ),
        ],
    ),
    (
        CUSTOMER_RO,
        _set("opened_at", "2024-03-05T08:12:00-06:00"),
        [("F11-utc-offset", ("opened_at",), f"opened_at {TZ} (expected -05:00, found -06:00)")],
    ),
    (
        FLEET_RO,
        _set("closed_at", "2024-03-13T14:05:00-05:00"),
        [("F11-utc-offset", ("closed_at",), f"closed_at {TZ} (expected -04:00, found -05:00)")],
    ),
    *(
        # A shop in a zone whose offset is zero or has minutes: both of the RO's times are reported.
        (
            CUSTOMER_RO,
            _set("shop.timezone", zone),
            [
                (
                    "F11-utc-offset",
                    (key,),
                    f"{key} offset is not {zone}'s at that instant (expected {offset}, found -05:00)",
                )
                for key in ("opened_at", "closed_at")
            ],
        )
        for zone, offset in (("Europe/London", "+00:00"), ("Asia/Kolkata", "+05:30"))
    ),
    (
        CUSTOMER_RO,
        _set("opened_at", "2024-03-05T05:59:00-05:00"),
        [
            (
                "F12-opened-time",
                ("opened_at",),
                "opened_at local time is outside shop hours (expected 06:00-20:00, found 05:59:00)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _set("closed_at", "2024-04-10T11:40:00-04:00"),
        [("F13-closed-at", ("closed_at",), f"{WINDOW}, found 2024-04-10T11:40:00-04:00)")],
    ),
    (
        WARRANTY_RO,
        _then_reconcile(_set("shop.labor_rates.internal", "0.00")),
        [
            (
                "F6-money",
                ("shop", "labor_rates", "internal"),
                "labor rate must be > 0 (expected > 0.00, found 0.00)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _set("purchase_order", "PO-1"),
        [
            (
                "R12-fleet-fields",
                ("purchase_order",),
                "purchase_order must be set exactly for fleets (expected null, found PO-1)",
            )
        ],
    ),
    (
        FLEET_RO,
        _set("customer.contact_name", None),
        [
            (
                "R12-fleet-fields",
                ("customer", "contact_name"),
                "contact_name must be set exactly for fleets (expected a string, found None)",
            )
        ],
    ),
    (
        FLEET_RO,
        _set("purchase_order", None),
        [
            (
                "R12-fleet-fields",
                ("purchase_order",),
                "purchase_order must be set exactly for fleets (expected a string, found None)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _set("customer.contact_name", "Ann Lee"),
        [
            (
                "R12-fleet-fields",
                ("customer", "contact_name"),
                "contact_name must be set exactly for fleets (expected null, found Ann Lee)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _set("vehicle.year", 1975),
        [("F19-year", ("vehicle", "year"), "model year out of range (expected 1981..2025, found 1975)")],
    ),
    (
        CUSTOMER_RO,
        _wrong_check_digit,
        [("R11-vin", ("vehicle", "vin"), "check digit (position 9) is wrong (expected 0, found 2)")],
    ),
    (
        CUSTOMER_RO,
        _set("vehicle.odometer_out", 41451),
        [("F20-odometer", ("vehicle", "odometer_out"), f"{ODOMETER}, found in=41200 out=41451)")],
    ),
    (
        CUSTOMER_RO,
        _set("jobs.1.index", 3),
        [
            ("R1-indices", ("jobs", 1, "index"), "jobs indices are not 1..n (expected 2, found 3)"),
            (
                "R2-references",
                ("labor", 1, "job_index"),
                "job_index names no job (expected one of [1, 3], found 2)",
            ),
            (NO_LABOR[0], ("jobs", 2), NO_LABOR[1]),
        ],
    ),
    (
        CUSTOMER_RO,
        _set("labor.0.index", 2),
        [
            ("R1-indices", ("labor", 0, "index"), "labor indices are not 1..n (expected 1, found 2)"),
            *(
                (
                    "R2-references",
                    ("parts", part, "labor_index"),
                    "labor_index names no labor line (expected 1..2, found 1)",
                )
                for part in (0, 1)
            ),
        ],
    ),
    (
        CUSTOMER_RO,
        _set("parts.1.index", 5),
        [("R1-indices", ("parts", 1, "index"), "parts indices are not 1..n (expected 2, found 5)")],
    ),
    (
        CUSTOMER_RO,
        _set("labor.1.technician_id", "TX205-T07"),
        [("F15-technician-id", ("labor", 1, "technician_id"), f"technician_id {PREFIX} TX205)")],
    ),
    (
        CUSTOMER_RO,
        _then_reconcile(_set("labor.0.hours", "40.5")),
        [("F7-hours", ("labor", 0, "hours"), "hours out of range (expected 0.1..40.0, found 40.5)")],
    ),
    (
        CUSTOMER_RO,
        _set("labor.0.job_index", 9),
        [
            (
                "R2-references",
                ("labor", 0, "job_index"),
                "job_index names no job (expected one of [1, 2], found 9)",
            ),
            (NO_LABOR[0], ("jobs", 0), NO_LABOR[1]),
        ],
    ),
    (
        CUSTOMER_RO,
        _set("parts.2.labor_index", 3),
        [
            (
                "R2-references",
                ("parts", 2, "labor_index"),
                "labor_index names no labor line (expected 1..2, found 3)",
            )
        ],
    ),
    (
        FLEET_RO,
        _then_reconcile(_set("labor.0.rate", "145.00"), posted_rates=False),
        [
            (
                "R3-labor-rate",
                ("labor", 0, "rate"),
                "rate is not the posted warranty rate (expected 120.00, found 145.00)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _set("labor.0.hours", "0.6"),
        [
            (
                "R3-labor-amount",
                ("labor", 0, "amount"),
                "amount != round(hours * rate) (expected 87.00, found 72.50)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _then_reconcile(_set("parts.0.quantity", "0")),
        [("F8-quantity", ("parts", 0, "quantity"), "quantity must be > 0 (expected > 0, found 0)")],
    ),
    (
        CUSTOMER_RO,
        _then_reconcile(_set("parts.0.unit_price", "0.00")),
        [
            (
                "F6-money",
                ("parts", 0, "unit_price"),
                "unit_price must be > 0 (expected > 0.00, found 0.00)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _set("parts.2.quantity", "2"),
        [
            (
                "R4-part-amount",
                ("parts", 2, "amount"),
                "amount != round(quantity * unit_price) (expected 129.90, found 64.95)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _set("fees.0.amount", "12.51"),
        [
            (
                "R5-line-totals",
                ("totals", "fees"),
                "totals.fees is not the sum of its lines (expected 16.51, found 16.50)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _then_reconcile(_set("totals.tax_rate", "0.1600")),
        [
            (
                "F9-tax-rate",
                ("totals", "tax_rate"),
                "tax rate above 0.1500 (expected <= 0.1500, found 0.1600)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _then_reconcile(_discount_above_customer_lines),
        [
            (
                "R6-discount",
                ("totals", "discount"),
                "discount above customer-pay labor + parts (expected <= 390.40, found 390.41)",
            )
        ],
    ),
    (
        WARRANTY_RO,
        _then_reconcile(_add_fee),
        [("R6-discount", ("fees",), "fees without a customer-pay job (expected no fees, found 1)")],
    ),
    (
        WARRANTY_RO,
        _then_reconcile(_set("totals.discount", "1.00")),
        [
            (
                "R6-discount",
                ("totals", "discount"),
                "discount without a customer-pay job (expected 0.00, found 1.00)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _both(_add_money("totals.subtotal", 1), _add_money("totals.total", 1)),
        [
            (
                "R7-subtotal",
                ("totals", "subtotal"),
                "subtotal != labor + parts + fees - discount (expected 396.90, found 396.91)",
            )
        ],
    ),
    (
        CUSTOMER_RO,
        _both(
            _add_money("totals.tax", 1), _add_money("totals.total", 1), _add_money("totals.customer_pay", 1)
        ),
        [("R8-tax", ("totals", "tax"), f"{TAX} (expected 9.53, found 9.54)")],
    ),
    (
        CUSTOMER_RO,
        _add_money("totals.total", 1),
        [("R9-total", ("totals", "total"), "total != subtotal + tax (expected 406.43, found 406.44)")],
    ),
    (
        CUSTOMER_RO,
        _add_money("totals.internal_pay", 1),
        [
            (
                "R10-pay-split",
                ("totals", "internal_pay"),
                "internal_pay is not its share of the lines (expected 0.00, found 0.01)",
            )
        ],
    ),
    (
        FLEET_RO,
        _both(_add_money("totals.customer_pay", -1), _add_money("totals.warranty_pay", 1)),
        [
            (
                "R10-pay-split",
                ("totals", key),
                f"{key} is not its share of the lines (expected {expected}, found {found})",
            )
            for key, expected, found in (
                ("customer_pay", "52.20", "52.19"),
                ("warranty_pay", "96.00", "96.01"),
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("ro_number", "mutation", "report"),
    REPORTS,
    ids=[f"{report[0][0]}-{position}" for position, (_, _, report) in enumerate(REPORTS)],
)
def test_each_violation_says_where_and_what(ro_number, mutation, report):
    _, violations, _ = check_line(orjson.dumps(_mutated(ro_number, mutation)))
    assert [(violation.rule, violation.loc, violation.text()) for violation in violations] == report


def test_rule_ids_are_unique_and_described():
    assert len(RULE_IDS) == len(set(RULE_IDS))
    assert all(description for _, description in RULES)


def test_half_up_rounding_to_the_cent():
    ro = fixture_ro(CUSTOMER_RO)
    # 4.5 quarts at 8.99 = 40.455 -> 40.46 (half up); 40.45 would be half down.
    assert ro["parts"][1]["quantity"] == "4.5" and ro["parts"][1]["unit_price"] == "8.99"
    assert broken_rules(ro) == set()
    ro["parts"][1]["amount"] = "40.45"
    assert "R4-part-amount" in broken_rules(ro)


def _totals(ro: dict[str, Any], **values: str) -> dict[str, Any]:
    ro["totals"].update(values)
    return ro


def test_tax_landing_on_a_half_cent_rounds_up():
    # Taxable: customer-pay parts 114.90 + fees (12.50 supplies + 6.60 hazmat) = 134.00;
    # at 7.25 % that is 9.715 exactly, so the tax is 9.72 (half up), never 9.71.
    ro = fixture_ro(CUSTOMER_RO)
    ro["fees"][1]["amount"] = "6.60"
    assert ro["totals"]["parts"] == "114.90" and ro["totals"]["tax_rate"] == "0.0725"
    _totals(ro, fees="19.10", subtotal="399.50", tax="9.72", total="409.22", customer_pay="409.22")
    assert broken_rules(ro) == set()
    _totals(ro, tax="9.71", total="409.21", customer_pay="409.21")
    assert broken_rules(ro) == {"R8-tax"}


@pytest.mark.parametrize(("gain", "valid"), [(0, True), (250, True), (251, False)])
def test_odometer_out_at_most_250_above_in(gain, valid):
    ro = fixture_ro(CUSTOMER_RO)
    ro["vehicle"]["odometer_out"] = ro["vehicle"]["odometer_in"] + gain
    assert broken_rules(ro) == (set() if valid else {"F20-odometer"})


@pytest.mark.parametrize(
    ("year", "broken"), [(1980, {"F19-year"}), (1981, set()), (2025, set()), (2026, {"F19-year"})]
)
def test_model_years_run_from_1981_to_the_year_after_opening(year, broken):
    ro = fixture_ro(CUSTOMER_RO)
    assert ro["opened_at"].startswith("2024-")
    ro["vehicle"].update(year=year, vin=make_vin("9ZH1FC", year, "B004512"))
    assert broken_rules(ro) == broken


def test_an_impossible_year_is_not_held_against_the_vins_year_code():
    ro = fixture_ro(CUSTOMER_RO)  # a 2019 VIN (year code K)
    ro["vehicle"]["year"] = 2030
    assert broken_rules(ro) == {"F19-year"}


@pytest.mark.parametrize("odometer_out", [0, 250])
def test_a_vehicle_may_come_in_with_zero_miles(odometer_out):
    ro = fixture_ro(CUSTOMER_RO)
    ro["vehicle"].update(odometer_in=0, odometer_out=odometer_out)
    assert broken_rules(ro) == set()


def _discount_equal_to_customer_lines(ro: dict[str, Any]) -> None:
    _discount_above_customer_lines(ro)
    _add_money("totals.discount", -1)(ro)


@pytest.mark.parametrize(
    ("mutation", "broken"),
    [
        (_then_reconcile(_discount_equal_to_customer_lines), set()),
        (_then_reconcile(_set("labor.0.hours", "40.0")), set()),
        (_then_reconcile(_set("labor.0.hours", "0.1")), set()),
        (_then_reconcile(_set("labor.0.hours", "0.0")), {"F7-hours"}),
        (_then_reconcile(_set("parts.0.quantity", "0.01")), set()),
        (_then_reconcile(_set("parts.0.unit_price", "0.01")), set()),
    ],
)
def test_line_rules_hold_at_their_boundaries(mutation, broken):
    assert broken_rules(_mutated(CUSTOMER_RO, mutation)) == broken
