"""What a shop charges for a part in a calendar year, in integer cents.

A part number has one aftermarket list price: a point of the catalog's range fixed by the part
number through blake2b (parts.yaml lists retail prices of ``list_prices_as_of``). An OEM part lists
above it by the catalog's OEM premium, again a point fixed per part number, so every dealer starts
from the same OEM list. The year's list price is that price times the yearly price index
(prices.yaml), rounded half up to the cent; the shop's retail price adds its markup for the part's
category (its ``category_markup_bp`` entry, else ``parts_markup_bp``), rounded again. A part on a
warranty job is paid by the manufacturer instead: the dealer's cost of the OEM part (its list price
over the list markup) plus the markup dealer agreements pay (prices.yaml ``warranty_parts``), rounded
again. Nothing here draws at random: the price depends only on (shop policy, part, year, warranty).
"""

from __future__ import annotations

import hashlib
from fractions import Fraction

from world.catalog import Catalog
from world.visit import ShopInfo


def _point(key: str, span: int) -> int:
    """A fixed point in [0, span] for ``key``."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % (span + 1)


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def _half_up(value: Fraction) -> int:
    return round_half_up(value.numerator, value.denominator)


class PartPrices:
    __slots__ = (
        "_parts",
        "_lines",
        "_base_year",
        "_changes",
        "_trend",
        "_oem_premium_bp",
        "_warranty_factor",
        "_index",
        "_lists",
    )

    def __init__(self, catalog: Catalog) -> None:
        table = catalog.part_prices
        self._parts = catalog.parts
        self._lines = {kind: policy.parts_line for kind, policy in catalog.shop_kinds.items()}
        self._base_year = table.list_prices_as_of
        self._changes = {
            year: Fraction(change) / 100 for year, change in table.index.yearly_change_percent.items()
        }
        self._trend = Fraction(table.index.trend_percent) / 100
        self._oem_premium_bp = tuple(round(percent * 100) for percent in table.oem_premium.range)
        warranty = table.warranty_parts
        self._warranty_factor = Fraction(100 + warranty.reimbursed_markup_percent) / Fraction(
            100 + warranty.list_markup_percent
        )
        self._index: dict[int, Fraction] = {}
        self._lists: dict[tuple[str, str, int], int] = {}

    def index(self, year: int) -> Fraction:
        """The price level of ``year`` over the list-price year: the product of the yearly changes
        between them (a change applies from 1 January of its year)."""
        level = self._index.get(year)
        if level is None:
            level = Fraction(1)
            for step in range(min(year, self._base_year) + 1, max(year, self._base_year) + 1):
                level *= 1 + self._changes.get(step, self._trend)
            level = self._index[year] = level if year >= self._base_year else 1 / level
        return level

    def list_price(self, part_number: str, line: str, year: int) -> int:
        """The part's list price in ``year`` on the ``line`` ("oem" or "aftermarket"), cents."""
        key = (part_number, line, year)
        price = self._lists.get(key)
        if price is None:
            part = self._parts[part_number]
            price = Fraction(part.price_min + _point(part_number, part.price_max - part.price_min))
            if line == "oem":
                low, high = self._oem_premium_bp
                premium = low + _point(f"oem\x1f{part_number}", high - low)
                price *= Fraction(10_000 + premium, 10_000)
            price = self._lists[key] = max(1, _half_up(price * self.index(year)))
        return price

    def retail_price(self, shop: ShopInfo, part_number: str, year: int) -> int:
        """What ``shop`` charges for one unit of the part in ``year``, cents (at least one cent)."""
        category = self._parts[part_number].category
        markup = dict(shop.category_markup_bp).get(category, shop.parts_markup_bp)
        list_price = self.list_price(part_number, self._lines[shop.kind], year)
        # In integers: a Fraction's normalising costs more than the rest of a shop's first price of a part.
        return max(1, round_half_up(list_price * (10_000 + markup), 10_000))

    def warranty_price(self, part_number: str, year: int) -> int:
        """What the manufacturer pays for one unit of the part on a warranty job in ``year``, cents
        (at least one cent): the OEM part's list price, back to the dealer's cost, plus the
        reimbursed markup, whatever the shop's own prices."""
        return max(1, _half_up(self.list_price(part_number, "oem", year) * self._warranty_factor))
