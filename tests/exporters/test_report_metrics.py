from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporters.report.accumulator import MetricsAccumulator, fixed_point
from exporters.report.registry import METRICS, filter_problem, measure

START, END = date(2024, 1, 1), date(2025, 1, 1)


def ro(
    number: int,
    *,
    vin="VIN1",
    shop_kind="dealer",
    customer_kind="individual",
    opened="2024-03-01",
    jobs=(("customer", "1.5"),),
    totals=("100.00", "0.00", "0.00"),
    odometer=50_000,
):
    customer, warranty, internal = totals
    total = f"{(fixed_point(customer) + fixed_point(warranty) + fixed_point(internal)) / 100:.2f}"
    return {
        "ro_number": f"TX{number:03d}-000001",
        "shop": {"shop_id": f"TX{number % 3:03d}", "kind": shop_kind},
        "customer": {"kind": customer_kind},
        "vehicle": {"vin": vin, "odometer_in": odometer},
        "opened_at": f"{opened}T09:00:00-05:00",
        "jobs": [{"index": index, "pay_type": pay} for index, (pay, _) in enumerate(jobs, start=1)],
        "labor": [{"job_index": index, "hours": hours} for index, (_, hours) in enumerate(jobs, start=1)],
        "totals": {
            "total": total,
            "customer_pay": customer,
            "warranty_pay": warranty,
            "internal_pay": internal,
        },
    }


def truth(
    number: int, *, visit_kind="failure", concerns=("battery",), age_days=3652, archetype="private_owner"
):
    return {
        "ro_number": f"TX{number:03d}-000001",
        "visit_kind": visit_kind,
        "vehicle_age_days": age_days,
        "archetype": archetype,
        "jobs": [{"concern": concern} for concern in concerns],
    }


def accumulate(*pairs, vehicles=(), customers=()):
    accumulator = MetricsAccumulator(START, END)
    for ro_dict, truth_row in pairs:
        accumulator.add_ro(ro_dict, truth_row)
    for row in customers:
        accumulator.add_customer(row)
    for row in vehicles:
        accumulator.add_vehicle(row)
    return accumulator.finish()


def test_means_by_shop_kind_and_pay_type_use_each_pay_portion():
    data = accumulate(
        (ro(1, totals=("300.00", "0.00", "0.00"), jobs=(("customer", "1.0"),)), truth(1)),
        (
            ro(2, totals=("100.00", "400.00", "0.00"), jobs=(("customer", "0.5"), ("warranty", "2.5"))),
            truth(2),
        ),
        (
            ro(3, shop_kind="independent", totals=("50.00", "0.00", "0.00"), jobs=(("customer", "3.0"),)),
            truth(3),
        ),
    )
    dealer = {"shop_kind": "dealer"}
    assert measure("mean_ro_value", data, {**dealer, "pay_type": "customer"}) == pytest.approx(200.0)
    assert measure("mean_ro_value", data, {**dealer, "pay_type": "warranty"}) == pytest.approx(400.0)
    assert measure("mean_ro_value", data, dealer) == pytest.approx(400.0)
    assert measure("mean_ro_value", data) == pytest.approx(850 / 3)
    assert measure("hours_per_ro", data, dealer) == pytest.approx(2.0)
    assert measure("hours_per_ro", data, {**dealer, "pay_type": "warranty"}) == pytest.approx(2.5)
    assert measure("hours_per_ro", data, {"shop_kind": "independent"}) == pytest.approx(3.0)
    assert measure("jobs_per_ro", data) == pytest.approx(4 / 3)
    assert measure("pay_type_sales_share", data, {**dealer, "pay_type": "warranty"}) == pytest.approx(0.5)
    assert measure("pay_type_ro_share", data, {"pay_type": "warranty"}) == pytest.approx(1 / 3)
    assert measure("mean_ro_value", data, {"shop_kind": "quick_lube"}) is None
    assert measure("ro_count", data, {"shop_kind": "quick_lube"}) == 0.0


