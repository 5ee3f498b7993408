"""world/shops.py: posted labor rates against a Decimal computation of the policy's words."""

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext

import simpy
from hypothesis import given
from hypothesis import strategies as st

from tests.exporters.visit_factory import make_shop
from world.shops import Shop


def shop(base_rates: tuple[int, int, int], increase_bp: int, base_year: int = 2023) -> Shop:
    return Shop(
        simpy.Environment(), make_shop(random.Random(0)), None, 2, 2, 1, base_rates, increase_bp, base_year, 0
    )


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
