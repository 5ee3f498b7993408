"""exporters/part_prices.py: the yearly price index, OEM above aftermarket, quick-lube menu pricing;
expected values from tests/exporters/reference_part_prices.py (the catalog's words in Decimal)."""

import random
import statistics
from dataclasses import replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from exporters.config import ExportConfig
from exporters.part_prices import PartPrices
from exporters.pricing import Pricer
from tests.exporters.reference_part_prices import PARTS, SHOP_KINDS, price_level, warranty_factor
from tests.exporters.visit_factory import make_shop, make_visit
from tests.world.small_worlds import default_run
from world.catalog import load_catalog

PART_NUMBERS = sorted(PARTS)


def shop_of(kind: str, markup_percent: float, **policy):
    return replace(
        make_shop(random.Random(0)), kind=kind, parts_markup_bp=round(markup_percent * 100), **policy
    )


def test_a_shop_charges_one_price_per_part_and_the_markup_on_top():
    prices = PartPrices(load_catalog())
    low, high = (round(Decimal(str(p)) * 100) for p in PARTS["BP-F-1101"]["price"])
    plain = prices.retail_price(shop_of("independent", 0), "BP-F-1101", 2023)
    assert low <= plain <= high
    assert prices.retail_price(shop_of("independent", 0), "BP-F-1101", 2023) == plain
    marked_up = (Decimal(plain) * Decimal("1.5")).quantize(1, ROUND_HALF_UP)
    assert prices.retail_price(shop_of("independent", 50), "BP-F-1101", 2023) == marked_up


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    first=st.dates(date(1981, 1, 1), date(2039, 12, 31)),
    second=st.dates(date(1981, 1, 1), date(2039, 12, 31)),
)
def test_part_prices_move_with_the_yearly_index_by_the_ro_date(seed, first, second):
    visit = make_visit(seed)
    pricer = Pricer(load_catalog(), ExportConfig(coupon_rate=0))

    def unit_prices(day: date) -> list[Decimal]:
        opened = datetime(day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo(visit.shop.timezone))
        priced = pricer.price(replace(visit, opened_at=opened), random.Random(0))
        return [Decimal(line["unit_price"]) for line in priced.parts]

    ratio = price_level(second.year) / price_level(first.year)
    markup = Decimal(10_000 + max(visit.shop.parts_markup_bp, 0)) / 10_000
    # Each price is rounded twice (list price, then markup): half a cent each time, scaled by the ratio.
    tolerance = Decimal("0.005") * (markup + 1) * (1 + ratio)
    for earlier, later in zip(unit_prices(first), unit_prices(second), strict=True):
        assert abs(later - earlier * ratio) <= tolerance
        if price_level(second.year) > price_level(first.year) * Decimal("1.01"):
            assert later > earlier


def test_the_index_follows_the_catalog_table():
    prices = PartPrices(load_catalog())
    for year in range(1981, 2040):
        assert float(prices.index(year)) == float(price_level(year))
    # 2021-2024: the parts index rose every year of fleet.yaml's window.
    assert price_level(2021) < price_level(2022) < price_level(2023) < price_level(2024)


def test_dealers_sell_oem_parts_above_independents_aftermarket_parts():
    prices = PartPrices(load_catalog())
    dealer_low = SHOP_KINDS["dealer"]["parts_markup"]["range"][0]
    independent_high = SHOP_KINDS["independent"]["parts_markup"]["range"][1]
    cheapest_dealer = shop_of("dealer", dealer_low)
    dearest_independent = shop_of("independent", independent_high)
    ratios = []
    for year in (2019, 2023, 2026):
        for part in PART_NUMBERS:
            dealer = prices.retail_price(cheapest_dealer, part, year)
            independent = prices.retail_price(dearest_independent, part, year)
            assert dealer > independent, (part, year)
            ratios.append(dealer / prices.retail_price(shop_of("independent", 0), part, year))
    # OEM lists 20-60 % above aftermarket (prices.yaml): the median part's spread lies inside it.
    assert 1.2 <= statistics.median(ratios) <= 1.6


def test_warranty_parts_are_paid_at_the_dealers_cost_plus_the_reimbursed_markup():
    prices = PartPrices(load_catalog())
    # prices.yaml: OEM list is the dealer's cost + 67 %, the manufacturer pays cost + 40 %
    assert warranty_factor() == Decimal(140) / Decimal(167)
    cheapest_dealer = shop_of("dealer", SHOP_KINDS["dealer"]["parts_markup"]["range"][0])
    for year in (2019, 2023, 2026):
        for part in PART_NUMBERS:
            oem_list = prices.list_price(part, "oem", year)
            paid = prices.warranty_price(part, year)
            assert paid == (oem_list * warranty_factor()).quantize(1, ROUND_HALF_UP), (part, year)
            assert paid < prices.retail_price(cheapest_dealer, part, year)


def test_quick_lubes_sell_an_oil_change_below_a_dealer():
    """Every customer-pay oil change of three small worlds, priced as an RO of that job alone."""
    visits = [visit for seed in range(3) for visit in default_run(seed)[0]]
    pricer = Pricer(load_catalog(), ExportConfig(coupon_rate=0))
    totals: dict[str, list[int]] = {"dealer": [], "quick_lube": []}
    for visit in visits:
        for job in visit.jobs:
            if visit.shop.kind in totals and job.concern == "oil_change" and job.pay_type == "customer":
                bare = replace(visit, jobs=(job,), customer=replace(visit.customer, discount_bp=0))
                totals[visit.shop.kind].append(pricer.price(bare, random.Random(0)).totals.total)
    assert min(len(found) for found in totals.values()) >= 20, {k: len(v) for k, v in totals.items()}
    lube, dealer = statistics.median(totals["quick_lube"]), statistics.median(totals["dealer"])
    assert lube < dealer * 0.8, (lube, dealer)
