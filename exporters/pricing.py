"""A visit's money: priced labor, parts, fees, discount, tax and the pay split, in integer cents.

Every amount is exact integer arithmetic with half-up rounding to the cent, in the order the
contract's record rules recompute it, so the totals reconcile by construction.

A shop charges one price for one part in a calendar year (``exporters.part_prices``: the list
price moved by the yearly index, OEM or aftermarket, plus the shop's markup), the year being the
RO's opening year as for the posted labor rates; a part on a warranty job is priced at what the
manufacturer pays for it. Chance enters only through the visit's own
``random.Random`` (the coupon), so the worker that prices a visit cannot matter.

The line items come out in the contract's JSON form (the RO's ``labor``, ``parts`` and ``fees``
lists, money as "123.45" strings formatted once from the integer cents); the totals stay integers
for the summaries and are formatted with the RO. A part line's text depends only on (shop, part,
quantity, year) and a labor line's money only on (hours, rate), so both are cached: a shard prices the
same few thousand combinations tens of thousands of times.
"""

from __future__ import annotations

import random
from typing import Any, NamedTuple

from exporters.config import ExportConfig
from exporters.formats import format_cents, format_hundredths, format_tenths
from exporters.part_prices import PartPrices, round_half_up
from world.visit import ShopInfo, Visit

SHOP_SUPPLIES = "shop_supplies"
HAZMAT_DISPOSAL = "hazmat_disposal"
FEE_DESCRIPTIONS = {
    SHOP_SUPPLIES: "Shop supplies",
    HAZMAT_DISPOSAL: "Hazardous materials disposal",
}


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
    labor: list[dict[str, Any]]  # LaborLine dicts in the contract's JSON form
    parts: list[dict[str, Any]]  # PartLine dicts
    fees: list[dict[str, Any]]  # Fee dicts
    totals: Totals
    coupon: bool  # the discount is a coupon rather than a fleet contract


