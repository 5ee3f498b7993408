"""Mileage and age: annual miles that fall with age, odometers bounded by the usage distribution,
scrappage by age and miles, and an initial age mix with no pile-up at the catalog's first year."""

from __future__ import annotations

import math
from collections import Counter
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world.small_worlds import resolve, run_world, small_scenario, visits_by_vin
from world.catalog import load_catalog
from world.lifespans import LifeSpans
from world.odometer import FLAT, YEAR_DAYS, Odometer, UsageCurve
from world.population import USAGE_QUANTILE_CAP, usage_multiplier
from world.shards import plan_shards
from world.vin import vin_problem
from world.world import build

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
FEW = settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BEHAVIOUR = load_catalog().behaviour
PRIVATE = UsageCurve(BEHAVIOUR.private_annual_miles.by_age)
FLEET_ARCHETYPES = {"delivery_fleet", "utility_fleet"}


def _private_visit_pairs(seed: int):
    """Consecutive visits of the same VIN, both by a private owner, of VINs no fleet ever owned."""
    visits, ledger, _ = run_world(resolve(small_scenario(private=240, years=2)), seed)
    fleet_owners = {c.customer_uuid for c in ledger.customers if c.archetype in FLEET_ARCHETYPES}
    fleet_vins = {
        v.info.vin for v in ledger.vehicles if any(o.customer_uuid in fleet_owners for o in v.ownerships)
    }
    return visits_by_vin(
        visit
        for visit in visits
        if visit.vehicle.vin not in fleet_vins and visit.customer.kind == "individual"
    )


@FEW
@given(seed=SEEDS)
def test_annual_miles_fall_with_age(seed):
    # Miles over days between consecutive visits, pooled by the vehicle's age at the earlier one, in
    # the registration-age bands: new (<6 years), middle-aged (6-15) and old (15+).
    pooled = {band: [0, 0.0] for band in ("new", "middle", "old")}
    for vin_visits in _private_visit_pairs(seed).values():
        for earlier, later in zip(vin_visits, vin_visits[1:], strict=False):
            age = earlier.truth.vehicle_age_days / YEAR_DAYS
            band = "new" if age < 6 else "middle" if age < 15 else "old"
            pooled[band][0] += later.odometer_in - earlier.odometer_in
            pooled[band][1] += (later.opened_at - earlier.opened_at).total_seconds() / 86_400
    per_year = {band: miles / days * YEAR_DAYS for band, (miles, days) in pooled.items()}
    assert per_year["new"] > per_year["middle"] > per_year["old"], per_year
    assert 10_000 < per_year["new"] < 16_000 and 4_000 < per_year["old"] < 10_000, per_year


@FEW
@given(seed=SEEDS)
def test_no_private_odometer_passes_the_usage_cap_at_its_age(seed):
    # Every owner drives at most the capped quantile of the usage multiplier times the mean curve,
    # the owners before the world began included; the seasonal clock runs A * P/2pi days ahead at
    # most, and the delivery and test drives add a few hundred miles over a vehicle's visits.
    cap = usage_multiplier(BEHAVIOUR.private_annual_miles.sigma, USAGE_QUANTILE_CAP)
    amplitude = BEHAVIOUR.seasonal_amplitude.value * (1 + BEHAVIOUR.daily_noise.value)
    clock_lead_days = 2 * amplitude * YEAR_DAYS / (2 * math.pi)
    for vin_visits in _private_visit_pairs(seed).values():
        for number, visit in enumerate(vin_visits, start=1):
            bound = cap * PRIVATE.total(visit.truth.vehicle_age_days + 1 + clock_lead_days) + 40 + 12 * number
            assert visit.odometer_in <= bound, (visit.vehicle.vin, visit.truth.vehicle_age_days)


def test_the_usage_cap_is_about_four_times_the_mean():
    cap = usage_multiplier(BEHAVIOUR.private_annual_miles.sigma, USAGE_QUANTILE_CAP)
    assert 3 < cap < 5
    assert cap * PRIVATE.rate(0.0) * YEAR_DAYS < 60_000


