"""A visit's money: priced labor, parts, fees, discount, tax and the pay split, in integer cents.

Every amount is exact integer arithmetic with half-up rounding to the cent, in the order the
contract's record rules recompute it, so the totals reconcile by construction.

A shop charges one price for one part: its retail price is the catalog list-price range at a
point fixed by (shop, part) through blake2b, plus the shop's markup. Chance enters only through
the visit's own ``random.Random`` (the coupon), so the worker that prices a visit cannot matter.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class PricedLabor:
    index: int
    job_index: int
    op_code: str
    description: str
    technician_id: str
    hours: int  # tenths
    rate: int  # cents per hour
    amount: int  # cents


@dataclass(frozen=True, slots=True)
class PricedPart:
    index: int
    labor_index: int
    part_number: str
    description: str
    quantity: int  # hundredths
    unit_price: int  # cents
    amount: int  # cents


@dataclass(frozen=True, slots=True)
class PricedFee:
    code: str
    description: str
    amount: int


@dataclass(frozen=True, slots=True)
class Totals:
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


@dataclass(frozen=True, slots=True)
class PricedVisit:
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
        key = (shop_id, part_number, markup_bp)
        price = self._retail.get(key)
        if price is None:
            part = self._parts[part_number]
            digest = hashlib.blake2b(f"{shop_id}\x1f{part_number}".encode(), digest_size=8).digest()
            span = part.price_max - part.price_min
            list_price = part.price_min + int.from_bytes(digest, "big") % (span + 1)
            price = max(1, round_half_up(list_price * (10_000 + markup_bp), 10_000))
            self._retail[key] = price
        return price

    def price(self, visit: Visit, rnd: random.Random) -> PricedVisit:
        shop = visit.shop
        rates = visit.labor_rates
        labor_lines: list[PricedLabor] = []
        part_lines: list[PricedPart] = []
        by_pay = {"customer": [0, 0], "warranty": [0, 0], "internal": [0, 0]}  # [labor, parts]
        hazmat = False
        for job_index, job in enumerate(visit.jobs, start=1):
            rate = getattr(rates, job.pay_type)
            pay_sums = by_pay[job.pay_type]
            for operation in job.operations:
                labor_index = len(labor_lines) + 1
                amount = round_half_up(operation.hours * rate, 10)
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
                if operation.hazmat and job.pay_type == "customer":
                    hazmat = True
                for use in operation.parts:
                    unit_price = self.retail_price(shop.shop_id, shop.parts_markup_bp, use.part_number)
                    part_amount = round_half_up(use.quantity * unit_price, 100)
                    part_lines.append(
                        PricedPart(
                            len(part_lines) + 1,
                            labor_index,
                            use.part_number,
                            self._parts[use.part_number].description,
                            use.quantity,
                            unit_price,
                            part_amount,
                        )
                    )
                    pay_sums[1] += part_amount
        customer_labor, customer_parts = by_pay["customer"]
        has_customer_job = any(job.pay_type == "customer" for job in visit.jobs)
        fees = self._fees(visit, customer_labor, hazmat) if has_customer_job else ()
        discount, coupon = (
            self._discount(visit, customer_labor + customer_parts, rnd) if has_customer_job else (0, False)
        )
        fee_total = sum(fee.amount for fee in fees)
        labor_total = sum(line.amount for line in labor_lines)
        parts_total = sum(line.amount for line in part_lines)
        subtotal = labor_total + parts_total + fee_total - discount
        tax = round_half_up((customer_parts + fee_total) * shop.tax_rate, 10_000)
        customer_pay = customer_labor + customer_parts + fee_total - discount + tax
        totals = Totals(
            labor=labor_total,
            parts=parts_total,
            fees=fee_total,
            discount=discount,
            subtotal=subtotal,
            tax_rate=shop.tax_rate,
            tax=tax,
            total=subtotal + tax,
            customer_pay=customer_pay,
            warranty_pay=sum(by_pay["warranty"]),
            internal_pay=sum(by_pay["internal"]),
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
