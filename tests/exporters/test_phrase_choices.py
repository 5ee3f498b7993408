import random
from itertools import product

import pytest

from exporters.phrase_choices import ChoiceSet, Situations
from exporters.templates import Condition, Facts, Phrase, compile_template, default_library

LIBRARY = default_library()
CONDITIONS = sorted(set(LIBRARY.conditions()), key=repr)
SITUATIONS = Situations(CONDITIONS)
KEYS = frozenset({"year", "make", "model", "odometer", "concern", "op"})
OPTIONAL = ("part", "parts", "grade", "quarts", "plugs", "milestone", "prior_ro", "campaign", "dtc", "side")


def random_facts(rnd: random.Random) -> Facts:
    """Facts from the values the library's conditions name, numbers often on either side of a cut."""

    def number(fact: str, low: int, high: int) -> int:
        cuts = sorted(SITUATIONS.cuts.get(fact, ()))
        if cuts and rnd.random() < 0.7:
            return rnd.choice(cuts) + rnd.choice((-1, 0, 1))
        return rnd.randint(low, high)

    return Facts(
        shop_kind=rnd.choice(("dealer", "independent", "quick_lube", "fleet_depot", "tire_shop")),
        owner=rnd.choice(("private_owner", "fleet", "used_car_manager")),
        opened=number("opened", 0, 24 * 60 - 1),
        closed=number("closed", 0, 24 * 60 - 1),
        same_day=rnd.random() < 0.7,
        waiter=rnd.random() < 0.5,
        cylinders=number("cylinders", 3, 10),
        banks=rnd.choice((1, 2)),
        year=number("year", 1985, 2030),
        tpms=rnd.random() < 0.5,
        drivetrain=rnd.choice(("fwd", "rwd", "awd", "4wd")),
        transmission=rnd.choice(("automatic", "manual", "cvt")),
        recall=rnd.random() < 0.3,
        pay=rnd.choice(("", "customer", "warranty", "internal")),
        symptom=rnd.choice(("", "no_start", "overheating", "squeal", "misfire", "no_heat", "vibration")),
        disabling=rnd.random() < 0.3,
    )


def random_values(rnd: random.Random) -> dict[str, str]:
    return dict.fromkeys([*KEYS, *(name for name in OPTIONAL if rnd.random() < 0.5)], "x")


def test_the_library_has_threshold_conditions_and_the_cuts_follow_their_tests():
    assert {fact for condition in CONDITIONS for fact, _ in condition.cuts()} >= {"opened", "closed", "year"}
    assert Condition(closed_by=12 * 60).cuts() == (("closed", 12 * 60 + 1),)  # closed <= 12:00
    assert Condition(opened_before=630, year_min=2006).cuts() == (("opened", 630), ("year", 2006))
    assert Condition(closed_after=750).reads() == {"same_day", "closed"}


def test_a_situation_decides_every_condition_of_the_library():
    """Facts that reduce to the same situation agree on every condition: the key loses nothing a
    condition tells apart (numbers on either side of each threshold are drawn often)."""
    rnd = random.Random(7)
    seen: dict[tuple, tuple[bool, ...]] = {}
    for _ in range(20_000):
        facts = random_facts(rnd)
        situation = SITUATIONS.of_job(SITUATIONS.of_visit(facts), facts, {})
        outcomes = tuple(condition.holds(facts) for condition in CONDITIONS)
        assert seen.setdefault(situation, outcomes) == outcomes
    assert len(seen) > 1000


def library_slot_sets() -> list[tuple]:
    voices = [tuple(slots.values()) for slots in LIBRARY.voices.values()]
    concerns = [tuple(concern.slots.values()) for concern in LIBRARY.concerns.values()]
    symptoms = [tuple(concern.symptoms.values()) for concern in LIBRARY.concerns.values() if concern.symptoms]
    return [*LIBRARY.notes.values(), *voices, *concerns, *symptoms]


def filtered(slot, facts: Facts, values: dict[str, str]) -> tuple | None:
    """The slot's options as every pick used to work them out: the phrases any job filling KEYS may
    write, then the others whose condition holds and whose placeholders ``values`` fill."""
    if not slot:
        return None

    def anywhere(phrase: Phrase) -> bool:
        return phrase.when is None and phrase.template.fields <= KEYS

    checked = [phrase for phrase in slot if not anywhere(phrase)]
    return tuple(phrase.template for phrase in slot if anywhere(phrase)) + tuple(
        phrase.template
        for phrase in checked
        if (phrase.when is None or phrase.when.holds(facts)) and phrase.template.fields <= values.keys()
    )


def test_options_per_situation_are_the_phrases_that_hold_and_can_be_filled():
    """Differential: a set of slots that has cached its options for earlier jobs gives every job
    the options that testing each phrase against its facts and values gives."""
    rnd = random.Random(11)
    slot_sets = library_slot_sets()
    choice_sets = [ChoiceSet(slots, KEYS, SITUATIONS) for slots in slot_sets]
    for _ in range(5000):
        facts, values = random_facts(rnd), random_values(rnd)
        situation = SITUATIONS.of_job(SITUATIONS.of_visit(facts), facts, values)
        index = rnd.randrange(len(slot_sets))
        expected = tuple(filtered(slot, facts, values) for slot in slot_sets[index])
        assert choice_sets[index].options(situation, facts, values) == expected


def test_phrases_written_anywhere_come_first_and_empty_slots_are_told_from_slots_with_nothing_true():
    noon = Condition(closed_by=12 * 60)
    early = Phrase(compile_template("before noon", "here", frozenset()), noon)
    plain = Phrase(compile_template("any time", "here", frozenset()), None)
    situations = Situations([noon])
    choice_set = ChoiceSet(((early, plain), (), (early,)), KEYS, situations)
    for closed, same_day in product((11 * 60, 12 * 60, 12 * 60 + 1), (True, False)):
        facts = random_facts(random.Random(closed))._replace(closed=closed, same_day=same_day)
        situation = situations.of_job(situations.of_visit(facts), facts, {})
        first, empty, last = choice_set.options(situation, facts, {})
        true = same_day and closed <= 12 * 60
        assert [template.format_text for template in first] == ["any time"] + (
            ["before noon"] if true else []
        )
        assert empty is None and last == (first[1:] if true else ())


def test_a_condition_on_a_threshold_the_situations_do_not_know_is_refused():
    late = Phrase(compile_template("late", "here", frozenset()), Condition(opened_after=21 * 60))
    with pytest.raises(ValueError, match="thresholds"):
        ChoiceSet(((late,),), KEYS, Situations([Condition(opened_after=8 * 60)]))
