"""The domain catalog: sizes, formats, sources and every cross-reference checked on load."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

import world.catalog as catalog_module
from world.catalog import load_catalog
from world.catalog_schema import OP_CODE_PATTERN
from world.errors import UserError


def test_catalog_sizes_and_formats():
    catalog = load_catalog()
    assert len(catalog.makes) >= 12
    assert len(catalog.models) >= 40
    assert len(catalog.operations) >= 40
    assert len(catalog.parts) >= 80
    for op in catalog.operations.values():
        assert re.fullmatch(OP_CODE_PATTERN, op.op_code)
        assert 0 < op.hours_warranty < op.hours_customer <= 400
    for part in catalog.parts.values():
        assert 0 < part.price_min <= part.price_max


def test_every_vocabulary_concern_is_named():
    catalog = load_catalog()
    assert catalog.concern_name("brake_pads_front") == "front brake pads"
    assert catalog.concern_name("oil_change") == "oil and filter change"
    for campaign_id, recall in catalog.recalls.items():
        assert catalog.concern_name(campaign_id) == recall.title
        assert recall.component in catalog.components
    with pytest.raises(KeyError):
        catalog.concern_name("flux_capacitor")


def test_every_rate_carries_a_source():
    catalog = load_catalog()
    raw = yaml.safe_load((catalog_module.CATALOG_DIR / "components.yaml").read_text())
    assert all(entry["source"] for entry in raw["components"].values())
    behaviour = catalog.behaviour.model_dump()
    for key, entry in behaviour.items():
        assert entry["source"], key
    for kind in catalog.shop_kinds.values():
        for name, field in kind:
            if hasattr(field, "source"):
                assert field.source, name


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("operations.yaml", "{part: BH-0150, qty: 1}", "{part: BH-9999, qty: 1}", "unknown part 'BH-9999'"),
        ("components.yaml", "diagnosis, starter]", "diagnosis, starter_motor]", "unknown operation"),
        (
            "recalls.yaml",
            "models: [Accord, Civic]",
            "models: [Accord, Prelude]",
            "unknown make/model Honda Prelude",
        ),
        ("recalls.yaml", "announced: 2018-06-14", "announced: 2019-06-14", "not in the year of the campaign"),
        ("recalls.yaml", "  17V-352:", "  RC-17V352:", "expected an NHTSA campaign number YYV-NNN"),
        (
            "recalls.yaml",
            "models: [Corolla], years: [2006, 2012]}]",
            "models: [Corolla], years: [2006, 2012]}, {make: Honda, models: [Civic], years: [2006, 2012]}]",
            "one manufacturer's campaign names one make",
        ),
        (
            "comebacks.yaml",
            "{operations: [tire_rebalance], weight: 0.45}",
            "{operations: [brake_service_front], weight: 0.45}",
            "operation 'brake_service_front' is for 'brake_pads_front', not 'tires'",
        ),
        (
            "comebacks.yaml",
            "{operations: [brake_service_rear], weight: 1.0}",
            "{operations: [brake_service_rear], weight: 1.0, needs_tpms: true}",
            "none applies to a vehicle without TPMS",
        ),
        (
            "operations.yaml",
            "hours: {customer: 1.8, warranty: 1.5}",
            "hours: {customer: 1.5, warranty: 1.8}",
            "warranty < customer",
        ),
        ("fitment.yaml", "hid: HL-D3S,", "hid: HL-D3S-9999,", "slots.headlamp.parts.hid: unknown part"),
        (
            "fitment.yaml",
            "by: [spec.headlamps]",
            "by: [spec.headlights]",
            "slots.headlamp.by.0: Input should be",
        ),
        (
            "fitment.yaml",
            "use: {manual: manual_transmission_fluid}",
            "use: {manual: tires}",
            "expected an operation for 'transmission_fluid'",
        ),
        (
            "operations.yaml",
            "{fits: headlamp, qty: 1}",
            "{fits: headlight, qty: 1}",
            "unknown fitment slot 'headlight'",
        ),
        (
            "operations.yaml",
            "{fits: refrigerant, qty: 1.5}",
            "{fits: refrigerant}",
            "takes no quantity from the spec",
        ),
        (
            "bundles.yaml",
            "rotors: brake_rotors",
            "rotors: brake_discs",
            "pad_rotors.rotors: unknown component",
        ),
        (
            "bundles.yaml",
            "rotors_operation: brake_rotors_with_pads",
            "rotors_operation: brake_discs_with_pads",
            "pad_rotors.rotors_operation: unknown operation 'brake_discs_with_pads'",
        ),
        (
            "bundles.yaml",
            "dealer: 0.35",
            "dealer: 1.35",
            "diagnosis_handover.shares.dealer: Input should be less",
        ),
        (
            "behaviour.yaml",
            "{vehicles: 3, share: 0.12}",
            "{vehicles: 3, share: 0.22}",
            "household shares must sum to 1, found 1.1",
        ),
    ],
)
def test_broken_cross_references_are_load_errors(tmp_path, monkeypatch, file, old, new, message):
    broken = tmp_path / "catalog"
    shutil.copytree(catalog_module.CATALOG_DIR, broken)
    text = (broken / file).read_text()
    assert old in text
    (broken / file).write_text(text.replace(old, new, 1))
    monkeypatch.setattr(catalog_module, "CATALOG_DIR", broken)
    with pytest.raises(UserError, match=re.escape(message)):
        load_catalog.__wrapped__()
