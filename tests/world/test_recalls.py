"""Recall campaigns: NHTSA-shaped ids in the year they are filed, one make each, never remedied
before they are announced, only on the vehicles they cover."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world.small_worlds import resolve, run_world, small_scenario
from world.catalog import load_catalog
from world.shards import plan_shards
from world.world import build

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


def test_a_campaign_announced_long_before_the_world_begins_is_open_on_few_of_its_vehicles():
    # Owners respond to a notice after a delay of mean 120 days: two years after the announcement
    # all but e^-6 of those who will respond have, so the world begins with their remedy done. A
    # campaign announced after the world begins is open on its share of responsive owners (70 %).
    scenario = resolve(small_scenario(private=4000, shops=ALL_BRANDS))
    world = build(scenario, 7, plan_shards(scenario.world)[0])
    epoch = world.calendar.epoch
    recalls = tuple(load_catalog().recalls.values())
    covered = {"old": 0, "new": 0}
    still_open = {"old": 0, "new": 0}
    for vehicle in world.census.alive.values():
        info = vehicle.info
        open_campaigns = {campaign for _, campaign in vehicle.recalls or ()}
        for campaign, recall in enumerate(recalls):
            if not recall.covers(info.make, info.model, info.year):
                continue
            age = (
                "old"
                if (epoch - recall.announced).days > 2 * 365
                else "new"
                if recall.announced > epoch
                else None
            )
            if age is not None:
                covered[age] += 1
                still_open[age] += campaign in open_campaigns
    assert covered["old"] > 100 and covered["new"] > 100
    assert still_open["old"] / covered["old"] < 0.02
    assert still_open["new"] / covered["new"] == pytest.approx(0.7, abs=0.1)
