"""The narrative content files: complete, well-formed, placeholder-safe and free of literal PII.

The renderer (exporters/narrative.py) trusts these files; these tests are what makes that safe.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import exporters
from exporters.templates import compile_template

NARRATIVES = Path(exporters.__file__).parent / "narratives"

MAINTENANCE = (
    "oil_change",
    "tire_rotation",
    "brake_fluid_flush",
    "coolant_flush",
    "engine_air_filter",
    "cabin_air_filter",
    "spark_plugs",
    "timing_belt",
    "transmission_fluid",
    "battery_service",
    "wiper_blades",
    "wheel_alignment",
)
FAILURES = (
    "brake_pads_front",
    "brake_pads_rear",
    "brake_rotors",
    "brake_caliper",
    "battery",
    "alternator",
    "starter",
    "water_pump",
    "thermostat",
    "radiator",
    "serpentine_belt",
    "ignition_coil",
    "oxygen_sensor",
    "catalytic_converter",
    "wheel_bearing",
    "cv_axle",
    "struts",
    "tie_rod_end",
    "ac_compressor",
    "fuel_pump",
    "transmission",
    "engine_mount",
    "evap_purge_valve",
    "tpms_sensor",
    "headlamp",
    "tires",
    "power_window_regulator",
    "door_lock_actuator",
    "infotainment_unit",
)
SPECIAL = (
    "recall",
    "comeback",
    "used_vehicle_recon",
    "multipoint_inspection",
    "state_inspection",
    "generic",
)
CONCERN_FILES = {"maintenance.yaml": MAINTENANCE, "failures.yaml": FAILURES, "special.yaml": SPECIAL}

VEHICLE_PLACEHOLDERS = frozenset({"year", "make", "model", "odometer"})
COMMON_PLACEHOLDERS = VEHICLE_PLACEHOLDERS | {
    "concern",
    "op",
    "part",
    "parts",
    "grade",
    "quarts",
    "plugs",
    "milestone",
    "refrigerant",
    "engine",
}
CONCERN_SLOTS = ("when", "tried", "request", "context", "cause", "measure", "repair", "verify")
SPECIAL_EXTRAS = {
    "recall": frozenset({"campaign", "campaign_title", "campaign_description"}),
    "comeback": frozenset({"prior_ro"}),
}
NOTE_EXTRAS = {
    "waiter": None,
    "dropoff": None,
    "towed": None,
    "declined": "declined",
    "callback": None,
    "fleet_po": "po",
    "comeback": "prior_ro",
    "comeback_uncited": None,
    "recall_notice": "campaign",
}
NOTE_TIMES = {"time_in", "promised", "quoted"}
PII_PLACEHOLDERS = frozenset({"customer_name", "phone", "email", "address", "vin", "third_party_name"})
PII_LISTS = ("complaint", "cause", "notes")

MIN_PHRASES = {"request": 3, "cause": 4, "repair": 3, "verify": 2}
MIN_SYMPTOM_PHRASES = 3
MIN_NOTES = 4
MIN_PII = 8
MAX_WORDS = 45

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
PHONE_LIKE = re.compile(r"\d{3}\D{0,2}\d{3}\D?\d{4}|\d{7,}|555")
VIN_LIKE = re.compile(r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-Z])[A-HJ-NPR-Z0-9]{17}\b")
VERIFICATION = re.compile(
    r"verif|test|confirm|check|pass|measur|cycled|inspect|aimed|printout|runs smooth|idles smooth",
    re.IGNORECASE,
)
THIRD_PARTY_ROLES = re.compile(
    r"\b(husband|wife|spouse|son|daughter|neighbor|driver|contact|tech)\s+\{third_party_name\}",
    re.IGNORECASE,
)

# Words a technician would use for each failing component; every full cause and correction of
# that component must use at least one, so a brake job always talks about brakes.
COMPONENT_WORDS = {
    "brake_pads_front": r"pad|brake",
    "brake_pads_rear": r"pad|brake",
    "brake_rotors": r"rotor",
    "brake_caliper": r"caliper",
    "battery": r"batter",
    "alternator": r"alternator|charging",
    "starter": r"starter",
    "water_pump": r"water pump",
    "thermostat": r"thermostat",
    "radiator": r"radiator",
    "serpentine_belt": r"belt",
    "ignition_coil": r"coil",
    "oxygen_sensor": r"oxygen sensor|o2 sensor|sensor",
    "catalytic_converter": r"converter|catalyst",
    "wheel_bearing": r"bearing",
    "cv_axle": r"cv|axle|half shaft",
    "struts": r"strut|damper",
    "tie_rod_end": r"tie rod",
    "ac_compressor": r"compressor|clutch",
    "fuel_pump": r"pump|fuel pressure",
    "transmission": r"transmission|shift",
    "engine_mount": r"mount",
    "evap_purge_valve": r"purge",
    "tpms_sensor": r"tpms|sensor",
    "headlamp": r"headlamp|beam|bulb",
    "tires": r"tire|tread",
    "power_window_regulator": r"regulator",
    "door_lock_actuator": r"actuator",
    "infotainment_unit": r"head unit|screen|display|radio",
}


@cache
def load(name: str) -> dict:
    return yaml.safe_load((NARRATIVES / name).read_text(encoding="utf-8"))


def concerns(name: str) -> dict:
    return load(name)["concerns"]


def all_concerns() -> dict[str, dict]:
    merged: dict[str, dict] = {}
    for name in CONCERN_FILES:
        merged.update(concerns(name))
    return merged


def text_of(entry: object) -> object:
    """A phrase's text: phrases are strings or {text, when} mappings."""
    return entry["text"] if isinstance(entry, dict) else entry


