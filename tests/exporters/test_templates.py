import dataclasses
import shutil
from pathlib import Path

import pytest

from exporters.templates import (
    MENTION_FIELDS,
    NARRATIVES_DIR,
    NOTE_KINDS,
    PII_PLACEHOLDERS,
    Condition,
    Facts,
    compile_template,
    default_library,
    load_library,
)
from world.catalog import load_catalog
from world.errors import UserError

MINIMAL = """
concerns:
  generic:
    request: ["It makes a noise on the {year} {model}."]
    cause: ["Found {concern} at {odometer} miles."]
    repair: ["Did {op}."]
    verify: ["Verified."]
milestones: {window_miles: 5000, miles: [30000, 60000]}
notes:
%s
mentions:
  complaint: ["I am {customer_name}."]
  cause: ["Driver {third_party_name}."]
  notes: ["Call {phone}."]
"""


def write_library(tmp_path: Path, text: str) -> Path:
    """A library of ``text`` beside the shipped voices and writing rules."""
    (tmp_path / "all.yaml").write_text(text, encoding="utf-8")
    for shared in ("voices.yaml", "writing.yaml"):
        shutil.copy(NARRATIVES_DIR / shared, tmp_path / shared)
    return tmp_path


def minimal_text() -> str:
    return MINIMAL % "\n".join(f'  {kind}: [["Note {kind}."]]' for kind in NOTE_KINDS)


def test_compiled_templates_render_and_know_their_placeholders():
    template = compile_template("Pads at {pad_mm} mm on the {model}.", "here", frozenset({"pad_mm", "model"}))
    assert template.fields == {"pad_mm", "model"}
    assert template.format_text.format_map({"pad_mm": "2", "model": "Civic"}) == "Pads at 2 mm on the Civic."


def test_value_ranges_are_spelled_out_once_and_must_be_narrow(tmp_path):
    correction = '    verify: ["Verified."]\n'
    values = "    values: {mm: {float: [1.5, 2], decimals: 1}, amps: {int: [9, 11]}, pick: {choice: [a]}}\n"
    library = load_library(write_library(tmp_path, minimal_text().replace(correction, correction + values)))
    specs = dict(library.concerns["generic"].values)
    assert specs["mm"].texts == ("1.5", "1.6", "1.7", "1.8", "1.9", "2.0")
    assert specs["amps"].texts == ("9", "10", "11") and specs["pick"].texts == ("a",)
    wide = "    values: {amps: {int: [0, 10000]}}\n"
    with pytest.raises(UserError, match="values.amps.*at most 10,000 values"):
        load_library(write_library(tmp_path, minimal_text().replace(correction, correction + wide)))


def test_a_minimal_library_loads(tmp_path):
    library = load_library(write_library(tmp_path, minimal_text()))
    assert set(library.notes) == set(NOTE_KINDS) and set(library.mentions) == set(MENTION_FIELDS)


def test_unknown_placeholders_are_user_errors_naming_file_and_key(tmp_path):
    text = minimal_text().replace("It makes a noise on the {year} {model}.", "Noise near {customer_name}.")
    with pytest.raises(UserError, match=r"all\.yaml: concerns\.generic\.request\[0\].*customer_name"):
        load_library(write_library(tmp_path, text))


def test_missing_sections_are_user_errors(tmp_path):
    text = minimal_text().replace('  callback: [["Note callback."]]\n', "")
    with pytest.raises(UserError, match="notes.callback"):
        load_library(write_library(tmp_path, text))
    with pytest.raises(UserError, match="no narrative template files"):
        load_library(tmp_path / "empty")


def test_bad_value_specs_are_user_errors(tmp_path):
    text = minimal_text().replace("  generic:\n", "  generic:\n    values: {pad_mm: {int: [5, 1]}}\n")
    with pytest.raises(UserError, match=r"values\.pad_mm"):
        load_library(write_library(tmp_path, text))


def test_shipped_library_covers_the_catalog_and_keeps_pii_in_mentions():
    library = default_library()
    catalog = load_catalog()
    for component in catalog.components:
        assert component in library.concerns, component
    for service in catalog.services:
        assert service in library.concerns, service
    for narrative in library.concerns.values():
        templates = [phrase.template for slot in narrative.slots.values() for phrase in slot] + [
            phrase.template for slot in narrative.symptoms.values() for phrase in slot
        ]
        assert not any(template.fields & set(PII_PLACEHOLDERS) for template in templates)
    assert all(
        template.fields & set(PII_PLACEHOLDERS)
        for kind in MENTION_FIELDS
        for template in library.mentions[kind]
    )


def test_conditions_are_checked_when_loaded(tmp_path):
    bad_clock = minimal_text().replace('["Verified."]', '[{text: "Verified.", when: {closed_by: "25:00"}}]')
    with pytest.raises(UserError, match=r"verify\[0\]\.when\.closed_by.*HH:MM"):
        load_library(write_library(tmp_path, bad_clock))
    unknown = minimal_text().replace('["Verified."]', '[{text: "Verified.", when: {weather: rain}}]')
    with pytest.raises(UserError, match=r"verify\[0\]\.when: expected a mapping of conditions"):
        load_library(write_library(tmp_path, unknown))


# Per Condition field: a value true of FACTS, and the facts changed so that it is false.
HELD_AND_BROKEN = {
    "shops": (frozenset({"independent"}), {"shop_kind": "dealer"}),
    "not_shops": (frozenset({"dealer"}), {"shop_kind": "dealer"}),
    "owners": (frozenset({"private_owner"}), {"owner": "fleet"}),
    "pays": (frozenset({"customer"}), {"pay": "warranty"}),
    "symptoms": (frozenset({"grinding"}), {"symptom": "squeal"}),
    "opened_before": (8 * 60 + 1, {"opened": 8 * 60 + 1}),
    "opened_after": (8 * 60, {"opened": 8 * 60 - 1}),
    "closed_by": (16 * 60, {"same_day": False}),
    "closed_after": (16 * 60, {"closed": 16 * 60 - 1}),
    "same_day": (True, {"same_day": False}),
    "waiter": (False, {"waiter": True}),
    "disabling": (False, {"disabling": True}),
    "cylinders_min": (6, {"cylinders": 4}),
    "banks": (2, {"banks": 1}),
    "year_min": (2015, {"year": 2014}),
    "tpms": (True, {"tpms": False}),
    "drivetrains": (frozenset({"awd"}), {"drivetrain": "fwd"}),
    "transmissions": (frozenset({"automatic"}), {"transmission": "manual"}),
    "recall": (True, {"recall": False}),
}
FACTS = Facts(
    shop_kind="independent", owner="private_owner", pay="customer", symptom="grinding",
    opened=8 * 60, closed=16 * 60, same_day=True, waiter=False, disabling=False, cylinders=6,
    banks=2, year=2015, tpms=True, drivetrain="awd", transmission="automatic",
    recall=True,
)  # fmt: skip


@pytest.mark.parametrize("name", [spec.name for spec in dataclasses.fields(Condition) if spec.init])
def test_each_condition_field_is_tested_against_the_facts(name):
    value, broken = HELD_AND_BROKEN[name]
    condition = Condition(**{name: value})
    assert condition.holds(FACTS)
    assert not condition.holds(FACTS._replace(**broken))
    assert Condition().holds(FACTS._replace(**broken))
