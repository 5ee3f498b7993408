"""Component wear on named random streams: a new catalog entry leaves every other component's
draws, and so its failure times, unchanged for the same vehicle keys."""

from __future__ import annotations

import dataclasses

from world.catalog import load_catalog
from world.initial_wear import InitialWear
from world.wear import WearModel

KEYS = (11, 2**63 + 5, 987_654_321, 2**64 - 1, 424_242)
MILES, AGES, DECLINES = [61_000.0] * 5, [6.2] * 5, [0.1, 0.4, 0.0, 0.9, 0.5]


def _with_a_new_first_component():
    """The catalog with one more component, inserted before all the others."""
    catalog = load_catalog()
    first = next(iter(catalog.components.values()))
    extra = dataclasses.replace(first, key="cabin_blower_motor", name="cabin blower motor")
    components = {extra.key: extra, **catalog.components}
    return catalog, dataclasses.replace(catalog, components=components)


def test_adding_a_component_leaves_the_other_components_draws_unchanged():
    catalog, extended = _with_a_new_first_component()
    before, after = WearModel(catalog, {}), WearModel(extended, {})
    assert after.keys[1:] == before.keys
    for index in range(len(before.keys)):
        moved = index + 1
        for key in KEYS:
            for occurrence in range(3):
                assert after.life(key, moved, occurrence) == before.life(key, index, occurrence)
                assert after.symptom(key, moved, occurrence) == before.symptom(key, index, occurrence)
                assert after.delay(key, moved, occurrence, 0.5, catalog.behaviour) == before.delay(
                    key, index, occurrence, 0.5, catalog.behaviour
                )


def test_adding_a_component_leaves_the_other_components_failure_points_unchanged():
    catalog, extended = _with_a_new_first_component()
    behaviour = catalog.behaviour
    scale = behaviour.defer_probability_scale.value
    before = InitialWear(WearModel(catalog, {}), behaviour.defer_days.value, scale)
    after = InitialWear(WearModel(extended, {}), behaviour.defer_days.value, scale)
    states_before = before.states(list(KEYS), MILES, AGES, DECLINES)
    states_after = after.states(list(KEYS), MILES, AGES, DECLINES)
    for old, new in zip(states_before, states_after, strict=True):
        assert new[:, 1:].tolist() == old.tolist()
