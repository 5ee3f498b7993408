"""exporters/pricing.py against the reference pricer of tests/exporters/reference_pricer.py, which is
written from the contract's text with Decimal rounding; no expected value here comes from the product."""

import random
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exporters.config import ExportConfig
from exporters.pricing import HAZMAT_DISPOSAL, SHOP_SUPPLIES, Pricer, round_half_up
from tests.exporters.reference_part_prices import unit_price_bounds
from tests.exporters.reference_pricer import expected_money
from tests.exporters.visit_factory import make_visit
from world.catalog import load_catalog
from world.visit import PAY_TYPES, LaborRates

NO_COUPONS = ExportConfig(coupon_rate=0)


def price(visit, config=NO_COUPONS):
    return Pricer(load_catalog(), config).price(visit, random.Random(visit.draw_seed))


def money(text: str) -> Decimal:
    return Decimal(text)


def as_dollars(cents: int) -> Decimal:
    return Decimal(cents) / 100


def assert_matches_reference(visit, priced, coupon=None):
    unit_prices = [money(line["unit_price"]) for line in priced.parts]
    expected = expected_money(visit, unit_prices, coupon)
    assert [money(line["amount"]) for line in priced.labor] == expected["labor_lines"]
    assert [money(line["amount"]) for line in priced.parts] == expected["part_lines"]
    assert {fee["code"]: money(fee["amount"]) for fee in priced.fees} == expected["fees"]
    assert len(priced.fees) == len(expected["fees"])
    totals = priced.totals
    for key, value in (
        ("labor", totals.labor),
        ("parts", totals.parts),
        ("fee_total", totals.fees),
        ("discount", totals.discount),
        ("subtotal", totals.subtotal),
        ("tax", totals.tax),
        ("total", totals.total),
        ("customer_pay", totals.customer_pay),
        ("warranty_pay", totals.warranty_pay),
        ("internal_pay", totals.internal_pay),
    ):
        assert as_dollars(value) == expected[key], key
    assert totals.tax_rate == visit.shop.tax_rate


def assert_unit_prices_in_catalog_range(visit, priced):
    cent = Decimal("0.01")
    pay_types = {line["index"]: visit.jobs[line["job_index"] - 1].pay_type for line in priced.labor}
    for line in priced.parts:
        warranty = pay_types[line["labor_index"]] == "warranty"
        low, high = unit_price_bounds(line["part_number"], visit.shop, visit.opened_at.year, warranty)
        # Two roundings to the cent (the year's list price, then the markup): a cent either way.
        assert max(low - cent, cent) <= money(line["unit_price"]) <= high + cent


@st.composite
def priced_visits(draw):
    """A realistic visit with every pay-type mix, hazmat anywhere, and shop money settings drawn
    from their whole ranges (rates in cents, so labor lines land on half-cents too)."""
    visit = make_visit(draw(st.integers(0, 2**32)))
    jobs = []
    for job in visit.jobs:
        operations = tuple(replace(op, hazmat=draw(st.booleans())) for op in job.operations)
        jobs.append(replace(job, pay_type=draw(st.sampled_from(PAY_TYPES)), operations=operations))
    shop = replace(
        visit.shop,
        tax_rate=draw(st.integers(0, 1500)),
        parts_markup_bp=draw(st.sampled_from((0, 2500, 3333, 6000))),
        supplies_bp=draw(st.integers(0, 1500)),
        supplies_cap=draw(st.integers(0, 6000)),
        hazmat_fee=draw(st.integers(0, 900)),
    )
    rates = LaborRates(*(draw(st.integers(1, 30_000)) for _ in PAY_TYPES))
    customer = replace(visit.customer, discount_bp=draw(st.sampled_from((0, 0, 1, 333, 500, 1250, 10_000))))
    return replace(visit, jobs=tuple(jobs), shop=shop, labor_rates=rates, customer=customer)