def _stand_in(age_years: float, annual_miles: float) -> SimpleNamespace:
    """A vehicle in service ``age_years`` before t = 0 that has always driven ``annual_miles``."""
    in_service = -age_years * YEAR_DAYS
    return SimpleNamespace(
        in_service=in_service,
        odometer=Odometer(in_service, 0.0, FLAT, annual_miles, in_service, 0.0, 0.0),
        key=12345,
    )


def _scrappage_within_a_year(age_years: float, annual_miles: float) -> float:
    lifespans = LifeSpans(BEHAVIOUR)
    vehicle = _stand_in(age_years, annual_miles)
    return 1 - math.exp(-(lifespans.hazard(vehicle, YEAR_DAYS) - lifespans.hazard(vehicle, 0.0)))


@given(
    ages=st.tuples(st.floats(1, 40), st.floats(1, 40)).map(sorted),
    miles=st.tuples(st.floats(3_000, 40_000), st.floats(3_000, 40_000)).map(sorted),
)
def test_scrappage_probability_rises_with_age_and_miles(ages, miles):
    younger, older = ages
    lighter, heavier = miles
    assert _scrappage_within_a_year(younger, lighter) <= _scrappage_within_a_year(older, lighter)
    assert _scrappage_within_a_year(younger, lighter) <= _scrappage_within_a_year(younger, heavier)


def test_scrappage_is_rare_when_young_and_common_when_old_or_worn_out():
    assert _scrappage_within_a_year(3, 12_000) < 0.005
    assert _scrappage_within_a_year(25, 8_000) > 0.05
    assert _scrappage_within_a_year(12, 30_000) > 5 * _scrappage_within_a_year(12, 10_000)


def test_a_new_owner_who_drives_more_brings_the_scrap_date_forward():
    lifespans = LifeSpans(BEHAVIOUR)
    vehicle = _stand_in(10, 10_000)
    lifespans.schedule_scrap(vehicle, 0.0)
    calm = vehicle.scrap_at
    assert lifespans.hazard(vehicle, calm) == pytest.approx(vehicle.scrap_hazard, rel=1e-4)
    vehicle.odometer = vehicle.odometer.continued(0.0, FLAT, 40_000)
    lifespans.reschedule_scrap(vehicle, 0.0)
    assert 0.0 < vehicle.scrap_at < calm


@pytest.fixture(scope="module")
def initial_vehicles():
    """A large world's vehicles as it begins, in mid-2023: the age mix reaches back to 1978."""
    scenario = resolve(small_scenario(private=4000))
    return list(build(scenario, 7, plan_shards(scenario.world)[0]).census.alive.values())


def test_the_oldest_model_years_hold_no_pile_up(initial_vehicles):
    floor = min(model.first_year for model in load_catalog().models)
    years = Counter(vehicle.info.year for vehicle in initial_vehicles if not vehicle.fleet)
    assert min(years) == floor
    # The 30-45 year band holds 5 % of the mix over 15 years: about 13 of 4,000 vehicles a year.
    for year in range(floor, floor + 8):
        assert years[year] <= 2 * years[year + 1] + 10, sorted(years.items())[:10]
        assert years[year] < 40, sorted(years.items())[:10]


def test_every_model_year_has_a_valid_vin(initial_vehicles):
    assert all(vin_problem(vehicle.info.vin, vehicle.info.year) is None for vehicle in initial_vehicles)


def test_the_initial_private_fleet_follows_the_registration_age_mix(initial_vehicles):
    ages = [-vehicle.in_service / YEAR_DAYS for vehicle in initial_vehicles if not vehicle.fleet]
    under_six = sum(age < 6 for age in ages) / len(ages)
    fifteen_plus = sum(age >= 15 for age in ages) / len(ages)
    # S&P Global 2024: 31.5 % under 6 years and 30 % 15 or older; the catalog's floor (1981, 42.5
    # years back) cuts 2.5 of the 30-45 band's 15 years, 0.8 % of the mix, and the rest is renormalised.
    kept = 1 - 0.05 * 2.5 / 15
    assert under_six == pytest.approx(0.315 / kept, abs=0.03)
    assert fifteen_plus == pytest.approx((0.30 - 0.05 * 2.5 / 15) / kept, abs=0.03)