class Pricer:
    """Prices visits against one catalog; caches each shop's part prices and the lines' texts."""

    def __init__(self, catalog, config: ExportConfig) -> None:
        self._parts = catalog.parts
        self._config = config
        self.part_prices = PartPrices(catalog)
        # (shop's pricing key, part_number, quantity, warranty) -> (amount in cents, the PartLine's
        # keys after its indices, copied into each line)
        self._part_lines: dict[tuple[tuple, str, int, bool], tuple[int, dict[str, str]]] = {}
        # (hours, rate) -> (amount in cents, hours text, rate text, amount text)
        self._labor_money: dict[tuple[int, int], tuple[int, str, str, str]] = {}
        # The latest year priced: visits come in time order and posted rates and part prices step each
        # 1 January, so a past year's lines are rarely priced again and both caches start over when a
        # year begins; they hold one year's lines however many years a shard spans.
        self._year = 0

    def forget_shops(self) -> None:
        """Drop the part lines of the shops priced so far (the part list prices stay); the next shard
        starts its years afresh."""
        self._part_lines.clear()
        self._year = 0

    def _part_line(
        self, shop: ShopInfo, year: int, part_number: str, quantity: int, warranty: bool
    ) -> tuple[int, dict[str, str]]:
        part_prices = self.part_prices
        unit_price = (
            part_prices.warranty_price(part_number, year)
            if warranty
            else part_prices.retail_price(shop, part_number, year)
        )
        amount = round_half_up(quantity * unit_price, 100)
        return amount, {
            "part_number": part_number,
            "description": self._parts[part_number].description,
            "quantity": format_hundredths(quantity),
            "unit_price": format_cents(unit_price),
            "amount": format_cents(amount),
        }

    def _labor_line_money(self, hours: int, rate: int) -> tuple[int, str, str, str]:
        amount = round_half_up(hours * rate, 10)
        return amount, format_tenths(hours), format_cents(rate), format_cents(amount)

    def price(self, visit: Visit, rnd: random.Random) -> PricedVisit:
        shop = visit.shop
        year = visit.opened_at.year
        if year > self._year:
            self._year = year
            self._part_lines.clear()
            self._labor_money.clear()
        # Everything a part's price depends on besides the part (tests vary a shop's policy under one id).
        shop_key = (shop.shop_id, shop.kind, shop.parts_markup_bp, shop.category_markup_bp, year)
        rates = visit.labor_rates
        part_lines_cache, labor_money_cache = self._part_lines, self._labor_money
        labor_lines: list[dict[str, Any]] = []
        part_lines: list[dict[str, Any]] = []
        pay = {"customer": 0, "warranty": 0, "internal": 0}  # labor + parts per pay type
        labor_total = parts_total = customer_labor = customer_parts = 0
        has_customer_job = hazmat = False
        labor_index = 0
        for job_index, job in enumerate(visit.jobs, start=1):
            pay_type = job.pay_type
            is_customer = pay_type == "customer"
            is_warranty = pay_type == "warranty"
            rate = getattr(rates, pay_type)
            job_labor = job_parts = 0
            for operation in job.operations:
                labor_index += 1
                hours = operation.hours
                money = labor_money_cache.get((hours, rate))
                if money is None:
                    money = labor_money_cache[hours, rate] = self._labor_line_money(hours, rate)
                amount, hours_text, rate_text, amount_text = money
                labor_lines.append(
                    {
                        "index": labor_index,
                        "job_index": job_index,
                        "op_code": operation.op_code,
                        "description": operation.description,
                        "technician_id": operation.technician_id,
                        "hours": hours_text,
                        "rate": rate_text,
                        "amount": amount_text,
                    }
                )
                job_labor += amount
                if operation.hazmat and is_customer:
                    hazmat = True
                for use in operation.parts:
                    part_key = (shop_key, use.part_number, use.quantity, is_warranty)
                    cached = part_lines_cache.get(part_key)
                    if cached is None:
                        cached = part_lines_cache[part_key] = self._part_line(
                            shop, year, use.part_number, use.quantity, is_warranty
                        )
                    part_amount, rest = cached
                    part_lines.append({"index": len(part_lines) + 1, "labor_index": labor_index, **rest})
                    job_parts += part_amount
            labor_total += job_labor
            parts_total += job_parts
            pay[pay_type] += job_labor + job_parts
            if is_customer:
                has_customer_job = True
                customer_labor += job_labor
                customer_parts += job_parts
        if has_customer_job:
            fee_lines, fee_total = self._fees(shop, customer_labor, hazmat)
            discount, coupon = self._discount(visit, customer_labor + customer_parts, rnd)
        else:
            fee_lines, fee_total, discount, coupon = [], 0, 0, False
        subtotal = labor_total + parts_total + fee_total - discount
        tax = round_half_up((customer_parts + fee_total) * shop.tax_rate, 10_000)
        totals = Totals(
            labor_total,
            parts_total,
            fee_total,
            discount,
            subtotal,
            shop.tax_rate,
            tax,
            subtotal + tax,
            pay["customer"] + fee_total - discount + tax,
            pay["warranty"],
            pay["internal"],
        )
        return PricedVisit(labor_lines, part_lines, fee_lines, totals, coupon)

    def _fees(self, shop: ShopInfo, customer_labor: int, hazmat: bool) -> tuple[list[dict[str, str]], int]:
        """The Fee dicts of a visit with customer-pay work, and their total in cents; ``hazmat``: a
        customer-pay operation handled fluids, batteries or tires."""
        fees: list[dict[str, str]] = []
        supplies = min(round_half_up(customer_labor * shop.supplies_bp, 10_000), shop.supplies_cap)
        total = 0
        if supplies > 0:
            fees.append(self._fee_line(SHOP_SUPPLIES, supplies))
            total += supplies
        if hazmat and shop.hazmat_fee > 0:
            fees.append(self._fee_line(HAZMAT_DISPOSAL, shop.hazmat_fee))
            total += shop.hazmat_fee
        return fees, total

    @staticmethod
    def _fee_line(code: str, amount: int) -> dict[str, str]:
        return {"code": code, "description": FEE_DESCRIPTIONS[code], "amount": format_cents(amount)}

    def _discount(self, visit: Visit, discountable: int, rnd: random.Random) -> tuple[int, bool]:
        """A fleet's contract discount, else an occasional coupon; never above customer-pay labor + parts."""
        if visit.customer.discount_bp > 0:
            return min(discountable, round_half_up(discountable * visit.customer.discount_bp, 10_000)), False
        config = self._config
        if discountable > 0 and config.coupon_amounts and rnd.random() < config.coupon_rate:
            return min(discountable, rnd.choice(config.coupon_amounts)), True
        return 0, False