@settings(max_examples=200, deadline=None)
@given(priced_visits(), st.integers(1, 10**6))
def test_priced_visits_match_the_reference_pricer(visit, coupon_cents):
    plain = price(visit)
    assert_matches_reference(visit, plain)
    assert_unit_prices_in_catalog_range(visit, plain)
    couponed = price(visit, ExportConfig(coupon_rate=1, coupon_amounts=(coupon_cents,)))
    coupon = as_dollars(coupon_cents) if couponed.coupon else None
    base = expected_money(visit, [money(line["unit_price"]) for line in plain.parts])["discount_base"]
    has_customer_job = any(job.pay_type == "customer" for job in visit.jobs)
    assert couponed.coupon == (visit.customer.discount_bp == 0 and has_customer_job and base > 0)
    assert_matches_reference(visit, couponed, coupon)


def _half_cent_basis_points(base_cents: int) -> list[int]:
    """Basis points in 1..9999 that put base * bp exactly on a half-cent."""
    return [bp for bp in range(1, 10_000) if base_cents * bp % 10_000 == 5_000]


def _customer_cents(visit, key: str) -> int:
    """Customer-pay labor or parts of ``visit`` in cents, from the reference pricer."""
    customer_only = replace(visit, jobs=tuple(job for job in visit.jobs if job.pay_type == "customer"))
    unit_prices = [money(line["unit_price"]) for line in price(customer_only).parts]
    return int(expected_money(customer_only, unit_prices)[key] * 100)


def _mixed_visit(seed: int):
    """A fleet customer's visit: a customer-pay job first, then warranty and internal jobs, every
    operation handling hazardous material."""
    visit = make_visit(seed)
    pay_types = ("customer", "warranty", "internal")
    jobs = tuple(
        replace(
            job,
            pay_type=pay_types[index % 3],
            operations=tuple(replace(op, hazmat=True) for op in job.operations),
        )
        for index, job in enumerate(visit.jobs)
    )
    customer = replace(visit.customer, kind="fleet", discount_bp=0)
    shop = replace(visit.shop, supplies_bp=0, hazmat_fee=0, tax_rate=0)
    return replace(visit, jobs=jobs, customer=customer, shop=shop)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32))
def test_tax_on_parts_and_fees_rounds_half_cents_up(seed):
    visit = _mixed_visit(seed)
    parts = _customer_cents(visit, "parts")
    # At 7.25 % a taxable base of 2.00 (mod 4.00) dollars is taxed x.5 cents: pick the fee that gets there.
    hazmat_fee = (200 - parts) % 400 or 400
    taxed = replace(visit, shop=replace(visit.shop, tax_rate=725, hazmat_fee=hazmat_fee))
    priced = price(taxed)
    assert_matches_reference(taxed, priced)
    assert priced.totals.tax * 10_000 == (parts + hazmat_fee) * 725 + 5_000


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32))
def test_fleet_discount_and_supplies_round_half_cents_up(seed):
    visit = _mixed_visit(seed)
    for rate in range(15_000, 15_100):  # a customer rate whose labor + parts admit a half-cent share
        candidate = replace(visit, labor_rates=replace(visit.labor_rates, customer=rate))
        base = _customer_cents(candidate, "labor") + _customer_cents(candidate, "parts")
        labor = _customer_cents(candidate, "labor")
        if _half_cent_basis_points(base) and _half_cent_basis_points(labor):
            break
    else:
        # No rate can: e.g. 8.0 h of labor and parts a multiple of 8 cents need an odd rate for the
        # labor and an even one for the sum (seed 2_398_884_825). Such a visit has no case to test.
        assume(False)
    discount_bp, supplies_bp = _half_cent_basis_points(base)[0], _half_cent_basis_points(labor)[0]
    shop = replace(candidate.shop, supplies_bp=supplies_bp, supplies_cap=10**9)
    discounted = replace(candidate, shop=shop, customer=replace(candidate.customer, discount_bp=discount_bp))
    priced = price(discounted)
    assert_matches_reference(discounted, priced)
    assert priced.totals.discount * 10_000 == base * discount_bp + 5_000
    supplies = {fee["code"]: fee["amount"] for fee in priced.fees}[SHOP_SUPPLIES]
    assert Decimal(supplies) * 100 * 10_000 == labor * supplies_bp + 5_000


