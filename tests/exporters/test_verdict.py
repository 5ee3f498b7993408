"""The lean verdict (exporters.validation.verdict) against the record rules it answers for.

``record_is_clean`` may only say True when ``ro_violations`` finds nothing, and should say True for
every valid RO (else the fast path falls back to the rules for it and gains nothing).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from exporters.contract import check_structure
from exporters.rules import RULE_IDS, ro_violations
from exporters.validation.structs import to_struct
from exporters.validation.verdict import record_is_clean
from tests.dataset_fixture import fixture_ros
from tests.exporters.test_rules import MUTATIONS, _mutated
from tests.strategies import repair_orders


def _structurally_valid(ro: dict) -> bool:
    out: list = []
    check_structure(ro, out)
    return not out


# The mutations the structure checks let through: each breaks a record rule, which the verdict must see.
RECORD_MUTATIONS = [
    (rule, ro_number, mutation)
    for rule, ro_number, mutation in MUTATIONS
    if _structurally_valid(_mutated(ro_number, mutation))
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repair_orders())
def test_every_valid_ro_is_clean(ro):
    assert record_is_clean(to_struct(ro))


def test_every_ro_of_the_fixture_dataset_is_clean():
    assert all(record_is_clean(to_struct(ro)) for ro in fixture_ros())


def test_the_record_mutations_cover_every_record_rule():
    # The F rules that exporters.rules and exporters.line_rules check (the others are patterns and structure).
    checked_by_the_rules = {
        "F2",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "F10",
        "F11",
        "F12",
        "F13",
        "F14",
        "F15",
        "F19",
        "F20",
    }
    record_rules = {rule for rule in RULE_IDS if rule[0] == "R" or rule.split("-")[0] in checked_by_the_rules}
    assert {rule for rule, _, _ in RECORD_MUTATIONS} == record_rules


@pytest.mark.parametrize(
    ("rule", "ro_number", "mutation"),
    RECORD_MUTATIONS,
    ids=[f"{rule}-{n}" for n, (rule, _, _) in enumerate(RECORD_MUTATIONS)],
)
def test_an_ro_breaking_a_record_rule_is_not_clean(rule, ro_number, mutation):
    ro = to_struct(_mutated(ro_number, mutation))
    assert ro_violations(ro)
    assert not record_is_clean(ro)