def concern_template_lists(body: dict) -> dict[str, list[str]]:
    lists = {f"symptoms.{key}": phrases for key, phrases in (body.get("symptoms") or {}).items()}
    lists.update({slot: body[slot] for slot in CONCERN_SLOTS if slot in body})
    return {where: [text_of(entry) for entry in entries] for where, entries in lists.items()}


def note_templates() -> list[str]:
    return [
        text_of(e)
        for slots in load("notes.yaml")["notes"].values()
        for slot in slots
        for e in slot
        if text_of(e)
    ]


def every_template() -> list[str]:
    templates = [
        t for body in all_concerns().values() for ts in concern_template_lists(body).values() for t in ts
    ]
    templates += note_templates()
    templates += [t for ts in load("pii.yaml")["mentions"].values() for t in ts]
    return templates


def placeholders(template: str) -> set[str]:
    return set(PLACEHOLDER.findall(template))


def assert_well_formed(template: object, where: str) -> None:
    assert isinstance(template, str), f"{where}: {template!r} is not a string"
    assert template.strip() == template and template, f"{where}: empty or padded {template!r}"
    assert "\n" not in template, f"{where}: multi-line template {template!r}"
    leftover = PLACEHOLDER.sub("", template)
    assert "{" not in leftover and "}" not in leftover, f"{where}: literal or malformed brace in {template!r}"
    assert len(template.split()) <= MAX_WORDS, f"{where}: more than {MAX_WORDS} words: {template!r}"


@pytest.mark.parametrize("name", [*CONCERN_FILES, "notes.yaml", "pii.yaml", "voices.yaml", "writing.yaml"])
def test_raw_text_is_clean_ascii_without_literal_pii(name: str) -> None:
    text = (NARRATIVES / name).read_text(encoding="utf-8")
    assert text.isascii(), f"{name}: non-ASCII characters"
    assert "\t" not in text, f"{name}: tab characters"
    assert "@" not in text, f"{name}: '@' looks like an email address"
    for number, line in enumerate(text.splitlines(), start=1):
        assert line == line.rstrip(), f"{name}:{number}: trailing whitespace"
        assert not PHONE_LIKE.search(line), f"{name}:{number}: phone-like digits in {line!r}"
        assert not VIN_LIKE.search(line), f"{name}:{number}: VIN-like token in {line!r}"


