"""Shops close on the holidays shops.yaml names per shop kind, with the ``holidays`` package as the
oracle of the dates, and the demand of a closed day arrives on the next open days instead."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import holidays
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world.small_worlds import resolve, run_world, small_scenario
from world.calendar import Calendar
from world.catalog import CATALOG_DIR

KINDS = yaml.safe_load((CATALOG_DIR / "shops.yaml").read_text(encoding="utf-8"))["kinds"]


def closed_dates(kind: str, years: range) -> set[date]:
    """The dates a shop kind closes: each named holiday, and its observed weekday if the kind says so."""
    rule = KINDS[kind]["closed_holidays"]
    table = holidays.country_holidays("US", years=years, observed=rule["observed"], language="en_US")
    return {day for day, name in table.items() if name.removesuffix(" (observed)") in rule["names"]}


def scenario(start_year: int, years: int = 2, private: int = 60) -> dict:
    data = small_scenario(private=private, years=years)
    data["start"], data["end"] = f"{start_year}-01-01", f"{start_year + years}-01-01"
    return data


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), start_year=st.integers(1995, 2035))
def test_no_ro_opens_or_closes_on_a_closed_holiday(seed, start_year):
    visits, _, _ = run_world(resolve(scenario(start_year)), seed)
    years = range(start_year - 1, start_year + 3)
    closed = {kind: closed_dates(kind, years) for kind in KINDS}
    assert any(closed.values())
    assert visits
    for visit in visits:
        for moment in (visit.opened_at, visit.closed_at):
            assert moment.date() not in closed[visit.shop.kind], (visit.ro_number, visit.shop.kind, moment)


def test_the_demand_of_a_closed_holiday_arrives_after_it():
    data = resolve(scenario(2022, years=2, private=150))
    visits, _, _ = run_world(data, 5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Calendar, "holidays", lambda self, names, observed: frozenset())
        always_open, _, _ = run_world(data, 5)
    # Nothing is lost: the same demand, give or take what shifting a few days ripples into.
    assert abs(len(visits) - len(always_open)) <= 0.02 * len(always_open)
    years = range(2021, 2025)
    closed = {kind: closed_dates(kind, years) for kind in KINDS}
    opened = Counter((visit.vehicle.vin, visit.opened_at.date()) for visit in visits)
    displaced = [visit for visit in always_open if visit.opened_at.date() in closed[visit.shop.kind]]
    assert len(displaced) >= 15  # about 20 in two years of this world
    # Each visit the open world made on a holiday happens within a week after it in the real one.
    found = sum(
        any(opened[visit.vehicle.vin, visit.opened_at.date() + timedelta(days=days)] for days in range(1, 8))
        for visit in displaced
    )
    assert found >= 0.9 * len(displaced), (found, len(displaced))
