import random
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from exporters.config import ExportConfig
from exporters.formats import fixed, quantity_hundredths
from exporters.pricing import HAZMAT_DISPOSAL, SHOP_SUPPLIES, Pricer, round_half_up
from tests.exporters.visit_factory import make_visit
from world.catalog import load_catalog

DEFAULT_CONFIG = ExportConfig()


def price(visit, config=DEFAULT_CONFIG):
    return Pricer(load_catalog(), config).price(visit, random.Random(visit.draw_seed))


@given(st.integers(0, 10**12), st.integers(1, 10**6))
def test_round_half_up_matches_decimal(numerator, denominator):
    expected = (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert round_half_up(numerator, denominator) == int(expected)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32))
def test_priced_visits_reconcile_like_the_contract(seed):
    visit = make_visit(seed)
    priced = price(visit)
    pay_of_job = {index: job.pay_type for index, job in enumerate(visit.jobs, start=1)}
    pay_of_labor = {line["index"]: pay_of_job[line["job_index"]] for line in priced.labor}
    assert [line["index"] for line in priced.labor] == list(range(1, len(priced.labor) + 1))
    assert [line["index"] for line in priced.parts] == list(range(1, len(priced.parts) + 1))
    sums = {"customer": 0, "warranty": 0, "internal": 0}
    for line in priced.labor:
        rate, hours, amount = fixed(line["rate"]), fixed(line["hours"]), fixed(line["amount"])
        assert rate == getattr(visit.labor_rates, pay_of_job[line["job_index"]])
        assert Decimal(amount) == (Decimal(hours) * rate / 10).quantize(1, ROUND_HALF_UP)
        sums[pay_of_job[line["job_index"]]] += amount
    customer_parts = 0
    for line in priced.parts:
        unit_price, amount = fixed(line["unit_price"]), fixed(line["amount"])
        assert unit_price > 0
        assert Decimal(amount) == (
            Decimal(quantity_hundredths(line["quantity"])) * unit_price / 100
        ).quantize(1, ROUND_HALF_UP)
        sums[pay_of_labor[line["labor_index"]]] += amount
        customer_parts += amount if pay_of_labor[line["labor_index"]] == "customer" else 0
    totals = priced.totals
    fees = sum(fixed(fee["amount"]) for fee in priced.fees)
    assert totals.labor == sum(fixed(line["amount"]) for line in priced.labor)
    assert totals.parts == sum(fixed(line["amount"]) for line in priced.parts)
    assert totals.fees == fees
    customer_labor_parts = sums["customer"]
    if "customer" not in pay_of_job.values():
        assert priced.fees == [] and totals.discount == 0
    assert 0 <= totals.discount <= customer_labor_parts
    assert totals.subtotal == totals.labor + totals.parts + fees - totals.discount
    assert totals.tax == round_half_up((customer_parts + fees) * visit.shop.tax_rate, 10_000)
    assert totals.total == totals.subtotal + totals.tax
    assert totals.customer_pay == customer_labor_parts + fees - totals.discount + totals.tax
    assert totals.warranty_pay == sums["warranty"] and totals.internal_pay == sums["internal"]
    assert totals.customer_pay + totals.warranty_pay + totals.internal_pay == totals.total


def test_lines_sharing_a_cached_part_price_are_separate_records():
    visit = make_visit(2)
    pricer = Pricer(load_catalog(), DEFAULT_CONFIG)
    first = pricer.price(visit, random.Random(visit.draw_seed))
    second = pricer.price(visit, random.Random(visit.draw_seed))
    assert first == second
    for ours, again in zip(first.parts + first.labor, second.parts + second.labor, strict=True):
        assert ours is not again


def test_same_shop_same_part_same_price_with_markup():
    pricer = Pricer(load_catalog(), ExportConfig())
    part = load_catalog().parts["BP-F-1101"]
    plain = pricer.retail_price("OH101", 0, "BP-F-1101")
    assert part.price_min <= plain <= part.price_max
    assert pricer.retail_price("OH101", 0, "BP-F-1101") == plain
    assert pricer.retail_price("OH101", 5000, "BP-F-1101") == round_half_up(plain * 15_000, 10_000)


def test_supplies_are_a_capped_share_of_customer_labor_and_hazmat_is_charged_once():
    visit = make_visit(11)
    shop = replace(visit.shop, supplies_bp=1000, supplies_cap=1234, hazmat_fee=495)
    jobs = tuple(replace(job, pay_type="customer", kind="failure") for job in visit.jobs)
    hazmat_job = replace(jobs[0], operations=tuple(replace(op, hazmat=True) for op in jobs[0].operations))
    priced = price(replace(visit, shop=shop, jobs=(hazmat_job, *jobs[1:])))
    fees = {fee["code"]: fixed(fee["amount"]) for fee in priced.fees}
    assert fees[SHOP_SUPPLIES] == min(1234, round_half_up(priced.totals.labor * 1000, 10_000))
    assert fees[HAZMAT_DISPOSAL] == 495
    assert len(priced.fees) == 2


def test_warranty_only_visits_have_no_fees_discount_or_tax():
    visit = make_visit(5)
    jobs = tuple(replace(job, pay_type="warranty") for job in visit.jobs)
    customer = replace(visit.customer, discount_bp=1500)
    priced = price(replace(visit, jobs=jobs, customer=customer), ExportConfig(coupon_rate=1))
    assert priced.fees == [] and priced.totals.discount == 0 and priced.totals.tax == 0
    assert priced.totals.warranty_pay == priced.totals.total


def test_fleet_contract_discount_and_coupons_stay_on_customer_pay():
    visit = make_visit(8)
    jobs = tuple(replace(job, pay_type="customer") for job in visit.jobs)
    fleet = price(replace(visit, jobs=jobs, customer=replace(visit.customer, discount_bp=1000)))
    discountable = fleet.totals.labor + fleet.totals.parts
    assert fleet.totals.discount == round_half_up(discountable * 1000, 10_000) and not fleet.coupon
    individual = replace(visit, jobs=jobs, customer=replace(visit.customer, discount_bp=0))
    couponed = price(individual, ExportConfig(coupon_rate=1, coupon_amounts=(10**9,)))
    assert couponed.coupon and couponed.totals.discount == discountable
    assert price(individual, ExportConfig(coupon_rate=0)).totals.discount == 0


def test_pricing_depends_only_on_the_visit():
    visit = make_visit(21)
    assert price(visit) == price(visit)
