"""Record rules R1-R10 on the lines and totals of one RO: indices, references, amounts, totals, pay split.

Called by exporters.rules.ro_violations on a structurally valid RO (exporters.validation.structs).
Money, hours, quantities and tax rates are read as exact fixed-point integers through the tables of
exporters.formats (CENTS, TENTHS, HUNDREDTHS, TEN_THOUSANDTHS), which also refuse a malformed text:
every number of the RO is read here, so the fast path relies on these reads for its format checks.
This runs for every RO the generator builds and the validator reads: the happy path is kept lean.
"""

from __future__ import annotations

from typing import Any

from exporters.formats import CENTS, HUNDREDTHS, TEN_THOUSANDTHS, TENTHS, format_cents
from exporters.validation.structs import RepairOrder
from exporters.violation import Violation

MAX_HOURS_TENTHS = 400
MAX_TAX_RATE = 1500


def _index_violation(name: str, position: int, found: Any) -> Violation:
    return Violation(
        "R1-indices", (name, position - 1, "index"), f"{name} indices are not 1..n", position, found
    )


def _signed_cents(cents: int) -> str:
    """An expected amount that a discount larger than the lines makes negative reads -593.10, as money."""
    return f"-{format_cents(-cents)}" if cents < 0 else format_cents(cents)


def check_lines_and_totals(
    ro: RepairOrder, shop_id: str, rates: dict[str, int], out: list[Violation]
) -> None:
    jobs, labor, parts, totals = ro.jobs, ro.labor, ro.parts, ro.totals
    job_pay = {}
    indices_ok = True
    for position, job in enumerate(jobs, 1):
        if job.index != position and indices_ok:
            out.append(_index_violation("jobs", position, job.index))
            indices_ok = False
        job_pay[job.index] = job.pay_type
    references_ok = True
    labor_by_pay = {"customer": 0, "warranty": 0, "internal": 0}
    parts_by_pay = {"customer": 0, "warranty": 0, "internal": 0}
    labor_pay: dict[int, str] = {}
    jobs_with_labor = set()
    labor_sum = 0
    indices_ok = True
    for position, line in enumerate(labor, 1):
        if line.index != position and indices_ok:
            out.append(_index_violation("labor", position, line.index))
            indices_ok = False
        if line.technician_id[:5] != shop_id:
            out.append(
                Violation(
                    "F15-technician-id",
                    ("labor", position - 1, "technician_id"),
                    "technician_id prefix is not shop.shop_id",
                    shop_id,
                    line.technician_id[:5],
                )
            )
        hours = TENTHS[line.hours]
        rate = CENTS[line.rate]
        amount = CENTS[line.amount]
        if not 0 < hours <= MAX_HOURS_TENTHS:
            out.append(
                Violation(
                    "F7-hours",
                    ("labor", position - 1, "hours"),
                    "hours out of range",
                    "0.1..40.0",
                    line.hours,
                )
            )
        pay_type = job_pay.get(line.job_index)
        if pay_type is None:
            out.append(
                Violation(
                    "R2-references",
                    ("labor", position - 1, "job_index"),
                    "job_index names no job",
                    f"one of {sorted(job_pay)}",
                    line.job_index,
                )
            )
            references_ok = False
        else:
            jobs_with_labor.add(line.job_index)
            labor_pay[line.index] = pay_type
            labor_by_pay[pay_type] += amount
            if rate != rates[pay_type]:
                out.append(
                    Violation(
                        "R3-labor-rate",
                        ("labor", position - 1, "rate"),
                        f"rate is not the posted {pay_type} rate",
                        format_cents(rates[pay_type]),
                        line.rate,
                    )
                )
        expected_amount = (hours * rate + 5) // 10
        if amount != expected_amount:
            out.append(
                Violation(
                    "R3-labor-amount",
                    ("labor", position - 1, "amount"),
                    "amount != round(hours * rate)",
                    format_cents(expected_amount),
                    line.amount,
                )
            )
        labor_sum += amount
    if len(jobs_with_labor) != len(job_pay):
        for job in jobs:
            if job.index not in jobs_with_labor:
                out.append(
                    Violation(
                        "R2-references",
                        ("jobs", job.index - 1),
                        "job has no labor line",
                        "at least one labor line",
                        0,
                    )
                )
        references_ok = False
    parts_sum = 0
    indices_ok = True
    for position, part in enumerate(parts, 1):
        if part.index != position and indices_ok:
            out.append(_index_violation("parts", position, part.index))
            indices_ok = False
        quantity = HUNDREDTHS[part.quantity]
        unit_price = CENTS[part.unit_price]
        amount = CENTS[part.amount]
        if quantity <= 0:
            out.append(
                Violation(
                    "F8-quantity",
                    ("parts", position - 1, "quantity"),
                    "quantity must be > 0",
                    "> 0",
                    part.quantity,
                )
            )
        if unit_price <= 0:
            out.append(
                Violation(
                    "F6-money",
                    ("parts", position - 1, "unit_price"),
                    "unit_price must be > 0",
                    "> 0.00",
                    part.unit_price,
                )
            )
        expected_amount = (quantity * unit_price + 50) // 100
        if amount != expected_amount:
            out.append(
                Violation(
                    "R4-part-amount",
                    ("parts", position - 1, "amount"),
                    "amount != round(quantity * unit_price)",
                    format_cents(expected_amount),
                    part.amount,
                )
            )
        pay_type = labor_pay.get(part.labor_index)
        if pay_type is None:
            if part.labor_index not in {line.index for line in labor}:
                out.append(
                    Violation(
                        "R2-references",
                        ("parts", position - 1, "labor_index"),
                        "labor_index names no labor line",
                        f"1..{len(labor)}",
                        part.labor_index,
                    )
                )
            references_ok = False
        else:
            parts_by_pay[pay_type] += amount
        parts_sum += amount
    fees_sum = 0
    for fee in ro.fees:
        fees_sum += CENTS[fee.amount]
    line_totals = (CENTS[totals.labor], CENTS[totals.parts], CENTS[totals.fees])
    discount = CENTS[totals.discount]
    subtotal = CENTS[totals.subtotal]
    tax_rate = TEN_THOUSANDTHS[totals.tax_rate]
    tax = CENTS[totals.tax]
    total = CENTS[totals.total]
    if line_totals != (labor_sum, parts_sum, fees_sum):
        for key, line_total, line_sum in zip(
            ("labor", "parts", "fees"), line_totals, (labor_sum, parts_sum, fees_sum), strict=True
        ):
            if line_total != line_sum:
                out.append(
                    Violation(
                        "R5-line-totals",
                        ("totals", key),
                        f"totals.{key} is not the sum of its lines",
                        format_cents(line_sum),
                        getattr(totals, key),
                    )
                )
    if tax_rate > MAX_TAX_RATE:
        out.append(
            Violation(
                "F9-tax-rate",
                ("totals", "tax_rate"),
                "tax rate above 0.1500",
                "<= 0.1500",
                totals.tax_rate,
            )
        )
    expected_subtotal = sum(line_totals) - discount
    if subtotal != expected_subtotal:
        out.append(
            Violation(
                "R7-subtotal",
                ("totals", "subtotal"),
                "subtotal != labor + parts + fees - discount",
                _signed_cents(expected_subtotal),
                totals.subtotal,
            )
        )
    if total != subtotal + tax:
        out.append(
            Violation(
                "R9-total",
                ("totals", "total"),
                "total != subtotal + tax",
                format_cents(subtotal + tax),
                totals.total,
            )
        )
    # Read even when the split is not checked below: every number of the RO passes a format table.
    shares = (CENTS[totals.customer_pay], CENTS[totals.warranty_pay], CENTS[totals.internal_pay])
    if references_ok:
        _check_pay_split(ro, labor_by_pay, parts_by_pay, line_totals[2], discount, tax_rate, tax, shares, out)


