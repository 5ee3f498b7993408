"""A visit's money: priced labor, parts, fees, discount, tax and the pay split, in integer cents.

Every amount is exact integer arithmetic with half-up rounding to the cent, in the order the
contract's record rules recompute it, so the totals reconcile by construction.

A shop charges one price for one part: its retail price is the catalog list-price range at a
point fixed by (shop, part) through blake2b, plus the shop's markup. Chance enters only through
the visit's own ``random.Random`` (the coupon), so the worker that prices a visit cannot matter.
The priced records are NamedTuples: immutable like frozen dataclasses, and several times cheaper
to create, which counts at a dozen records per RO.
"""

from __future__ import annotations

import hashlib
import random
from typing import NamedTuple

from exporters.config import ExportConfig
from world.visit import Visit

SHOP_SUPPLIES = "shop_supplies"
HAZMAT_DISPOSAL = "hazmat_disposal"
FEE_DESCRIPTIONS = {
    SHOP_SUPPLIES: "Shop supplies",
    HAZMAT_DISPOSAL: "Hazardous materials disposal",
}


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


class PricedLabor(NamedTuple):
    index: int
    job_index: int
    op_code: str
    description: str
    technician_id: str
    hours: int  # tenths
    rate: int  # cents per hour
    amount: int  # cents


class PricedPart(NamedTuple):
    index: int
    labor_index: int
    part_number: str
    description: str
    quantity: int  # hundredths
    unit_price: int  # cents
    amount: int  # cents


class PricedFee(NamedTuple):
    code: str
    description: str
    amount: int


class Totals(NamedTuple):
    labor: int
    parts: int
    fees: int
    discount: int
    subtotal: int
    tax_rate: int  # ten-thousandths
    tax: int
    total: int
    customer_pay: int
    warranty_pay: int
    internal_pay: int


class PricedVisit(NamedTuple):
    labor: tuple[PricedLabor, ...]
    parts: tuple[PricedPart, ...]
    fees: tuple[PricedFee, ...]
    totals: Totals
    coupon: bool  # the discount is a coupon rather than a fleet contract


class Pricer:
    """Prices visits against one catalog; caches each shop's part prices."""

    def __init__(self, catalog, config: ExportConfig) -> None:
        self._parts = catalog.parts
        self._config = config
        self._retail: dict[tuple[str, str, int], int] = {}

    def retail_price(self, shop_id: str, markup_bp: int, part_number: str) -> int:
        return self._retail_part(shop_id, markup_bp, part_number)[0]

    def _retail_part(self, shop_id: str, markup_bp: int, part_number: str) -> tuple[int, str]:
        """(retail unit price, catalog description) of a part at a shop."""
        key = (shop_id, part_number, markup_bp)
        found = self._retail.get(key)
        if found is None:
            part = self._parts[part_number]
            digest = hashlib.blake2b(f"{shop_id}\x1f{part_number}".encode(), digest_size=8).digest()
            span = part.price_max - part.price_min
            list_price = part.price_min + int.from_bytes(digest, "big") % (span + 1)
            price = max(1, round_half_up(list_price * (10_000 + markup_bp), 10_000))
            found = self._retail[key] = (price, part.description)
        return found

    def price(self, visit: Visit, rnd: random.Random) -> PricedVisit:
        shop = visit.shop
        shop_id, markup_bp = shop.shop_id, shop.parts_markup_bp
        rates = visit.labor_rates
        labor_lines: list[PricedLabor] = []
        part_lines: list[PricedPart] = []
        by_pay = {"customer": [0, 0], "warranty": [0, 0], "internal": [0, 0]}  # [labor, parts]
        hazmat = False
        has_customer_job = False
        for job_index, job in enumerate(visit.jobs, start=1):
            pay_type = job.pay_type
            is_customer = pay_type == "customer"
            has_customer_job = has_customer_job or is_customer
            rate = getattr(rates, pay_type)
            pay_sums = by_pay[pay_type]
            for operation in job.operations:
                labor_index = len(labor_lines) + 1
                # round_half_up(hours * rate, 10), inlined: this loop runs for every labor line.
                amount = (operation.hours * rate + 5) // 10
                labor_lines.append(
                    PricedLabor(
                        labor_index,
                        job_index,
                        operation.op_code,
                        operation.description,
                        operation.technician_id,
                        operation.hours,
                        rate,
                        amount,
                    )
                )
                pay_sums[0] += amount
                if operation.hazmat and is_customer:
                    hazmat = True
                for use in operation.parts:
                    unit_price, description = self._retail_part(shop_id, markup_bp, use.part_number)
                    part_amount = (use.quantity * unit_price + 50) // 100
                    part_lines.append(
                        PricedPart(
                            len(part_lines) + 1,
                            labor_index,
                            use.part_number,
                            description,
                            use.quantity,
                            unit_price,
                            part_amount,
                        )
                    )
                    pay_sums[1] += part_amount
        customer_labor, customer_parts = by_pay["customer"]
        warranty_pay = sum(by_pay["warranty"])
        internal_pay = sum(by_pay["internal"])
        fees = self._fees(visit, customer_labor, hazmat) if has_customer_job else ()
        discount, coupon = (
            self._discount(visit, customer_labor + customer_parts, rnd) if has_customer_job else (0, False)
        )
        fee_total = sum(fee.amount for fee in fees)
        labor_total = customer_labor + by_pay["warranty"][0] + by_pay["internal"][0]
        parts_total = customer_parts + by_pay["warranty"][1] + by_pay["internal"][1]
        subtotal = labor_total + parts_total + fee_total - discount
        tax = round_half_up((customer_parts + fee_total) * shop.tax_rate, 10_000)
        customer_pay = customer_labor + customer_parts + fee_total - discount + tax
        totals = Totals(
            labor_total,
            parts_total,
            fee_total,
            discount,
            subtotal,
            shop.tax_rate,
            tax,
            subtotal + tax,
            customer_pay,
            warranty_pay,
            internal_pay,
        )
        return PricedVisit(tuple(labor_lines), tuple(part_lines), fees, totals, coupon)

    def _fees(self, visit: Visit, customer_labor: int, hazmat: bool) -> tuple[PricedFee, ...]:
        shop = visit.shop
        fees: list[PricedFee] = []
        supplies = min(round_half_up(customer_labor * shop.supplies_bp, 10_000), shop.supplies_cap)
        if supplies > 0:
            fees.append(PricedFee(SHOP_SUPPLIES, FEE_DESCRIPTIONS[SHOP_SUPPLIES], supplies))
        if hazmat and shop.hazmat_fee > 0:
            fees.append(PricedFee(HAZMAT_DISPOSAL, FEE_DESCRIPTIONS[HAZMAT_DISPOSAL], shop.hazmat_fee))
        return tuple(fees)

    def _discount(self, visit: Visit, discountable: int, rnd: random.Random) -> tuple[int, bool]:
        """A fleet's contract discount, else an occasional coupon; never above customer-pay labor + parts."""
        if visit.customer.discount_bp > 0:
            return min(discountable, round_half_up(discountable * visit.customer.discount_bp, 10_000)), False
        config = self._config
        if discountable > 0 and config.coupon_amounts and rnd.random() < config.coupon_rate:
            return min(discountable, rnd.choice(config.coupon_amounts)), True
        return 0, False
