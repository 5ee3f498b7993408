"""Build specs: every vehicle is a trim its model year offered, with the model year's equipment,
checked against an independent reading of specs.yaml; a broken specs.yaml is a clear load error."""

from __future__ import annotations

import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import world.catalog as catalog_module
from tests.world.small_worlds import default_run
from tests.world.spec_oracle import build_problems, specs_yaml
from world.catalog import load_catalog
from world.errors import UserError
from world.specs import Fitment, SpecBook


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2))
def test_every_vehicle_is_built_as_specs_yaml_says(seed):
    _, ledger, _ = default_run(seed)
    assert ledger.vehicles
    for record in ledger.vehicles:
        assert build_problems(record.info) == [], record.info.vin


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2))
def test_fleets_buy_the_trims_fleets_buy(seed):
    visits, _, _ = default_run(seed)
    models = specs_yaml()["models"]
    fleet = [
        v.vehicle for v in visits if v.truth.archetype not in ("private_owner", "dealer_used_department")
    ]
    assert fleet
    for info in fleet:
        trims = {
            trim["trim"]: trim
            for generation in models[f"{info.make} {info.model}"]["generations"]
            for trim in generation["trims"]
            if generation["years"][0] <= info.year <= (generation["years"][1] or 9999)
        }
        assert trims[info.spec.trim].get("fleet"), (info.year, info.model, info.spec.trim)


def test_same_trim_and_engine_same_vds():
    _, ledger, _ = default_run(0)
    vds: dict[tuple, set[str]] = {}
    for record in ledger.vehicles:
        info = record.info
        vds.setdefault(
            (info.make, info.model, info.year >= 2010, info.spec.trim, info.spec.engine.code), set()
        ).add(info.vin[3:8])
    assert all(len(codes) == 1 for codes in vds.values())
    assert len(vds) > 20


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "cam_drive: belt, oil_grade: 5W-30, oil_capacity: 3.9",
            "cam_drive: belt, oil_capacity: 3.9",
            "specs.yaml: (top level).engines.table.toyota-2.0-i4-3sfe.oil_grade: Field required",
        ),
        (
            'layout: I4, displacement: "2.2"',
            'layout: V4, displacement: "2.2"',
            "5sfe.layout: Input should be",
        ),
        (
            "oil_capacity: 10.0, spark_plugs: 0}",
            "oil_capacity: 10.0, spark_plugs: 5}",
            "a diesel I5 has 0 spark",
        ),
        ("engine: toyota-2.4t-i4-t24a, weight: 1}", "engine: toyota-9.9-v12, weight: 1}", "unknown engine"),
        (
            "- {years: [1992, 2001]",
            "- {years: [1993, 2001]",
            "Camry.generations.1.years: expected to start at 1992",
        ),
        ("  Kia Telluride:\n", "  Kia Telluryde:\n", "models: no build specs for Kia Telluride"),
        (
            "{trim: Base, engine: toyota-2.7-i4-2tr, weight: 2, fleet: true}",
            "{trim: Base, engine: toyota-2.7-i4-2tr, weight: 2}",
            "models.Toyota Tacoma.generations.1.trims: a fleet model needs a trim with fleet: true",
        ),
    ],
)
def test_a_broken_specs_yaml_is_a_clear_load_error(tmp_path, monkeypatch, old, new, message):
    broken = tmp_path / "catalog"
    shutil.copytree(catalog_module.CATALOG_DIR, broken)
    text = (broken / "specs.yaml").read_text()
    assert old in text
    (broken / "specs.yaml").write_text(text.replace(old, new, 1))
    monkeypatch.setattr(catalog_module, "CATALOG_DIR", broken)
    with pytest.raises(UserError, match=re.escape(message)) as error:
        load_catalog.__wrapped__()
    assert str(error.value).startswith(str(broken / "specs.yaml"))


def test_one_fitment_index_per_distinct_build():
    # Parts and book hours are kept per index: model years that build a trim alike share one.
    catalog = load_catalog()
    specs = SpecBook(catalog.specs, catalog.fitment.requires)
    camry = next(m for m in catalog.models if (m.make, m.model) == ("Toyota", "Camry"))
    by_year = {}
    for year in range(2012, 2017):
        for key in range(200):
            fitment, trim = specs.choose(camry, year, False, key)
            assert specs.fitments[fitment] == Fitment(camry.make, camry.segment, specs.spec(fitment))
            by_year.setdefault(trim.name, set()).add((year, fitment))
    assert len(set(specs.fitments)) == len(specs.fitments)
    # one generation, one refrigerant and cabin filter rule: each trim one build over these years
    assert all(len({fitment for _, fitment in seen}) == 1 for seen in by_year.values()), by_year
    assert all(len(seen) == 5 for seen in by_year.values())