def _check_pay_split(
    ro: RepairOrder,
    labor_by_pay: dict[str, int],
    parts_by_pay: dict[str, int],
    fees: int,
    discount: int,
    tax_rate: int,
    tax: int,
    shares: tuple[int, int, int],
    out: list[Violation],
) -> None:
    totals = ro.totals
    customer_lines = labor_by_pay["customer"] + parts_by_pay["customer"]
    has_customer_pay = "customer" in {job.pay_type for job in ro.jobs}
    if not has_customer_pay:
        if ro.fees:
            out.append(
                Violation(
                    "R6-discount", ("fees",), "fees without a customer-pay job", "no fees", len(ro.fees)
                )
            )
        if discount != 0:
            out.append(
                Violation(
                    "R6-discount",
                    ("totals", "discount"),
                    "discount without a customer-pay job",
                    "0.00",
                    totals.discount,
                )
            )
    elif discount > customer_lines:
        out.append(
            Violation(
                "R6-discount",
                ("totals", "discount"),
                "discount above customer-pay labor + parts",
                f"<= {format_cents(customer_lines)}",
                totals.discount,
            )
        )
    expected_tax = ((parts_by_pay["customer"] + fees) * tax_rate + 5000) // 10000
    if tax != expected_tax:
        out.append(
            Violation(
                "R8-tax",
                ("totals", "tax"),
                "tax != round((customer-pay parts + fees) * tax_rate)",
                format_cents(expected_tax),
                totals.tax,
            )
        )
    expected_shares = (
        # A discount without customer pay is R6's violation; it has no share to come off.
        customer_lines + fees - (discount if has_customer_pay else 0) + tax,
        labor_by_pay["warranty"] + parts_by_pay["warranty"],
        labor_by_pay["internal"] + parts_by_pay["internal"],
    )
    if shares != expected_shares:
        for key, share, expected in zip(
            ("customer_pay", "warranty_pay", "internal_pay"), shares, expected_shares, strict=True
        ):
            if share != expected:
                out.append(
                    Violation(
                        "R10-pay-split",
                        ("totals", key),
                        f"{key} is not its share of the lines",
                        _signed_cents(expected),
                        getattr(totals, key),
                    )
                )
    # The contract's last clause, customer + warranty + internal pay == total, follows from the shares
    # above with R5, R7 and R9: checking it again would only repeat their violations.
