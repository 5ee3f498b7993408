"""Which comeback ROs cite the earlier RO: only the shop that did the repair, by advisor habit."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world.small_worlds import resolve, run_world, small_scenario
from world.citations import CitationHabits

FEW = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _comebacks(seed):
    visits, _, _ = run_world(resolve(small_scenario(private=80, comeback_scale=4.0)), seed)
    return visits, [visit for visit in visits if visit.truth.comeback_of is not None]


@FEW
@given(seed=st.integers(0, 2**32 - 1))
def test_a_cited_ro_is_an_earlier_ro_of_the_same_shop_and_never_another_shops(seed):
    visits, comebacks = _comebacks(seed)
    assert comebacks
    opened = {visit.ro_number: visit.opened_at for visit in visits}
    habit = defaultdict(set)
    for visit in comebacks:
        prior = visit.truth.comeback_of
        same_shop = prior.startswith(visit.shop.shop_id + "-")
        if not same_shop:
            assert visit.cited_ro is None
            continue
        habit[visit.advisor_id].add(visit.cited_ro is not None)
        if visit.cited_ro is not None:
            assert visit.cited_ro == prior
            assert prior not in opened or opened[prior] < visit.opened_at
    # a habit, not a coin per visit: each advisor cites all of their comebacks or none
    assert all(len(cites) == 1 for cites in habit.values())
    assert all(visit.cited_ro is None for visit in visits if visit.truth.comeback_of is None)


def test_cited_uncited_and_cross_shop_comebacks_all_occur():
    kinds = set()
    for seed in range(3):
        _, comebacks = _comebacks(seed)
        for visit in comebacks:
            same_shop = visit.truth.comeback_of.startswith(visit.shop.shop_id + "-")
            kinds.add((same_shop, visit.cited_ro is not None))
    assert kinds == {(True, True), (True, False), (False, False)}


def test_the_share_of_advisors_who_cite_follows_the_catalog():
    for share in (0.2, 0.6):
        habits = CitationHabits(12345, share)
        cites = sum(habits.cites(f"OH{n // 9:03d}-A{n % 9 + 1:02d}") for n in range(4000))
        assert abs(cites / 4000 - share) < 0.03
    assert not any(CitationHabits(7, 0.0).cites(f"OH001-A{n:02d}") for n in range(1, 50))
