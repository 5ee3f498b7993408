from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from exporters.config import ExportConfig
from exporters.models import RepairOrder
from exporters.ro_builder import RoBuilder, rfc3339, span_rows
from tests.exporters.visit_factory import make_visit

BUILDER = RoBuilder(ExportConfig(narrative_pii_rate=0.2))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**40))
def test_every_visit_becomes_a_valid_ro_whose_line_round_trips(seed):
    built = BUILDER.build(make_visit(seed))
    parsed = orjson.loads(built.json_line)
    assert parsed == built.json_form
    assert list(parsed) == list(RepairOrder.model_fields)
    assert built.json_line == RepairOrder.model_validate(parsed).model_dump_json().encode()


def test_the_same_visit_gives_the_same_bytes_in_a_fresh_builder():
    visit = make_visit(77)
    assert (
        BUILDER.build(visit).json_line
        == RoBuilder(ExportConfig(narrative_pii_rate=0.2)).build(visit).json_line
    )


def test_fleet_fields_and_money_formats():
    visit = make_visit(3)
    built = BUILDER.build(visit)
    ro = built.json_form
    assert (ro["purchase_order"] is not None) == (ro["customer"]["kind"] == "fleet")
    assert ro["totals"]["tax_rate"] == f"0.{visit.shop.tax_rate:04d}"
    assert ro["opened_at"] == visit.opened_at.isoformat()


def test_a_visit_the_contract_rejects_raises_instead_of_being_written():
    visit = make_visit(4)
    broken = replace(visit, odometer_out=visit.odometer_in - 1)
    with pytest.raises(ValidationError, match="F20-odometer"):
        BUILDER.build(broken)


def test_span_rows_carry_the_ro_number():
    for seed in range(50):
        built = RoBuilder(ExportConfig(narrative_pii_rate=1)).build(make_visit(seed))
        rows = span_rows(built.json_form["ro_number"], built.narrative)
        assert rows and all(row["ro_number"] == built.json_form["ro_number"] for row in rows)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2060, 1, 1), allow_imaginary=True),
    st.sampled_from(["America/New_York", "America/Phoenix", "America/St_Johns", "Asia/Kolkata", "UTC"]),
    st.integers(0, 1),
)
def test_rfc3339_is_isoformat_to_the_second(moment, zone, fold):
    aware = moment.replace(tzinfo=ZoneInfo(zone), fold=fold)
    assert rfc3339(aware) == aware.isoformat(timespec="seconds")