@pytest.mark.parametrize(("name", "expected"), CONCERN_FILES.items())
def test_concern_files_cover_exactly_their_concerns(name: str, expected: tuple[str, ...]) -> None:
    data = load(name)
    assert set(data) == {"concerns"}
    assert sorted(data["concerns"]) == sorted(expected)


@pytest.mark.parametrize("concern", [*MAINTENANCE, *FAILURES, *SPECIAL])
def test_concern_has_enough_well_formed_phrases(concern: str) -> None:
    body = all_concerns()[concern]
    assert set(body) <= {"values", "symptoms", *CONCERN_SLOTS}
    lists = concern_template_lists(body)
    for slot, minimum in MIN_PHRASES.items():
        if slot != "request" or concern in MAINTENANCE:
            assert len(lists.get(slot, [])) >= minimum, f"{concern}.{slot}: fewer than {minimum}"
    for where, templates in lists.items():
        assert len(set(templates)) == len(templates), f"{concern}.{where}: duplicate phrases"
        for template in templates:
            assert_well_formed(template, f"{concern}.{where}")


@pytest.mark.parametrize("concern", FAILURES)
def test_failures_have_phrases_for_every_symptom_the_catalog_gives_them(concern: str) -> None:
    catalog = yaml.safe_load(
        (Path(exporters.__file__).parents[1] / "world/catalog/components.yaml").read_text()
    )
    symptoms = all_concerns()[concern]["symptoms"]
    assert set(symptoms) == set(catalog["components"][concern]["symptoms"])
    assert all(len(phrases) >= MIN_SYMPTOM_PHRASES - 2 for phrases in symptoms.values())
    assert sum(len(phrases) for phrases in symptoms.values()) >= MIN_SYMPTOM_PHRASES


@pytest.mark.parametrize("concern", [*MAINTENANCE, *FAILURES, *SPECIAL])
def test_concern_placeholders_are_allowed_and_values_used(concern: str) -> None:
    body = all_concerns()[concern]
    value_names = set(body.get("values", {}))
    assert not value_names & (COMMON_PLACEHOLDERS | PII_PLACEHOLDERS), (
        f"{concern}: value shadows a placeholder"
    )
    allowed = COMMON_PLACEHOLDERS | value_names | SPECIAL_EXTRAS.get(concern, frozenset())
    used: set[str] = set()
    for where, templates in concern_template_lists(body).items():
        for template in templates:
            unknown = placeholders(template) - allowed
            assert not unknown, f"{concern}.{where}: unknown placeholders {sorted(unknown)} in {template!r}"
            used |= placeholders(template)
    assert value_names <= used, f"{concern}: values never used {sorted(value_names - used)}"


@pytest.mark.parametrize("concern", [c for c in [*MAINTENANCE, *FAILURES] if "values" in all_concerns()[c]])
def test_values_are_well_formed(concern: str) -> None:
    for name, spec in all_concerns()[concern]["values"].items():
        where = f"{concern}.values.{name}"
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"{where}: not an identifier"
        kinds = set(spec) & {"int", "float", "choice"}
        assert len(kinds) == 1, f"{where}: expected exactly one of int, float, choice, found {sorted(spec)}"
        kind = kinds.pop()
        if kind == "choice":
            assert set(spec) == {"choice"}, f"{where}: unexpected keys {sorted(spec)}"
            choices = [text_of(c) for c in spec["choice"]]
            assert isinstance(choices, list) and choices, f"{where}: empty choice"
            assert all(isinstance(c, str) and c.strip() == c and c for c in choices), f"{where}: {choices!r}"
            assert len(set(choices)) == len(choices), f"{where}: duplicate choices"
        elif kind == "int":
            assert set(spec) == {"int"}, f"{where}: unexpected keys {sorted(spec)}"
            low, high = spec["int"]
            assert type(low) is int and type(high) is int and low <= high, f"{where}: bad range {spec['int']}"
        else:
            assert set(spec) <= {"float", "decimals"}, f"{where}: unexpected keys {sorted(spec)}"
            low, high = spec["float"]
            assert all(isinstance(v, int | float) for v in (low, high)) and low <= high, f"{where}: bad range"
            decimals = spec.get("decimals", 1)
            assert type(decimals) is int and 0 <= decimals <= 3, f"{where}: decimals {decimals!r}"


