"""Recall campaigns: NHTSA-shaped ids in the year they are filed, one make each, never remedied
before they are announced, only on the vehicles they cover."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world.small_worlds import resolve, run_world, small_scenario
from world.catalog import load_catalog

FEW = settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALL_BRANDS = {"dealers": [{"brands": ["Toyota", "Honda", "Ford"]}, {"brands": ["Chevrolet", "GMC", "Kia"]}]}


def test_at_least_fifteen_campaigns_each_of_one_make_across_the_makes():
    recalls = load_catalog().recalls
    assert len(recalls) >= 15
    makes = [{make for make, _, _, _ in recall.vehicles} for recall in recalls.values()]
    assert all(len(of_campaign) == 1 for of_campaign in makes)
    assert len(set().union(*makes)) >= 12


def test_a_campaign_number_carries_its_announcement_year_and_covers_vehicles_already_built():
    for campaign_id, recall in load_catalog().recalls.items():
        assert re.fullmatch(r"[0-9]{2}V-[0-9]{3}", campaign_id)
        assert int(campaign_id[:2]) == recall.announced.year % 100
        assert all(last <= recall.announced.year + 1 for _, _, _, last in recall.vehicles)


@FEW
@given(seed=st.integers(0, 2**32 - 1))
def test_no_recall_is_remedied_before_its_campaign_nor_on_a_vehicle_it_does_not_cover(seed):
    visits, _, _ = run_world(resolve(small_scenario(private=150, years=2, shops=ALL_BRANDS)), seed)
    recalls = load_catalog().recalls
    remedied = 0
    for visit in visits:
        for job in visit.jobs:
            if job.kind != "recall":
                continue
            remedied += 1
            recall = recalls[job.recall_campaign]
            assert visit.opened_at.date() >= recall.announced
            vehicle = visit.vehicle
            assert recall.covers(vehicle.make, vehicle.model, vehicle.year)
            assert vehicle.make in visit.shop.brands
    assert remedied
