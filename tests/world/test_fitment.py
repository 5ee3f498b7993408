"""Parts and book hours from the build spec: every part on every job fits the vehicle, by an
oracle written from specs.yaml and the parts' descriptions; book hours differ by engine."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.world.small_worlds import default_run
from tests.world.spec_oracle import part_problems
from world.catalog import load_catalog
from world.fitment import Fitter
from world.specs import SpecBook


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2))
def test_every_part_on_every_job_fits_the_vehicle(seed):
    visits, _, _ = default_run(seed)
    checked = Counter()
    problems = []
    for visit in visits:
        for job in visit.jobs:
            for op in job.operations:
                for part in op.parts:
                    found = part_problems(visit.vehicle, part.part_number, part.quantity)
                    problems += [
                        f"{visit.ro_number} {visit.vehicle.year} {visit.vehicle.model}: {p}" for p in found
                    ]
                    checked[op.operation_id] += 1
    assert problems == []
    assert checked["oil_change"] > 50 and checked["tires"] and checked["transmission_fluid"]


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2))
def test_services_and_repairs_only_where_the_build_has_the_part(seed):
    visits, _, _ = default_run(seed)
    for visit in visits:
        spec = visit.vehicle.spec
        concerns = {job.concern for job in visit.jobs} | set(visit.declined)
        assert spec.engine.cam_drive == "belt" or "timing_belt" not in concerns, visit.ro_number
        assert spec.tpms or "tpms_sensor" not in concerns, visit.ro_number
        assert spec.cabin_filter or "cabin_air_filter" not in concerns, visit.ro_number
        if spec.engine.fuel == "diesel":
            assert not concerns & {"spark_plugs", "ignition_coil", "evap_purge_valve"}, visit.ro_number
        oil = {op.operation_id for job in visit.jobs for op in job.operations} & {
            "oil_change",
            "oil_change_hd",
        }
        assert oil <= {"oil_change_hd" if spec.engine.fuel == "diesel" else "oil_change"}, visit.ro_number


def _fitter() -> tuple[Fitter, SpecBook]:
    catalog = load_catalog()
    specs = SpecBook(catalog.specs, catalog.fitment.requires)
    return Fitter(catalog, specs), specs


def _fitment(specs: SpecBook, make: str, model: str, year: int, trim: str) -> int:
    entry = next(m for m in load_catalog().models if (m.make, m.model) == (make, model))
    for key in range(1000):
        fitment, chosen = specs.choose(entry, year, False, key)
        if chosen.name == trim:
            return fitment
    raise AssertionError(f"no {trim} drawn")


def test_book_hours_differ_by_engine_and_layout():
    fitter, specs = _fitter()
    operations = load_catalog().operations
    camry_i4 = _fitment(specs, "Toyota", "Camry", 2010, "LE")
    camry_v6 = _fitment(specs, "Toyota", "Camry", 2010, "XLE V6")
    silverado_v8 = _fitment(specs, "Chevrolet", "Silverado 1500", 2016, "LT 5.3")

    def customer_hours(op_id, fitment):
        return fitter.hours(fitter.operation(op_id, fitment), fitment)[0]

    plugs = [customer_hours("spark_plugs", f) for f in (camry_i4, camry_v6, silverado_v8)]
    assert plugs[0] < plugs[2] < plugs[1]
    assert customer_hours("water_pump", camry_i4) < customer_hours("water_pump", camry_v6)
    assert customer_hours("tire_rotation", camry_i4) == customer_hours("tire_rotation", camry_v6)
    for fitment in (camry_i4, camry_v6, silverado_v8):
        for op_id in operations:
            customer, warranty = fitter.hours(fitter.operation(op_id, fitment), fitment)
            assert 0 < warranty < customer


def test_some_operations_are_done_differently_on_some_builds():
    fitter, specs = _fitter()
    led = _fitment(specs, "Toyota", "Camry", 2020, "LE")
    halogen = _fitment(specs, "Toyota", "Camry", 2010, "LE")
    manual = _fitment(specs, "Jeep", "Wrangler", 2014, "Rubicon")
    assert "headlamp" in specs.lacks(led)  # LED headlamps are rated for the vehicle's life
    assert "headlamp" not in specs.lacks(halogen)
    assert fitter.operation("headlamp", halogen).operation_id == "headlamp"
    gear_oil = fitter.operation("transmission_fluid", manual)
    assert gear_oil.operation_id == "manual_transmission_fluid"
    assert [(p.part_number, p.quantity) for p in fitter.parts(gear_oil, manual)] == [("MTF-75W90-QT", 300)]
    assert fitter.operation("transmission_fluid", halogen).operation_id == "transmission_fluid"


def test_every_operation_has_its_parts_on_every_build_of_every_model_year():
    """A slot that misses a build's value would stop a run: every trim of every generation, at the
    model years where equipment changes, fills every operation's slots."""
    fitter, specs = _fitter()
    catalog = load_catalog()
    builds = set()
    for entry in catalog.models:
        for generation in catalog.specs.models[entry.make, entry.model].generations:
            last = generation.last_year or 2039
            years = {generation.first_year, last} | {
                y for y in (1993, 1994, 2006, 2007, 2008) if generation.covers(y)
            }
            for year in years:
                wanted = {trim.name for trim in generation.trims}
                for key in range(2000):
                    fitment, trim = specs.choose(entry, year, False, key)
                    builds.add(fitment)
                    wanted.discard(trim.name)
                    if not wanted:
                        break
                assert not wanted, (entry.model, year, wanted)
    for fitment in builds:
        for op_id in catalog.operations:
            operation = fitter.operation(op_id, fitment)
            assert all(part.quantity > 0 for part in fitter.parts(operation, fitment))
    assert len(builds) > 500
