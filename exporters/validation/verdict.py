"""Whether an RO breaks no record rule, answered in one lean pass: the fast path's check of every RO.

``record_is_clean(ro)`` is True only when ``exporters.rules.ro_violations(ro)`` is empty; a False
says nothing (the caller asks ro_violations, which names each broken rule). It returns at the first
doubt and keeps no findings, no per-pay-type dicts and no sets: an RO's jobs, labor lines and parts
are numbered 1..n when clean, so references are positions into lists, and pay types index tuples.
Every number is read through the parse tables of exporters.formats, as the rules read them, so a
value out of its contract format raises ValueError here as it does there. It runs on ROs whose
identifiers and datetimes match their patterns (exporters.validation.fast_path checks them first).
"""

from __future__ import annotations

from exporters.formats import CENTS, HUNDREDTHS, TEN_THOUSANDTHS, TENTHS
from exporters.line_rules import MAX_HOURS_TENTHS, MAX_TAX_RATE
from exporters.rules import MAX_ODOMETER_GAIN, MIN_MODEL_YEAR, cached_vin_problem, times_are_valid
from exporters.validation.structs import RepairOrder

_CUSTOMER, _WARRANTY, _INTERNAL = 0, 1, 2
_PAY_TYPES = {"customer": _CUSTOMER, "warranty": _WARRANTY, "internal": _INTERNAL}


def record_is_clean(ro: RepairOrder) -> bool:
    """True only if no record rule (exporters.rules, exporters.line_rules) reports anything for ``ro``."""
    shop = ro.shop
    shop_id = shop.shop_id
    labor_rates = shop.labor_rates
    posted = (CENTS[labor_rates.customer], CENTS[labor_rates.warranty], CENTS[labor_rates.internal])
    customer = ro.customer
    fleet = customer.kind == "fleet"
    vehicle = ro.vehicle
    year = vehicle.year
    odometer_in = vehicle.odometer_in
    if not (
        ro.ro_number[:5] == shop_id
        and ro.advisor_id[:5] == shop_id
        and posted[0] > 0
        and posted[1] > 0
        and posted[2] > 0
        and (ro.purchase_order is not None) == fleet
        and (customer.contact_name is not None) == fleet
        and MIN_MODEL_YEAR <= year <= int(ro.opened_at[:4]) + 1
        and 0 <= odometer_in <= vehicle.odometer_out <= odometer_in + MAX_ODOMETER_GAIN
        and cached_vin_problem(vehicle.vin, year) is None
        and times_are_valid(ro.opened_at, ro.closed_at, shop.timezone)
    ):
        return False
    return _lines_are_clean(ro, shop_id, posted)


def _lines_are_clean(ro: RepairOrder, shop_id: str, posted: tuple[int, int, int]) -> bool:
    """R1-R10 with F6-F9 and F15 on the lines and totals (exporters.line_rules)."""
    job_pay = []
    for position, job in enumerate(ro.jobs, 1):
        if job.index != position:
            return False
        job_pay.append(_PAY_TYPES[job.pay_type])
    job_count = len(job_pay)
    job_has_labor = [False] * job_count
    labor_pay = []
    by_pay = [0, 0, 0]  # labor and parts amounts per pay type
    labor_sum = 0
    for position, line in enumerate(ro.labor, 1):
        job_index = line.job_index
        if not (line.index == position and line.technician_id[:5] == shop_id and 1 <= job_index <= job_count):
            return False
        pay = job_pay[job_index - 1]
        hours, rate, amount = TENTHS[line.hours], CENTS[line.rate], CENTS[line.amount]
        if not (0 < hours <= MAX_HOURS_TENTHS and rate == posted[pay] and amount == (hours * rate + 5) // 10):
            return False
        job_has_labor[job_index - 1] = True
        labor_pay.append(pay)
        by_pay[pay] += amount
        labor_sum += amount
    if not all(job_has_labor):
        return False
    labor_count = len(labor_pay)
    parts_sum = customer_parts = 0
    for position, part in enumerate(ro.parts, 1):
        labor_index = part.labor_index
        quantity, unit_price, amount = HUNDREDTHS[part.quantity], CENTS[part.unit_price], CENTS[part.amount]
        if not (
            part.index == position
            and 1 <= labor_index <= labor_count
            and quantity > 0
            and unit_price > 0
            and amount == (quantity * unit_price + 50) // 100
        ):
            return False
        pay = labor_pay[labor_index - 1]
        by_pay[pay] += amount
        parts_sum += amount
        if pay == _CUSTOMER:
            customer_parts += amount
    fees_sum = 0
    for fee in ro.fees:
        fees_sum += CENTS[fee.amount]
    totals = ro.totals
    discount, subtotal, tax, total = (
        CENTS[totals.discount],
        CENTS[totals.subtotal],
        CENTS[totals.tax],
        CENTS[totals.total],
    )
    tax_rate = TEN_THOUSANDTHS[totals.tax_rate]
    has_customer_pay = _CUSTOMER in job_pay
    return (
        CENTS[totals.labor] == labor_sum
        and CENTS[totals.parts] == parts_sum
        and CENTS[totals.fees] == fees_sum
        and tax_rate <= MAX_TAX_RATE
        and subtotal == labor_sum + parts_sum + fees_sum - discount
        and total == subtotal + tax
        # R6: without customer pay no fees and no discount, else the discount within its lines.
        and (discount <= by_pay[_CUSTOMER] if has_customer_pay else not ro.fees and discount == 0)
        and tax == ((customer_parts + fees_sum) * tax_rate + 5000) // 10000
        and CENTS[totals.customer_pay] == by_pay[_CUSTOMER] + fees_sum - discount + tax
        and CENTS[totals.warranty_pay] == by_pay[_WARRANTY]
        and CENTS[totals.internal_pay] == by_pay[_INTERNAL]
    )
