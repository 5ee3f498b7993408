"""A second pricer, written from the contract's text, to check exporters/pricing.py against.

It shares no code with the product: amounts are ``Decimal`` dollars rounded with the standard
library's ROUND_HALF_UP ("Arithmetic is decimal, rounding half up to the cent"), and each step is
the contract's record rule or the pricing policy as the catalog and ShopInfo describe it:

- a labor line's amount is round(hours * rate), the rate being the posted one for its job's pay type;
- a part line's amount is round(quantity * unit_price) (the unit price is the shop's: the oracle
  reads it from the line and checks only that it lies in the catalog range plus the markup);
- only visits with a customer-pay job carry fees or a discount. Shop supplies are
  round(customer-pay labor * supplies share), at most the cap, and listed only when above zero;
  the hazmat fee is charged once when a customer-pay operation handles hazardous material;
- a fleet's contract discount is round((customer-pay labor + parts) * discount share), at most that
  base; a coupon is a fixed amount, at most that base;
- tax is round((customer-pay parts + fees) * tax rate): labor and warranty or internal lines are untaxed;
- customer_pay is customer-pay labor + parts + fees - discount + tax; warranty_pay and internal_pay
  are the sums of their lines.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from world.visit import Visit

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def share(basis_points: int) -> Decimal:
    return Decimal(basis_points) / 10_000


def dollars(amount_cents: int) -> Decimal:
    return Decimal(amount_cents) / 100


def expected_money(visit: Visit, unit_prices: list[Decimal], coupon: Decimal | None = None) -> dict:
    """The visit's line amounts, fees and totals in Decimal dollars.

    ``unit_prices``: the unit price of each part line in RO order (the shop's price, as written).
    ``coupon``: the coupon amount the visit drew, if it is not a fleet customer's and drew one.
    """
    shop = visit.shop
    rates = {
        "customer": dollars(visit.labor_rates.customer),
        "warranty": dollars(visit.labor_rates.warranty),
        "internal": dollars(visit.labor_rates.internal),
    }
    labor_amounts, part_amounts = [], []
    by_pay = {pay: {"labor": Decimal(0), "parts": Decimal(0)} for pay in rates}
    customer_hazmat = False
    prices = iter(unit_prices)
    for job in visit.jobs:
        for operation in job.operations:
            labor = cents(Decimal(operation.hours) / 10 * rates[job.pay_type])
            labor_amounts.append(labor)
            by_pay[job.pay_type]["labor"] += labor
            customer_hazmat |= operation.hazmat and job.pay_type == "customer"
            for use in operation.parts:
                part = cents(Decimal(use.quantity) / 100 * next(prices))
                part_amounts.append(part)
                by_pay[job.pay_type]["parts"] += part
    customer = by_pay["customer"]
    fees: dict[str, Decimal] = {}
    discount = Decimal(0)
    base = customer["labor"] + customer["parts"]
    if any(job.pay_type == "customer" for job in visit.jobs):
        supplies = min(cents(customer["labor"] * share(shop.supplies_bp)), dollars(shop.supplies_cap))
        if supplies > 0:
            fees["shop_supplies"] = supplies
        if customer_hazmat and shop.hazmat_fee > 0:
            fees["hazmat_disposal"] = dollars(shop.hazmat_fee)
        if visit.customer.discount_bp > 0:
            discount = min(base, cents(base * share(visit.customer.discount_bp)))
        elif coupon is not None:
            discount = min(base, coupon)
    fee_total = sum(fees.values(), Decimal(0))
    labor_total, parts_total = sum(labor_amounts, Decimal(0)), sum(part_amounts, Decimal(0))
    subtotal = labor_total + parts_total + fee_total - discount
    tax = cents((customer["parts"] + fee_total) * share(shop.tax_rate))
    return {
        "labor_lines": labor_amounts,
        "part_lines": part_amounts,
        "fees": fees,
        "labor": labor_total,
        "parts": parts_total,
        "fee_total": fee_total,
        "discount_base": base,
        "discount": discount,
        "subtotal": subtotal,
        "tax": tax,
        "total": subtotal + tax,
        "customer_pay": customer["labor"] + customer["parts"] + fee_total - discount + tax,
        "warranty_pay": by_pay["warranty"]["labor"] + by_pay["warranty"]["parts"],
        "internal_pay": by_pay["internal"]["labor"] + by_pay["internal"]["parts"],
    }
