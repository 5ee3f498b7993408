"""Record rules R1-R10 on the lines and totals of one RO: indices, references, amounts, totals, pay split.

Called by exporters.rules.record_violations on a structurally valid RO in JSON form. Money, hours and
tax rates are parsed inline as ``int(text.replace(".", ""))`` (exact fixed point: the structure check
has matched their patterns); this loop runs for every RO the generator builds.
"""

from __future__ import annotations

from typing import Any

from exporters.formats import format_cents, quantity_hundredths
from exporters.violation import Violation

MAX_HOURS_TENTHS = 400
MAX_TAX_RATE = 1500


def _index_violation(name: str, position: int, found: Any) -> Violation:
    return Violation(
        "R1-indices", (name, position - 1, "index"), f"{name} indices are not 1..n", position, found
    )


def check_lines_and_totals(
    ro: dict[str, Any], shop_id: str, rates: dict[str, int], out: list[Violation]
) -> None:
    jobs, labor, parts, totals = ro["jobs"], ro["labor"], ro["parts"], ro["totals"]
    job_pay = {}
    indices_ok = True
    for position, job in enumerate(jobs, 1):
        if job["index"] != position and indices_ok:
            out.append(_index_violation("jobs", position, job["index"]))
            indices_ok = False
        job_pay[job["index"]] = job["pay_type"]
    references_ok = True
    labor_by_pay = {"customer": 0, "warranty": 0, "internal": 0}
    parts_by_pay = {"customer": 0, "warranty": 0, "internal": 0}
    labor_pay: dict[int, str] = {}
    jobs_with_labor = set()
    labor_sum = 0
    indices_ok = True
    for position, line in enumerate(labor, 1):
        if line["index"] != position and indices_ok:
            out.append(_index_violation("labor", position, line["index"]))
            indices_ok = False
        if line["technician_id"][:5] != shop_id:
            out.append(
                Violation(
                    "F15-technician-id",
                    ("labor", position - 1, "technician_id"),
                    "technician_id prefix is not shop.shop_id",
                    shop_id,
                    line["technician_id"][:5],
                )
            )
        hours = int(line["hours"].replace(".", ""))
        rate = int(line["rate"].replace(".", ""))
        amount = int(line["amount"].replace(".", ""))
        if not 0 < hours <= MAX_HOURS_TENTHS:
            out.append(
                Violation(
                    "F7-hours",
                    ("labor", position - 1, "hours"),
                    "hours out of range",
                    "0.1..40.0",
                    line["hours"],
                )
            )
        pay_type = job_pay.get(line["job_index"])
        if pay_type is None:
            out.append(
                Violation(
                    "R2-references",
                    ("labor", position - 1, "job_index"),
                    "job_index names no job",
                    f"one of {sorted(job_pay)}",
                    line["job_index"],
                )
            )
            references_ok = False
        else:
            jobs_with_labor.add(line["job_index"])
            labor_pay[line["index"]] = pay_type
            labor_by_pay[pay_type] += amount
            if rate != rates[pay_type]:
                out.append(
                    Violation(
                        "R3-labor-rate",
                        ("labor", position - 1, "rate"),
                        f"rate is not the posted {pay_type} rate",
                        format_cents(rates[pay_type]),
                        line["rate"],
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
                    line["amount"],
                )
            )
        labor_sum += amount
    if len(jobs_with_labor) != len(job_pay):
        for job in jobs:
            if job["index"] not in jobs_with_labor:
                out.append(
                    Violation(
                        "R2-references",
                        ("jobs", job["index"] - 1),
                        "job has no labor line",
                        "at least one labor line",
                        0,
                    )
                )
        references_ok = False
    parts_sum = 0
    indices_ok = True
    for position, part in enumerate(parts, 1):
        if part["index"] != position and indices_ok:
            out.append(_index_violation("parts", position, part["index"]))
            indices_ok = False
        quantity = quantity_hundredths(part["quantity"])
        unit_price = int(part["unit_price"].replace(".", ""))
        amount = int(part["amount"].replace(".", ""))
        if quantity <= 0:
            out.append(
                Violation(
                    "F8-quantity",
                    ("parts", position - 1, "quantity"),
                    "quantity must be > 0",
                    "> 0",
                    part["quantity"],
                )
            )
        if unit_price <= 0:
            out.append(
                Violation(
                    "F6-money",
                    ("parts", position - 1, "unit_price"),
                    "unit_price must be > 0",
                    "> 0.00",
                    part["unit_price"],
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
                    part["amount"],
                )
            )
        pay_type = labor_pay.get(part["labor_index"])
        if pay_type is None:
            if part["labor_index"] not in {line["index"] for line in labor}:
                out.append(
                    Violation(
                        "R2-references",
                        ("parts", position - 1, "labor_index"),
                        "labor_index names no labor line",
                        f"1..{len(labor)}",
                        part["labor_index"],
                    )
                )
            references_ok = False
        else:
            parts_by_pay[pay_type] += amount
        parts_sum += amount
    fees_sum = 0
    for fee in ro["fees"]:
        fees_sum += int(fee["amount"].replace(".", ""))
    total = {key: int(value.replace(".", "")) for key, value in totals.items()}
    if total["labor"] != labor_sum or total["parts"] != parts_sum or total["fees"] != fees_sum:
        for key, line_sum in (("labor", labor_sum), ("parts", parts_sum), ("fees", fees_sum)):
            if total[key] != line_sum:
                out.append(
                    Violation(
                        "R5-line-totals",
                        ("totals", key),
                        f"totals.{key} is not the sum of its lines",
                        format_cents(line_sum),
                        totals[key],
                    )
                )
    if total["tax_rate"] > MAX_TAX_RATE:
        out.append(
            Violation(
                "F9-tax-rate",
                ("totals", "tax_rate"),
                "tax rate above 0.1500",
                "<= 0.1500",
                totals["tax_rate"],
            )
        )
    subtotal = total["labor"] + total["parts"] + total["fees"] - total["discount"]
    if total["subtotal"] != subtotal:
        out.append(
            Violation(
                "R7-subtotal",
                ("totals", "subtotal"),
                "subtotal != labor + parts + fees - discount",
                format_cents(subtotal) if subtotal >= 0 else subtotal,
                totals["subtotal"],
            )
        )
    if total["total"] != total["subtotal"] + total["tax"]:
        out.append(
            Violation(
                "R9-total",
                ("totals", "total"),
                "total != subtotal + tax",
                format_cents(total["subtotal"] + total["tax"]),
                totals["total"],
            )
        )
    if references_ok:
        _check_pay_split(ro, labor_by_pay, parts_by_pay, total, out)