@pytest.mark.parametrize("concern", [*MAINTENANCE, *FAILURES, *SPECIAL])
def test_verification_steps_say_how_the_work_was_verified(concern: str) -> None:
    verify = concern_template_lists(all_concerns()[concern])["verify"]
    verified = [template for template in verify if VERIFICATION.search(template)]
    assert len(verified) * 2 >= len(verify), f"{concern}: most verify steps do not say how: {verify!r}"


@pytest.mark.parametrize("concern", FAILURES)
def test_failure_narratives_name_their_component(concern: str) -> None:
    lists = concern_template_lists(all_concerns()[concern])
    words = re.compile(COMPONENT_WORDS[concern], re.IGNORECASE)
    for template in lists["cause"] + lists["repair"]:
        assert words.search(template) or "{part" in template, (
            f"{concern}: {template!r} names neither the component nor the installed part"
        )


def test_notes_lists_are_complete_and_use_their_placeholder() -> None:
    notes = load("notes.yaml")
    assert set(notes) == {"notes", "milestones"}
    assert sorted(notes["notes"]) == sorted(NOTE_EXTRAS)
    for kind, extra in NOTE_EXTRAS.items():
        first, *rest = notes["notes"][kind]
        templates = [text_of(entry) for entry in first]
        assert len(templates) >= MIN_NOTES, f"notes.{kind}: {len(templates)} < {MIN_NOTES}"
        assert len(set(templates)) == len(templates), f"notes.{kind}: duplicate phrases"
        allowed = VEHICLE_PLACEHOLDERS | NOTE_TIMES | ({extra} if extra else set())
        for template in templates + [text_of(e) for slot in rest for e in slot if text_of(e)]:
            assert_well_formed(template, f"notes.{kind}")
            assert placeholders(template) <= allowed, f"notes.{kind}: placeholder not allowed in {template!r}"
        if extra:
            assert all(extra in placeholders(t) for t in templates), (
                f"notes.{kind}: a phrase lacks {{{extra}}}"
            )


def test_pii_mentions_cover_every_placeholder_with_roles_for_third_parties() -> None:
    pii = load("pii.yaml")
    assert set(pii) == {"mentions", "pii"}  # pii: the composed sentences, tested in test_pii.py
    assert sorted(pii["mentions"]) == sorted(PII_LISTS)
    overall: Counter[str] = Counter()
    for kind in PII_LISTS:
        templates = pii["mentions"][kind]
        assert len(templates) >= MIN_PII, f"mentions.{kind}: {len(templates)} < {MIN_PII}"
        assert len(set(templates)) == len(templates), f"mentions.{kind}: duplicate templates"
        in_list: set[str] = set()
        for template in templates:
            assert_well_formed(template, f"mentions.{kind}")
            found = PLACEHOLDER.findall(template)
            assert found, f"mentions.{kind}: {template!r} mentions no PII"
            assert set(found) <= PII_PLACEHOLDERS, f"mentions.{kind}: placeholder not allowed in {template!r}"
            assert found.count("third_party_name") == len(THIRD_PARTY_ROLES.findall(template)), (
                f"mentions.{kind}: third party without a role word in {template!r}"
            )
            overall.update(found)
            in_list |= set(found)
        assert in_list == PII_PLACEHOLDERS, f"mentions.{kind}: missing {sorted(PII_PLACEHOLDERS - in_list)}"
    assert all(overall[name] >= 3 for name in PII_PLACEHOLDERS), f"thin coverage: {dict(overall)}"


@given(
    template=st.sampled_from(every_template()),
    fill=st.text(alphabet=st.characters(codec="ascii", exclude_characters="{}"), max_size=12),
)
def test_shipped_templates_compile_and_render_like_plain_substitution(template: str, fill: str) -> None:
    names = placeholders(template)
    compiled = compile_template(template, "test", frozenset(names))
    assert compiled.fields == names
    assert compiled.format_text.format_map(dict.fromkeys(names, fill)) == PLACEHOLDER.sub(
        lambda _: fill, template
    )