def test_hazmat_on_warranty_and_internal_work_is_not_charged_to_the_customer():
    visit = make_visit(11)
    jobs = [
        replace(job, operations=tuple(replace(op, hazmat=False) for op in job.operations))
        for job in visit.jobs
    ]
    hazmat = tuple(replace(op, hazmat=True) for op in jobs[0].operations)
    customer_job = replace(jobs[0], pay_type="customer")
    shop = replace(visit.shop, hazmat_fee=495, supplies_bp=0)
    for pay_type in ("warranty", "internal"):
        other = replace(jobs[0], pay_type=pay_type, operations=hazmat)
        priced = price(replace(visit, shop=shop, jobs=(customer_job, other)))
        assert priced.fees == []
    priced = price(replace(visit, shop=shop, jobs=(replace(customer_job, operations=hazmat), jobs[0])))
    assert [(fee["code"], fee["amount"]) for fee in priced.fees] == [(HAZMAT_DISPOSAL, "4.95")]


@given(st.integers(0, 10**12), st.integers(1, 10**6))
def test_round_half_up_matches_decimal(numerator, denominator):
    expected = (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert round_half_up(numerator, denominator) == int(expected)


def test_lines_sharing_a_cached_part_price_are_separate_records():
    visit = make_visit(2)
    pricer = Pricer(load_catalog(), NO_COUPONS)
    first = pricer.price(visit, random.Random(visit.draw_seed))
    second = pricer.price(visit, random.Random(visit.draw_seed))
    assert first == second
    for ours, again in zip(first.parts + first.labor, second.parts + second.labor, strict=True):
        assert ours is not again


def _one_operation_visit(hours: int, rate: int, hazmat: bool, **shop):
    """A customer-pay visit of one operation without parts, at ``rate`` cents an hour."""
    visit = make_visit(11)
    operation = replace(visit.jobs[0].operations[0], hours=hours, parts=(), hazmat=hazmat)
    job = replace(visit.jobs[0], pay_type="customer", operations=(operation,))
    return replace(
        visit,
        jobs=(job,),
        labor_rates=replace(visit.labor_rates, customer=rate),
        shop=replace(visit.shop, **{"supplies_bp": 0, "hazmat_fee": 0, "tax_rate": 0, **shop}),
        customer=replace(visit.customer, discount_bp=0),
    )


def test_one_cent_amounts_are_charged_and_discounted():
    # 0.1 h at 0.10/h is one cent of labor: supplies at 50 % round half up to one cent, the
    # one-cent hazmat fee is charged, and a coupon takes the one cent that is discountable.
    visit = _one_operation_visit(1, 10, True, supplies_bp=5000, supplies_cap=10**6, hazmat_fee=1)
    couponed = price(visit, ExportConfig(coupon_rate=1, coupon_amounts=(500,)))
    assert_matches_reference(visit, couponed, Decimal("5.00"))
    assert couponed.coupon and couponed.totals.discount == 1
    assert {fee["code"]: fee["amount"] for fee in couponed.fees} == {
        SHOP_SUPPLIES: "0.01",
        HAZMAT_DISPOSAL: "0.01",
    }
    # A contract discount of 0.01 % on 50.00 of labor is half a cent: one cent.
    fleet = replace(_one_operation_visit(10, 5000, False), customer=replace(visit.customer, discount_bp=1))
    assert price(fleet).totals.discount == 1
    # Labor that rounds to zero cents leaves nothing to discount: no coupon is drawn.
    nothing = _one_operation_visit(1, 1, False)
    assert not price(nothing, ExportConfig(coupon_rate=1, coupon_amounts=(500,))).coupon
    # A zero fee or share charges nothing, whatever the work.
    free = _one_operation_visit(10, 5000, True, supplies_bp=0, supplies_cap=10**6, hazmat_fee=0)
    assert price(free).fees == []


def test_supplies_are_capped():
    visit = make_visit(11)
    shop = replace(visit.shop, supplies_bp=1000, supplies_cap=1234, hazmat_fee=0)
    jobs = tuple(replace(job, pay_type="customer") for job in visit.jobs)
    priced = price(replace(visit, shop=shop, jobs=jobs))
    assert priced.totals.labor >= 12_340
    assert [(fee["code"], fee["amount"]) for fee in priced.fees] == [(SHOP_SUPPLIES, "12.34")]


def test_warranty_only_visits_have_no_fees_discount_or_tax():
    visit = make_visit(5)
    jobs = tuple(replace(job, pay_type="warranty") for job in visit.jobs)
    customer = replace(visit.customer, discount_bp=1500)
    shop = replace(visit.shop, tax_rate=1500, supplies_bp=1000, supplies_cap=5000, hazmat_fee=495)
    priced = price(replace(visit, jobs=jobs, customer=customer, shop=shop), ExportConfig(coupon_rate=1))
    assert priced.fees == [] and priced.totals.discount == 0 and priced.totals.tax == 0
    assert priced.totals.warranty_pay == priced.totals.total > 0


def test_coupons_never_exceed_customer_pay_labor_and_parts():
    visit = make_visit(8)
    jobs = tuple(replace(job, pay_type="customer") for job in visit.jobs)
    individual = replace(visit, jobs=jobs, customer=replace(visit.customer, discount_bp=0))
    couponed = price(individual, ExportConfig(coupon_rate=1, coupon_amounts=(10**9,)))
    assert couponed.coupon and couponed.totals.discount == couponed.totals.labor + couponed.totals.parts
    assert price(individual, ExportConfig(coupon_rate=0)).totals.discount == 0


def test_pricing_depends_only_on_the_visit():
    visit = make_visit(21)
    assert price(visit) == price(visit)


def _a_year_later(visit):
    """The visit a year later, at the next year's posted rates."""
    return replace(
        visit,
        opened_at=visit.opened_at.replace(year=visit.opened_at.year + 1),
        closed_at=visit.closed_at.replace(year=visit.closed_at.year + 1),
        labor_rates=LaborRates(*(getattr(visit.labor_rates, pay_type) + 100 for pay_type in PAY_TYPES)),
    )


def test_the_caches_hold_only_the_latest_years_lines_and_a_past_year_prices_the_same():
    # Visits come in time order: a shard of many years must not keep every year's lines.
    visit = make_visit(3)
    later = _a_year_later(visit)
    pricer = Pricer(load_catalog(), NO_COUPONS)
    pricer.price(visit, random.Random(visit.draw_seed))
    pricer.price(later, random.Random(later.draw_seed))
    assert pricer._part_lines
    assert {shop_key[-1] for shop_key, *_ in pricer._part_lines} == {later.opened_at.year}
    assert {rate for _, rate in pricer._labor_money} <= {getattr(later.labor_rates, p) for p in PAY_TYPES}
    again = pricer.price(visit, random.Random(visit.draw_seed))
    assert again == price(visit)


def test_a_process_next_shard_starts_its_years_afresh():
    # A process runs shards one after another with one pricer: the next shard's first years come
    # before the last shard's, and its caches must still hold one year at a time.
    visit = make_visit(3)
    later = _a_year_later(visit)
    pricer = Pricer(load_catalog(), NO_COUPONS)
    pricer.price(_a_year_later(later), random.Random(visit.draw_seed))
    pricer.forget_shops()
    pricer.price(visit, random.Random(visit.draw_seed))
    pricer.price(later, random.Random(later.draw_seed))
    assert {shop_key[-1] for shop_key, *_ in pricer._part_lines} == {later.opened_at.year}