def _check_pay_split(
    ro: dict[str, Any],
    labor_by_pay: dict[str, int],
    parts_by_pay: dict[str, int],
    total: dict[str, int],
    out: list[Violation],
) -> None:
    totals = ro["totals"]
    customer_lines = labor_by_pay["customer"] + parts_by_pay["customer"]
    has_customer_pay = "customer" in {job["pay_type"] for job in ro["jobs"]}
    if not has_customer_pay:
        if ro["fees"]:
            out.append(
                Violation(
                    "R6-discount", ("fees",), "fees without a customer-pay job", "no fees", len(ro["fees"])
                )
            )
        if total["discount"] != 0:
            out.append(
                Violation(
                    "R6-discount",
                    ("totals", "discount"),
                    "discount without a customer-pay job",
                    "0.00",
                    totals["discount"],
                )
            )
    elif total["discount"] > customer_lines:
        out.append(
            Violation(
                "R6-discount",
                ("totals", "discount"),
                "discount above customer-pay labor + parts",
                f"<= {format_cents(customer_lines)}",
                totals["discount"],
            )
        )
    expected_tax = ((parts_by_pay["customer"] + total["fees"]) * total["tax_rate"] + 5000) // 10000
    if total["tax"] != expected_tax:
        out.append(
            Violation(
                "R8-tax",
                ("totals", "tax"),
                "tax != round((customer-pay parts + fees) * tax_rate)",
                format_cents(expected_tax),
                totals["tax"],
            )
        )
    shares = (
        # A discount without customer pay is R6's violation; it has no share to come off.
        (
            "customer_pay",
            customer_lines + total["fees"] - (total["discount"] if has_customer_pay else 0) + total["tax"],
        ),
        ("warranty_pay", labor_by_pay["warranty"] + parts_by_pay["warranty"]),
        ("internal_pay", labor_by_pay["internal"] + parts_by_pay["internal"]),
    )
    for key, expected in shares:
        if total[key] != expected:
            out.append(
                Violation(
                    "R10-pay-split",
                    ("totals", key),
                    f"{key} is not its share of the lines",
                    format_cents(expected) if expected >= 0 else expected,
                    totals[key],
                )
            )
    # The contract's last clause, customer + warranty + internal pay == total, follows from the shares
    # above with R5, R7 and R9: checking it again would only repeat their violations.