def test_visit_kinds_comebacks_concerns_and_coverage():
    data = accumulate(
        (ro(1), truth(1, visit_kind="comeback", concerns=("battery", "battery"))),
        (
            ro(2, customer_kind="fleet"),
            truth(2, visit_kind="maintenance", concerns=("oil_change",), archetype="delivery_fleet"),
        ),
        (
            ro(3, shop_kind="quick_lube"),
            truth(3, visit_kind="maintenance", concerns=("oil_change", "battery")),
        ),
        (ro(4), truth(4)),
    )
    assert measure("comeback_rate", data) == pytest.approx(0.25)
    assert measure("comeback_rate", data, {"shop_kind": "dealer"}) == pytest.approx(1 / 3)
    assert measure("visit_kind_share", data, {"visit_kind": "maintenance"}) == pytest.approx(0.5)
    assert measure("concern_ro_share", data, {"concern": "battery"}) == pytest.approx(0.75)
    assert measure("concern_ro_share", data, {"concern": "oil_change", "customer_kind": "fleet"}) == 1.0
    assert measure("shop_kinds_present", data) == 2
    assert measure("visit_kinds_present", data) == 3
    assert measure("archetypes_present", data) == 2
    assert measure("pay_types_present", data) == 1


def test_gaps_between_visits_follow_opening_dates_not_arrival_order():
    data = accumulate(
        (ro(1, opened="2024-03-21"), truth(1)),
        (ro(2, opened="2024-03-01"), truth(2)),
        (ro(3, opened="2024-03-11"), truth(3)),
        (ro(4, vin="VIN2", opened="2024-05-01"), truth(4)),
    )
    assert data.visit_gap_days == {10: 2}
    assert measure("days_between_visits", data) == 10
    assert measure("repeat_vin_share", data) == 0.5


@given(st.lists(st.integers(0, 365), min_size=2, max_size=12))
def test_mean_gap_is_the_span_over_the_gaps_for_one_vin(days):
    accumulator = MetricsAccumulator(START, END)
    for number, day in enumerate(days):
        opened = date.fromordinal(START.toordinal() + day).isoformat()
        accumulator.add_ro(ro(number, opened=opened), truth(number))
    data = accumulator.finish()
    assert measure("days_between_visits", data) == pytest.approx((max(days) - min(days)) / (len(days) - 1))


def test_exposure_and_age_in_operation_come_from_vehicles_and_their_owners():
    vehicles = [
        {
            "in_service": "2014-07-01",
            "scrapped": None,
            "ownerships": [{"customer_uuid": "a", "start": "2014-07-01", "end": None}],
        },
        {
            "in_service": "2024-01-01",
            "scrapped": "2024-07-01",  # scrapped before mid-window
            "ownerships": [{"customer_uuid": "b", "start": "2024-01-01", "end": None}],
        },
        {
            "in_service": "2020-07-01",
            "scrapped": None,
            "ownerships": [
                {"customer_uuid": "a", "start": "2020-07-01", "end": "2024-02-01"},
                {"customer_uuid": "f", "start": "2024-02-01", "end": None},
            ],
        },
    ]
    customers = [
        {"customer_uuid": "a", "kind": "individual"},
        {"customer_uuid": "f", "kind": "fleet"},
        {"customer_uuid": "b", "kind": "individual"},
    ]
    pairs = [(ro(n), truth(n)) for n in range(5)]
    data = accumulate(*pairs, vehicles=vehicles, customers=customers)
    assert data.vehicle_years == pytest.approx((366 + 182 + 366) / 365.25)
    assert measure("visits_per_vehicle_year", data) == pytest.approx(5 / data.vehicle_years)
    assert measure("concern_per_vehicle_year", data, {"concern": "battery"}) == pytest.approx(
        5 / data.vehicle_years
    )
    assert measure("concern_per_vehicle_year", data, {"concern": "tires"}) == 0.0
    middle = date(2024, 7, 2)  # 183 days into a 366-day window
    assert measure("vehicle_age_in_operation", data, {"customer_kind": "individual"}) == pytest.approx(
        (middle - date(2014, 7, 1)).days / 365.25
    )
    assert measure("vehicle_age_in_operation", data, {"customer_kind": "fleet"}) == pytest.approx(
        (middle - date(2020, 7, 1)).days / 365.25
    )


def test_age_odometer_and_spans_at_visit():
    accumulator = MetricsAccumulator(START, END)
    accumulator.add_ro(ro(1, odometer=10_000), truth(1, age_days=365))
    accumulator.add_ro(ro(2, odometer=30_000), truth(2, age_days=1096))
    for kind in ("PERSON", "PERSON", "VIN"):
        accumulator.add_span({"entity_type": kind})
    data = accumulator.finish()
    assert measure("odometer_at_visit", data) == 20_000
    assert measure("vehicle_age_at_visit", data) == pytest.approx((365 + 1096) / 2 / 365.25)
    assert measure("pii_spans_per_ro", data) == 1.5
    assert measure("pii_spans_per_ro", data, {"entity_type": "VIN"}) == 0.5


