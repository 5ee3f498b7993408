"""world/shops.py: posted labor rates against a Decimal computation of the policy's words; a shop's
policy drawn inside its kind's catalog ranges; staff, advisors and RO numbers."""

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
import simpy
from hypothesis import given
from hypothesis import strategies as st

from tests.exporters.visit_factory import make_shop as make_shop_info
from world.business_hours import BusinessHours
from world.catalog import load_catalog
from world.catalog_schema import ShopKindEntry, SourcedRange, SourcedValue
from world.shards import ShopSlot
from world.shops import Shop, make_shop
from world.visit import SHOP_KINDS

CATALOG = load_catalog()


def shop(
    base_rates: tuple[int, int, int] = (100, 100, 100),
    increase_bp: int = 0,
    base_year: int = 2023,
    capacity: int = 2,
    first_ro: int = 1,
    lube_technicians: int = 0,
) -> Shop:
    info = make_shop_info(random.Random(0))
    env = simpy.Environment()
    return Shop(
        env, info, None, capacity, capacity, first_ro, base_rates, increase_bp, base_year, lube_technicians
    )


def drawn(
    kind: str, policy: ShopKindEntry, seed: int = 0, bays_scale: float = 1.0, lube_share: float | None = None
) -> Shop:
    slot = ShopSlot(shop_id="OH101", kind=kind, brands=(), fleet=None, depot_number=None)
    return make_shop(
        simpy.Environment(),
        slot,
        "Test Shop",
        policy,
        random.Random(seed),
        "America/New_York",
        "OH",
        "town",
        575,
        bays_scale,
        BusinessHours(policy.week, 0),
        2023,
        CATALOG.bundles.lube_technicians.shares[kind] if lube_share is None else lube_share,
    )


def pinned(kind: str, technicians_per_bay: float, **points: float) -> ShopKindEntry:
    """The kind's catalog policy with some ranges narrowed to one point, so every draw is known."""
    update = {key: SourcedRange(range=(value, value), source="test") for key, value in points.items()}
    update["technicians_per_bay"] = SourcedValue(value=technicians_per_bay, source="test")
    return CATALOG.shop_kinds[kind].model_copy(update=update)


def test_rates_round_half_up_to_whole_dollars():
    # 2.5 % on $100, $140 and $150: 102.50 -> 103, 143.50 -> 144, 153.75 -> 154.
    posted = shop((100, 140, 150), 250).rates(2024)
    assert (posted.customer, posted.warranty, posted.internal) == (10_300, 14_400, 15_400)
    # A year before the base year, discounted: 100 / 1.025 = 97.56 -> 98.
    assert shop((100, 140, 150), 250).rates(2022).customer == 9_800


@given(
    base=st.tuples(*(st.integers(1, 400) for _ in range(3))),
    increase_bp=st.integers(0, 1500),
    year=st.integers(2000, 2040),
)
def test_rates_compound_once_a_year_from_the_base_year(base, increase_bp, year):
    with localcontext() as context:
        context.prec = 200  # 1.15 ** 17 has 68 digits: exact, so a tie at x.50 stays a tie
        growth = (Decimal(10_000 + increase_bp) / 10_000) ** (year - 2023)
        expected = [int((dollars * growth).quantize(Decimal(1), ROUND_HALF_UP)) * 100 for dollars in base]
    posted = shop(base, increase_bp).rates(year)
    assert [posted.customer, posted.warranty, posted.internal] == expected


@given(kind=st.sampled_from(SHOP_KINDS), seed=st.integers(0, 2**32))
def test_a_shops_policy_is_drawn_inside_its_kinds_catalog_ranges(kind, seed):
    policy = CATALOG.shop_kinds[kind]
    made = drawn(kind, policy, seed)
    customer, warranty, internal = made.base_rates
    low, high = policy.labor_rate.range
    assert low <= customer <= high
    # Each other rate is the customer rate times a ratio drawn from its range, to the nearest dollar.
    for rate, ratio in ((warranty, policy.warranty_rate_ratio), (internal, policy.internal_rate_ratio)):
        assert customer * ratio.range[0] - 0.5 <= rate <= customer * ratio.range[1] + 0.5
    low, high = policy.annual_increase.range  # percent a year; increase_bp in basis points
    assert low * 100 <= made.increase_bp <= high * 100
    technicians = len(made.free_technicians)
    per_bay = policy.technicians_per_bay.value
    low, high = policy.bays.range
    assert max(1, round(low * per_bay) - 1) <= technicians <= round(high * per_bay) + 1
    assert made.capacity == technicians  # every kind has at most one technician per bay
    info = made.info
    low, high = policy.parts_markup.range  # percent, drawn to whole percent
    assert info.parts_markup_bp % 100 == 0 and low * 100 <= info.parts_markup_bp <= high * 100
    assert [category for category, _ in info.category_markup_bp] == sorted(policy.category_markup)
    for category, markup_bp in info.category_markup_bp:  # percent by part category, whole percent
        low, high = policy.category_markup[category].range
        assert markup_bp % 100 == 0 and low * 100 <= markup_bp <= high * 100
    low, high = policy.hazmat_fee.range  # dollars, drawn to the nearest quarter
    assert info.hazmat_fee % 25 == 0 and low * 100 - 12.5 <= info.hazmat_fee <= high * 100 + 12.5
    low, high = policy.quality.range
    assert low <= info.quality <= high


