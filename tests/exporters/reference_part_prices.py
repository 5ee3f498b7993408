"""Bounds on a shop's part price, written from the words of world/catalog/prices.yaml and shops.yaml
(read here as plain YAML, sharing no code with exporters/part_prices.py) in Decimal dollars.

- the price level of a year is the product of the yearly index changes from the list-price year up
  to it (a change applies from 1 January of its year; years outside the table move by the trend),
  or the inverse product for earlier years;
- a tire of a spec's size lists inside fitment.yaml's price range for its rim;
- an aftermarket part lists inside the catalog range, an OEM part above it by the OEM premium range;
- the shop adds its markup: its category markup for the part's category, else its parts markup;
- a part on a warranty job is the OEM part at what the manufacturer pays: its list price over the
  list markup (the dealer's cost) times one plus the reimbursed markup, whatever the shop's markup.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path

import yaml

CATALOG = Path(__file__).parents[2] / "world" / "catalog"
PRICES = yaml.safe_load((CATALOG / "prices.yaml").read_text(encoding="utf-8"))
SHOP_KINDS = yaml.safe_load((CATALOG / "shops.yaml").read_text(encoding="utf-8"))["kinds"]
PARTS = yaml.safe_load((CATALOG / "parts.yaml").read_text(encoding="utf-8"))["parts"]
TIRE_PRICES = yaml.safe_load((CATALOG / "fitment.yaml").read_text(encoding="utf-8"))["tire_prices"]


def catalog_part(part_number: str) -> dict:
    """A part of parts.yaml, or a tire of a spec's size (``TIRE-2256517``, ``TIRE-LT2457516``), which
    fitment.yaml prices by rim diameter (the size's last two digits) and kind."""
    if part_number in PARTS or not part_number.startswith("TIRE-"):
        return PARTS[part_number]
    table = TIRE_PRICES["light_truck" if part_number.startswith("TIRE-LT") else "passenger"]
    return {"price": table[int(part_number[-2:])], "category": "tires"}


def price_level(year: int) -> Decimal:
    changes = {int(y): Decimal(str(c)) for y, c in PRICES["index"]["yearly_change_percent"].items()}
    trend = Decimal(str(PRICES["index"]["trend_percent"]))
    base = PRICES["list_prices_as_of"]
    with localcontext() as context:
        context.prec = 60
        level = Decimal(1)
        for step in range(min(year, base) + 1, max(year, base) + 1):
            level *= 1 + changes.get(step, trend) / 100
        return level if year >= base else 1 / level


def shop_markup(shop) -> Decimal:
    """The shop's markup as a factor, for a part outside its category markups."""
    return Decimal(10_000 + shop.parts_markup_bp) / 10_000


def warranty_factor() -> Decimal:
    """A warranty part's price over its OEM list price: back to the dealer's cost, plus what the
    manufacturer pays over it."""
    terms = PRICES["warranty_parts"]
    return Decimal(100 + terms["reimbursed_markup_percent"]) / (100 + terms["list_markup_percent"])


def unit_price_bounds(part_number: str, shop, year: int, warranty: bool = False) -> tuple[Decimal, Decimal]:
    """The lowest and highest unit price the policy allows, before rounding to the cent."""
    part = catalog_part(part_number)
    low, high = (Decimal(str(price)) for price in part["price"])
    if warranty or SHOP_KINDS[shop.kind]["parts_line"] == "oem":
        premium_low, premium_high = (Decimal(str(p)) / 100 for p in PRICES["oem_premium"]["range"])
        low, high = low * (1 + premium_low), high * (1 + premium_high)
    if warranty:
        factor = price_level(year) * warranty_factor()
    else:
        markup_bp = dict(shop.category_markup_bp).get(part["category"], shop.parts_markup_bp)
        factor = price_level(year) * Decimal(10_000 + markup_bp) / 10_000
    return low * factor, high * factor