def test_miles_between_visits_and_oil_changes_by_hand():
    # VIN1, a private car: oil changes at 10,000 (Jan 1), 15,000 (Apr 10) and 21,000 (Sep 27, by a
    # quick lube), a brake job between them at 12,000 (Feb 20); VIN2 a fleet van, VIN3 seen once.
    oil = ("oil_change",)
    data = accumulate(
        (ro(1, opened="2024-09-27", odometer=21_000, shop_kind="quick_lube"), truth(1, concerns=oil)),
        (ro(2, opened="2024-01-01", odometer=10_000), truth(2, concerns=("oil_change", "battery"))),
        (ro(3, opened="2024-04-10", odometer=15_000), truth(3, concerns=oil)),
        (ro(4, opened="2024-02-20", odometer=12_000), truth(4, concerns=("brakes",))),
        (
            ro(5, vin="VIN2", customer_kind="fleet", opened="2024-03-01", odometer=200_000),
            truth(5, concerns=oil),
        ),
        (
            ro(6, vin="VIN2", customer_kind="fleet", opened="2024-05-01", odometer=207_000),
            truth(6, concerns=oil),
        ),
        (ro(7, vin="VIN3", opened="2024-06-01", odometer=250_000), truth(7)),
    )
    individual, fleet = {"customer_kind": "individual"}, {"customer_kind": "fleet"}
    # 11,000 miles in the 270 days from Jan 1 to Sep 27; the van 7,000 in the 61 days of Mar-Apr
    assert measure("annual_miles", data, individual) == pytest.approx(11_000 / 270 * 365.25)
    assert measure("annual_miles", data, fleet) == pytest.approx(7_000 / 61 * 365.25)
    assert measure("annual_miles", data) == pytest.approx(18_000 / 331 * 365.25)
    # oil changes 5,000 and 6,000 miles apart (the brake job in between does not count); the van's 7,000
    assert measure("oil_change_interval_miles", data, individual) == 5_500
    assert measure("oil_change_interval_miles", data, fleet) == 7_000
    assert measure("oil_change_interval_miles", data) == 6_000
    # 200,000 and more: both van ROs and VIN3, 3 of 7
    assert measure("high_mileage_ro_share", data) == pytest.approx(3 / 7)
    assert measure("high_mileage_ro_share", data, individual) == pytest.approx(1 / 5)
    assert measure("high_mileage_ro_share", data, {"shop_kind": "quick_lube"}) == 0.0


def test_visits_of_a_vin_by_owners_of_different_kinds_count_only_without_a_kind():
    data = accumulate(
        (
            ro(1, customer_kind="fleet", opened="2024-01-01", odometer=100_000),
            truth(1, concerns=("oil_change",)),
        ),
        (ro(2, opened="2024-07-01", odometer=106_000), truth(2, concerns=("oil_change",))),
    )
    assert measure("annual_miles", data, {"customer_kind": "individual"}) is None
    assert measure("oil_change_interval_miles", data, {"customer_kind": "fleet"}) is None
    assert measure("annual_miles", data) == pytest.approx(6_000 / 182 * 365.25)
    assert measure("oil_change_interval_miles", data) == 6_000


@pytest.mark.parametrize("odometer", [-1, 2**61])
def test_an_odometer_out_of_range_is_refused(odometer):
    with pytest.raises(ValueError, match="odometer_in"):
        MetricsAccumulator(START, END).add_ro(ro(1, odometer=odometer), truth(1))


def test_a_truth_row_of_another_ro_is_refused():
    with pytest.raises(ValueError, match="does not belong"):
        MetricsAccumulator(START, END).add_ro(ro(1), truth(2))


def test_every_metric_is_documented_and_computes_on_empty_data():
    empty = MetricsAccumulator(START, END).finish()
    for name, metric in METRICS.items():
        assert metric.unit and metric.definition.endswith((".", ")")), name
        filters = {
            key: {"pay_type": "customer", "visit_kind": "failure"}.get(key, "x") for key in metric.required
        }
        value = metric.compute(empty, filters)
        assert value is None or value == 0.0, name


def test_filter_problems_are_explained():
    assert "unknown metric" in filter_problem("nope", {})
    assert "does not take pay_type" in filter_problem("jobs_per_ro", {"pay_type": "customer"})
    assert "needs pay_type" in filter_problem("pay_type_sales_share", {})
    assert "is not one of" in filter_problem("jobs_per_ro", {"shop_kind": "garage"})
    assert filter_problem("mean_ro_value", {"shop_kind": "dealer", "pay_type": "warranty"}) is None
