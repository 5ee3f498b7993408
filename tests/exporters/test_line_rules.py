"""Record rules on an RO's lines and totals (exporters.line_rules) where the fixture ROs and the
generator never land: amounts just below a half cent, several misnumbered lines, references broken
where every job still has labor, a discount larger than the lines, the highest tax rate."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from exporters.validation.records import check_line
from tests.exporters.rule_checks import CUSTOMER_RO, FLEET_RO, broken_rules
from tests.exporters.test_rules import (
    Mutation,
    _add_money,
    _both,
    _mutated,
    _set,
    _then_reconcile,
)

Report = list[tuple[str, tuple[str | int, ...], str]]


def _report(ro: dict[str, Any]) -> Report:
    _, violations, _ = check_line(orjson.dumps(ro))
    return [(violation.rule, violation.loc, violation.text()) for violation in violations]


@pytest.mark.parametrize(
    ("mutation", "where", "amount"),
    [
        # 0.2 h at 145.02 = 29.004: 29.00, not 29.01.
        (
            _then_reconcile(_set("shop.labor_rates.customer", "145.02"), _set("labor.0.hours", "0.2")),
            ("labor", 0, "amount"),
            "29.00",
        ),
        # 1.01 at 9.49 = 9.5849: 9.58, not 9.59.
        (_then_reconcile(_set("parts.0.quantity", "1.01")), ("parts", 0, "amount"), "9.58"),
        # Taxable 114.90 + 12.50 + 4.11 = 131.51 at 6.49 % = 8.534999: 8.53, not 8.54.
        (
            _then_reconcile(_set("fees.1.amount", "4.11"), _set("totals.tax_rate", "0.0649")),
            ("totals", "tax"),
            "8.53",
        ),
    ],
    ids=["labor", "part", "tax"],
)
def test_an_amount_just_below_a_half_cent_rounds_down(mutation, where, amount):
    ro = _mutated(CUSTOMER_RO, mutation)
    value = ro
    for key in where:
        value = value[key]
    assert value == amount
    assert broken_rules(ro) == set()


def test_an_ro_may_be_taxed_at_the_highest_rate():
    assert broken_rules(_mutated(CUSTOMER_RO, _then_reconcile(_set("totals.tax_rate", "0.1500")))) == set()


@pytest.mark.parametrize(
    ("mutation", "report"),
    [
        (
            _both(_set("jobs.0.index", 2), _set("jobs.1.index", 1)),
            [("R1-indices", ("jobs", 0, "index"), "jobs indices are not 1..n (expected 1, found 2)")],
        ),
        (
            _both(_set("labor.0.index", 2), _set("labor.1.index", 1)),
            [("R1-indices", ("labor", 0, "index"), "labor indices are not 1..n (expected 1, found 2)")],
        ),
        (
            _both(_set("parts.0.index", 3), _set("parts.2.index", 1)),
            [("R1-indices", ("parts", 0, "index"), "parts indices are not 1..n (expected 1, found 3)")],
        ),
    ],
    ids=["jobs", "labor", "parts"],
)
def test_only_the_first_misnumbered_line_of_a_list_is_reported(mutation, report):
    assert _report(_mutated(CUSTOMER_RO, mutation)) == report


def _in_the_customers_totals(cents: int) -> Mutation:
    """Counts ``cents`` more in the subtotal, total and customer pay, as a customer-pay line would."""
    return _both(*(_add_money(f"totals.{key}", cents) for key in ("subtotal", "total", "customer_pay")))


def _labor_line_of_no_job(ro: dict[str, Any]) -> None:
    ro["labor"].append({**ro["labor"][0], "index": 3, "job_index": 9, "hours": "0.1", "amount": "14.50"})
    _both(_add_money("totals.labor", 1450), _in_the_customers_totals(1450))(ro)


@pytest.mark.parametrize(
    ("ro_number", "mutation", "report"),
    [
        (
            CUSTOMER_RO,
            _labor_line_of_no_job,
            [
                (
                    "R2-references",
                    ("labor", 2, "job_index"),
                    "job_index names no job (expected one of [1, 2], found 9)",
                )
            ],
        ),
        (
            FLEET_RO,  # the customer's tire rotation billed on the warranty recall's job
            _set("labor.1.job_index", 1),
            [
                (
                    "R3-labor-rate",
                    ("labor", 1, "rate"),
                    "rate is not the posted warranty rate (expected 120.00, found 145.00)",
                ),
                (
                    "R2-references",
                    ("jobs", 1),
                    "job has no labor line (expected at least one labor line, found 0)",
                ),
            ],
        ),
    ],
    ids=["labor-of-no-job", "job-without-labor"],
)
def test_a_broken_reference_leaves_the_pay_split_unchecked(ro_number, mutation, report):
    # Only the references are wrong: a pay split of the lines as they are attributed would also report
    # the customer's share (a stray labor line counted in its totals; labor moved to the warranty job).
    assert _report(_mutated(ro_number, mutation)) == report


def test_a_line_total_off_by_a_cent_is_reported_where_it_is():
    assert _report(_mutated(CUSTOMER_RO, _add_money("totals.labor", 1))) == [
        (
            "R5-line-totals",
            ("totals", "labor"),
            "totals.labor is not the sum of its lines (expected 275.50, found 275.51)",
        ),
        (
            "R7-subtotal",
            ("totals", "subtotal"),
            "subtotal != labor + parts + fees - discount (expected 396.91, found 396.90)",
        ),
    ]


# CUSTOMER_RO: customer-pay labor and parts 390.40, fees 16.50, tax 9.53, subtotal 396.90, total 406.43.
@pytest.mark.parametrize(
    ("discount", "subtotal", "customer_pay"),
    [("406.90", "0.00", "9.53"), ("416.43", "-9.53", "0.00"), ("1000.00", "-593.10", "-583.57")],
)
def test_a_discount_larger_than_the_lines_reports_the_shortfall_as_money(discount, subtotal, customer_pay):
    assert _report(_mutated(CUSTOMER_RO, _set("totals.discount", discount))) == [
        (
            "R7-subtotal",
            ("totals", "subtotal"),
            f"subtotal != labor + parts + fees - discount (expected {subtotal}, found 396.90)",
        ),
        (
            "R6-discount",
            ("totals", "discount"),
            f"discount above customer-pay labor + parts (expected <= 390.40, found {discount})",
        ),
        (
            "R10-pay-split",
            ("totals", "customer_pay"),
            f"customer_pay is not its share of the lines (expected {customer_pay}, found 406.43)",
        ),
    ]
