"""Realism of a modest world over a few years: a stable population, warranty work where it belongs,
visit rates in the published ranges, and comebacks near their target share."""

from __future__ import annotations

import functools
from collections import Counter

from tests.world.small_worlds import resolve, run_world, small_scenario

YEAR_DAYS = 365.25


@functools.cache
def _four_years():
    return run_world(resolve(small_scenario(private=400, years=4, warmup=2.0)), 11)


def test_population_stays_near_its_target_although_trade_ins_bring_replacements():
    _, _, world = _four_years()
    assert abs(world.live_vehicles - world.target_vehicles) <= 0.05 * world.target_vehicles


def test_private_owners_visit_about_three_times_a_year_and_fleets_more():
    visits, _, world = _four_years()
    per_archetype = Counter(visit.truth.archetype for visit in visits)
    private_vehicles = world.region.private_vehicles
    private_rate = per_archetype["private_owner"] / (private_vehicles * 4)
    # 2.5-3.5 maintenance and repair visits plus this region's annual state inspection
    assert 2.5 <= private_rate <= 4.6
    fleet_vehicles = sum(account.vehicles for account in world.region.fleets)
    fleet_rate = sum(n for kind, n in per_archetype.items() if kind.endswith("fleet")) / (fleet_vehicles * 4)
    assert fleet_rate > private_rate


def test_young_vehicles_are_serviced_at_their_brand_dealer_and_old_ones_elsewhere():
    visits, _, world = _four_years()
    brands = {brand for dealer in world.dealers for brand in dealer.info.brands}
    young, old = Counter(), Counter()
    for visit in visits:
        if visit.truth.archetype != "private_owner" or visit.vehicle.make not in brands:
            continue
        age = visit.truth.vehicle_age_days / YEAR_DAYS
        bucket = young if age < 3 else old if age >= 10 else None
        if bucket is not None:
            bucket[visit.shop.kind == "dealer"] += 1
    assert young[True] > young[False]
    assert old[True] < 0.3 * (old[True] + old[False])


def test_warranty_pays_for_a_real_share_of_dealer_work_and_comebacks_are_near_five_percent():
    visits, _, _ = _four_years()
    dealer = [visit for visit in visits if visit.shop.kind == "dealer"]
    with_warranty = sum(any(job.pay_type == "warranty" for job in visit.jobs) for visit in dealer)
    assert with_warranty > 0.06 * len(dealer)
    comebacks = sum(visit.truth.visit_kind == "comeback" for visit in visits)
    assert 0.03 < comebacks / len(visits) < 0.09
