"""Issue #13's rule for the PII sentences: a sentence whose premise is false of the visit is never
written. The smoke world's visits are narrated with a PII sentence in every field (the realistic
preset) and each appended sentence is checked against the visit's own jobs, not against the facts
the narrator computed."""

from __future__ import annotations

import random
import re
from functools import cache

from exporters import narrative
from exporters.config import ExportConfig
from exporters.narrative import Narrator, owner_of
from exporters.pii import Mentioner
from exporters.pricing import Pricer
from exporters.templates import default_library
from tests.exporters.test_narrative_truth import smoke_visits
from world.catalog import load_catalog

SEEDS = (3, 4)
TOW_OR_ROADSIDE = re.compile(
    r"\btow(?:ed|ing)?\b|roadside|jumped it|would not start|died near", re.IGNORECASE
)
OPEN_RECALL = re.compile(r"open recall|against the campaign", re.IGNORECASE)
NO_CAMPAIGN = re.compile(r"no open campaigns", re.IGNORECASE)
# A concern the customer noticed: words only a job with a symptom can carry.
SYMPTOM_WORDS = re.compile(
    r"warning (?:light|message)|pulls right|clunk over bumps|when it started|died near|of the noise"
    r"|highway speed|cold mornings|when the symptom|light flickering|intermittent|TSB symptom"
    r"|confirmed concern|noticed it first|concern started|after a long trip|riding along",
    re.IGNORECASE,
)
SPECIFIC_SYMPTOMS = {
    re.compile(r"pulls right"): {"pulling"},
    re.compile(r"clunk over bumps"): {"clunk"},
    re.compile(r"warning (?:light|message)"): {"check_engine_light", "battery_light", "tpms_light"},
}
FAMILY = re.compile(
    r"\b(?:wife|husband|son|daughter|mom|dad|sister|brother|girlfriend|boyfriend|cousin|roommate|neighbor"
    r"|spouse)\b|card on file|'s (?:house|place)|\bthe house\b",
    re.IGNORECASE,
)

PICKUP = re.compile(r"shuttle|pick it up|picking up|to pick up|pickup|deliver|drop it back", re.IGNORECASE)


def symptom_of(job) -> str:
    return (job.symptom or "").rpartition(".")[2]


class Recorder(Mentioner):
    """The narrator's Mentioner, keeping what each call appended to which field of which visit."""

    appended: list = []

    def maybe_mention(self, text, kind, field, visit, *args, **kwargs):
        written = super().maybe_mention(text, kind, field, visit, *args, **kwargs)
        Recorder.appended.append((visit, field, written[len(text) :]))
        return written


@cache
def mentions(seed: int) -> tuple:
    """(visit, field, the PII sentence written into it) for every field of the smoke world."""
    config = ExportConfig(narrative_pii_rate=1.0, typo_rate=0)
    catalog = load_catalog()
    original = narrative.Mentioner
    narrative.Mentioner = Recorder
    try:
        pricer, narrator = Pricer(catalog, config), Narrator(catalog, config)
    finally:
        narrative.Mentioner = original
    Recorder.appended = []
    for visit in smoke_visits(seed):
        rnd = random.Random(visit.draw_seed)
        pricer.price(visit, rnd)
        narrator.write(visit, rnd)
    return tuple(Recorder.appended)


def jobs_of(visit, field: str) -> list:
    """The jobs a field speaks of: its own job, or all the visit's for the notes."""
    if field == "notes":
        return list(visit.jobs)
    return [visit.jobs[int(field[5 : field.index("]")]) - 1]]


def test_tow_and_roadside_sentences_only_when_a_symptom_disables_the_car_and_nobody_waited():
    disabling = default_library().disabling_symptoms
    towed = 0
    for seed in SEEDS:
        for visit, field, sentence in mentions(seed):
            if TOW_OR_ROADSIDE.search(sentence):
                towed += 1
                assert not visit.waiter, (visit.ro_number, field, sentence)
                assert any(symptom_of(job) in disabling for job in jobs_of(visit, field)), (field, sentence)
    assert towed  # still written where true


def test_recall_sentences_agree_with_the_visit_s_recall_jobs():
    said = {"open": 0, "none": 0}
    for seed in SEEDS:
        for visit, field, sentence in mentions(seed):
            recall = any(job.kind == "recall" for job in visit.jobs)
            if OPEN_RECALL.search(sentence):
                said["open"] += 1
                assert recall, (visit.ro_number, field, sentence)
            if NO_CAMPAIGN.search(sentence):
                said["none"] += 1
                assert not recall, (visit.ro_number, field, sentence)
    assert all(said.values()), said


def test_symptom_sentences_only_on_jobs_with_that_symptom():
    symptomatic = 0
    for seed in SEEDS:
        for visit, field, sentence in mentions(seed):
            if not SYMPTOM_WORDS.search(sentence):
                continue
            symptomatic += 1
            assert field != "notes", sentence
            (job,) = jobs_of(visit, field)
            assert job.symptom, (visit.ro_number, job.kind, sentence)
            for words, symptoms in SPECIFIC_SYMPTOMS.items():
                if words.search(sentence):
                    assert symptom_of(job) in symptoms, (job.symptom, sentence)
    assert symptomatic


def test_private_life_and_pickups_only_where_they_fit():
    """Family, neighbours, a house and a card on file only for a private owner; a pickup, a
    delivery or a shuttle only for a customer who left the car."""
    private = 0
    for seed in SEEDS:
        for visit, _field, sentence in mentions(seed):
            if FAMILY.search(sentence):
                private += 1
                assert owner_of(visit) == "private_owner", (visit.ro_number, sentence)
            if visit.waiter:
                assert not PICKUP.search(sentence), (visit.ro_number, sentence)
    assert private


def test_loaners_only_at_dealers():
    """A loaner is the dealer's (narratives' rule): no PII or decoy sentence offers one elsewhere,
    least of all to a fleet's own vans at its depot."""
    depot_fields = 0
    for seed in SEEDS:
        for visit, field, sentence in mentions(seed):
            if visit.shop.kind != "dealer":
                assert "loaner" not in sentence.lower(), (visit.ro_number, field, sentence)
                depot_fields += visit.shop.kind == "fleet_depot"
    assert depot_fields
