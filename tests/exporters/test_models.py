from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from exporters.formats import (
    fixed,
    format_cents,
    format_hundredths,
    format_ten_thousandths,
    format_tenths,
    quantity_hundredths,
)
from exporters.models import (
    Customer,
    LaborLine,
    RepairOrder,
    Shop,
    Totals,
)
from tests.dataset_fixture import fixture_ro, fixture_ros
from tests.strategies import repair_orders

CUSTOMER_RO = "OH101-000101"


def test_contract_values_become_decimals_and_datetimes_and_serialize_back_unchanged():
    ro = RepairOrder.model_validate(fixture_ro(CUSTOMER_RO))
    assert ro.totals.tax_rate == Decimal("0.0725") and str(ro.totals.tax_rate) == "0.0725"
    assert ro.labor[0].hours == Decimal("0.5")
    assert ro.parts[1].quantity == Decimal("4.5")
    assert ro.opened_at == datetime.fromisoformat("2024-03-05T08:12:00-05:00")
    dumped = ro.model_dump(mode="json")
    assert dumped == fixture_ro(CUSTOMER_RO)


@pytest.mark.parametrize("ro", fixture_ros(), ids=lambda ro: ro["ro_number"])
def test_fixture_round_trips_byte_identically(ro):
    line = orjson.dumps(ro)
    model = RepairOrder.model_validate_json(line)
    assert model.model_dump_json().encode() == line


@pytest.mark.parametrize(
    ("model", "field", "bad"),
    [
        (Totals, "discount", "1.5"),
        (Totals, "discount", "-1.00"),
        (Totals, "discount", "1,00"),
        (Totals, "discount", " 1.00"),
        (Totals, "discount", "1.00\n"),
        (Totals, "tax_rate", "0.072"),
        (Totals, "tax_rate", "1.0000"),
        (Totals, "discount", 1.0),
        (Totals, "discount", Decimal("1.00")),
    ],
)
def test_decimal_fields_accept_only_the_contract_string_format(model, field, bad):
    values = {name: "0.00" for name in Totals.model_fields} | {"tax_rate": "0.0000"}
    model.model_validate(values)
    with pytest.raises(ValidationError):
        model.model_validate(values | {field: bad})


def test_every_model_forbids_unknown_keys_and_is_strict():
    with pytest.raises(ValidationError) as raised:
        Customer.model_validate(fixture_ro(CUSTOMER_RO)["customer"] | {"loyalty_tier": "gold"})
    # Rule ids are given by RepairOrder; a part model on its own reports pydantic's error type.
    assert raised.value.errors()[0]["type"] == "extra_forbidden"
    with pytest.raises(ValidationError):
        LaborLine.model_validate(fixture_ro(CUSTOMER_RO)["labor"][0] | {"index": "1"})


def test_every_field_has_a_description():
    for model in (RepairOrder, Shop, Customer, LaborLine, Totals):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name}"


def test_python_mode_input_with_model_instances_is_checked_against_the_rules_too():
    ro = fixture_ro(CUSTOMER_RO)
    ro["shop"] = Shop.model_validate(ro["shop"])
    RepairOrder.model_validate(ro)
    ro["labor"][0]["hours"] = "0.6"
    with pytest.raises(ValidationError) as raised:
        RepairOrder.model_validate(ro)
    assert [error["type"] for error in raised.value.errors()] == ["R3-labor-amount"]


def test_fixed_point_helpers_are_exact_inverses():
    assert fixed("174.00") == 17400 and fixed("0.0725") == 725 and fixed("40.0") == 400
    assert (
        quantity_hundredths("4") == 400
        and quantity_hundredths("1.5") == 150
        and quantity_hundredths("1.25") == 125
    )
    assert format_cents(5) == "0.05" and format_tenths(5) == "0.5" and format_ten_thousandths(725) == "0.0725"
    assert format_hundredths(400) == "4" and format_hundredths(150) == "1.50"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repair_orders())
def test_random_valid_ros_validate_and_round_trip_byte_identically(ro):
    line = orjson.dumps(ro)
    model = RepairOrder.model_validate(ro)
    assert model.model_dump_json().encode() == line
    again = RepairOrder.model_validate_json(model.model_dump_json().encode())
    assert again.model_dump_json().encode() == line