def test_a_policy_of_single_points_gives_exactly_those_values():
    policy = pinned(
        "dealer",
        labor_rate=150,
        warranty_rate_ratio=0.9,
        internal_rate_ratio=0.6,
        annual_increase=3.5,
        bays=10,
        technicians_per_bay=0.8,
        parts_markup=25,
        hazmat_fee=3.25,
        quality=0.912345,
    )
    made = drawn("dealer", policy)
    assert made.base_rates == (150, 135, 90)
    assert made.increase_bp == 350
    assert made.base_year == 2023
    assert (made.capacity, len(made.technician_ids)) == (8, 8)  # 10 bays * 0.8 technicians a bay
    info = made.info
    assert (info.shop_id, info.name, info.kind, info.brands) == ("OH101", "Test Shop", "dealer", ())
    assert (info.timezone, info.state, info.region_id) == ("America/New_York", "OH", "town")
    assert info.tax_rate == 575
    assert (info.parts_markup_bp, info.hazmat_fee, info.quality) == (2_500, 325, 0.9123)
    # The dealer's catalog supplies fee: 8 % of labor capped at $45.00.
    assert (info.supplies_bp, info.supplies_cap) == (800, 4_500)


def test_a_shop_has_at_least_one_bay_one_technician_and_a_dollar_rate():
    policy = pinned(
        "independent",
        labor_rate=1,
        warranty_rate_ratio=0.1,
        internal_rate_ratio=0.1,
        bays=1,
        technicians_per_bay=1,
    )
    made = drawn("independent", policy, bays_scale=0.1)  # 1 bay * 0.1 rounds to none
    assert made.base_rates == (1, 1, 1)  # $1 * 0.1 rounds to $0
    assert (made.capacity, len(made.technician_ids)) == (1, 1)
    # With a bay, fewer than half a technician a bay still staffs one.
    understaffed = pinned("independent", bays=1, technicians_per_bay=0.1)
    assert len(drawn("independent", understaffed).technician_ids) == 1


@pytest.mark.parametrize(
    ("kind", "technicians", "lube_share", "lube"),
    [
        ("quick_lube", 3, None, 3),  # a quick lube's technicians all do the express work (share 1.0)
        ("dealer", 10, None, 2),  # one in five at a dealer (bundles.yaml 0.20)
        ("dealer", 12, None, 2),  # 2.4 express technicians round to 2
        ("dealer", 13, None, 3),  # 2.6 round to 3
        ("independent", 5, 0.95, 4),  # 4.75 would round to 5: a repair shop keeps one line technician
        ("independent", 1, 0.6, 0),  # its only technician does the repairs
    ],
)
def test_a_shops_lube_technicians_are_its_share_and_a_repair_shop_keeps_a_line_technician(
    kind, technicians, lube_share, lube
):
    made = drawn(kind, pinned(kind, bays=technicians, technicians_per_bay=1), lube_share=lube_share)
    assert len(made.technician_ids) == technicians
    assert made.lube_technicians == lube


@pytest.mark.parametrize(
    ("capacity", "advisors"), [(1, 1), (5, 1), (6, 1), (11, 1), (12, 2), (17, 2), (18, 3), (24, 4)]
)
def test_one_advisor_for_about_six_working_technicians(capacity, advisors):
    made = shop(capacity=capacity)
    prefix = made.info.shop_id
    assert made.advisor_ids == {number: f"{prefix}-A{number:02d}" for number in range(1, advisors + 1)}
    assert made.technician_ids == {number: f"{prefix}-T{number:02d}" for number in range(1, capacity + 1)}


@pytest.mark.parametrize(("kind", "repairs"), [(kind, kind != "quick_lube") for kind in SHOP_KINDS])
def test_only_quick_lubes_do_no_repairs(kind, repairs):
    assert drawn(kind, CATALOG.shop_kinds[kind]).does_repairs is repairs


def test_ro_numbers_rise_by_one_and_advisors_take_turns():
    made = shop(capacity=12, first_ro=41)
    prefix = made.info.shop_id
    opened = [made.open_ro() for _ in range(3)]
    assert opened == [
        (f"{prefix}-000041", f"{prefix}-A02"),
        (f"{prefix}-000042", f"{prefix}-A01"),
        (f"{prefix}-000043", f"{prefix}-A02"),
    ]


def test_the_last_six_digit_ro_number_is_used_then_the_shop_runs_out():
    made = shop(first_ro=999_999)
    assert made.open_ro()[0] == f"{made.info.shop_id}-999999"
    with pytest.raises(OverflowError, match=f"shop {made.info.shop_id} ran out of 6-digit RO numbers"):
        made.open_ro()


@pytest.mark.parametrize(
    ("lube", "on_this_visit", "free_after"),
    [
        (True, [], [1, 3, 4, 2]),
        (False, [], [1, 2, 3, 4]),  # the line technician next in turn takes it
        (False, [4], [1, 2, 4, 3]),
        (True, [2], [2, 3, 4, 1]),
        (True, [1, 2], [1, 2, 3, 4]),  # both lube technicians worked the visit: whoever is next
    ],
)
def test_the_next_work_goes_to_a_free_technician_of_its_role_not_yet_on_the_visit(
    lube, on_this_visit, free_after
):
    lined_up = shop(capacity=4, lube_technicians=2)  # technicians 1 and 2 do the express work
    lined_up.free_technicians = [1, 2, 3, 4]  # begin_work takes the last: 4 is next in turn
    lined_up.prefer(lube, on_this_visit)
    assert lined_up.free_technicians == free_after
