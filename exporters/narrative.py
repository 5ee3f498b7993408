"""The 3 Cs and the advisor's notes of one RO, composed from the visit's facts.

A complaint is composed in the voice of whoever brings the concern (private owner, fleet driver or
manager, used-car manager, warranty clerk): an opener, the symptom the owner noticed (the job's
catalog symptom) or the work requested, and optional clauses of when it happens, how long, what was
tried and what they want. The cause is an optional check and a finding; the correction an optional
measurement, the repair and its verification. Notes join the situations of the visit (arrival,
tow-in, declined work, PO, recall, comeback). The advisor types complaints and notes, the job's
technician its cause and correction, each in their own style (``exporters.writing``).

Every phrase is true of the visit: a phrase whose condition fails, or that names a fact the job
does not have (no {milestone} off its mileage window, no {prior_ro} the shop does not cite), is not
written; the oil grade, quarts and plug count come from the job's own part lines. Synthetic PII
enters only through ``exporters.pii`` mentions, appended after the text is typed.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, NamedTuple, TypeVar

from exporters.config import ExportConfig
from exporters.phrase_choices import ChoiceSet, Options, Situation, Situations
from exporters.pii import Mentioner, Span
from exporters.templates import (
    FALLBACK_CONCERN,
    JOB_FACTS,
    ConcernNarrative,
    Facts,
    NarrativeLibrary,
    Slot,
    Template,
    ValueSpec,
    default_library,
)
from exporters.writing import Typing, Writer, draw_writer, render
from world.visit import Job, Visit

T = TypeVar("T")

ATTENTION_KINDS = frozenset({"failure", "comeback"})
SYMPTOM_KINDS = frozenset({"failure", "comeback"})
# What every job's values hold, so a phrase naming only these needs no check.
ALWAYS_FILLED = frozenset({"year", "make", "model", "odometer", "concern", "op", "refrigerant", "engine"})
OIL_GRADE = re.compile(r"\b\d{1,2}W-\d{2}\b")


class Narrative(NamedTuple):
    jobs: list[dict[str, Any]]  # the RO's Job dicts in the contract's JSON form: index, pay_type, the 3 Cs
    notes: str
    spans: tuple[Span, ...]


def mid_sentence(text: str) -> str:
    """A catalog description mid-sentence: "Front brake pad set" -> "front brake pad set"; "EVAP" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def choose(getrandbits: Callable[[int], int], options: Sequence[T]) -> T:
    """``rnd.choice(options)`` given ``rnd.getrandbits``: the same draws and the same pick (random's
    ``_randbelow_with_getrandbits``, tested against it) without its two Python frames per call, which
    counted at a dozen choices per RO."""
    count = len(options)
    bits = count.bit_length()
    drawn = getrandbits(bits)
    while drawn >= count:
        drawn = getrandbits(bits)
    return options[drawn]


def pick(
    options: tuple[Template, ...] | None, values: dict[str, str], rnd: random.Random, writer: Writer
) -> str:
    """One of a slot's phrases that are true of the job, filled in, in the writer's words; "" if none."""
    if not options:
        return ""
    # choose and Writer.own's cache read inline: two Python frames less at twenty picks per RO.
    count = len(options)
    bits = count.bit_length()
    getrandbits = rnd.getrandbits
    drawn = getrandbits(bits)
    while drawn >= count:
        drawn = getrandbits(bits)
    template = options[drawn]
    text = writer.texts.get(id(template))
    return (writer.own(template) if text is None else text).format_map(values)


def maybe(
    share: float,
    options: tuple[Template, ...] | None,
    values: dict[str, str],
    rnd: random.Random,
    writer: Writer,
) -> str:
    """A phrase at ``share`` of the jobs, when the slot has any."""
    if options is None or rnd.random() >= share:
        return ""
    return pick(options, values, rnd, writer)


def voice_of(owner: str, job_kind: str) -> str:
    """Whose words a job's complaint line carries, given the visit's ``owner_of``."""
    if job_kind == "recall":
        return "warranty_clerk"
    if owner == "fleet":
        return "fleet_driver" if job_kind in SYMPTOM_KINDS else "fleet_manager"
    return owner


def owner_of(visit: Visit) -> str:
    if visit.truth.archetype == "dealer_used_department":
        return "used_car_manager"
    return "fleet" if visit.customer.kind == "fleet" else "private_owner"


def quarts_text(hundredths: int) -> str:
    whole, fraction = divmod(hundredths, 100)
    return str(whole) if not fraction else f"{whole}.{fraction:02d}".rstrip("0")


@cache
def _span_fields(job_index: int) -> tuple[str, str]:
    """The span sidecar's names of a job's complaint and cause fields (formatted once per index)."""
    return f"jobs[{job_index}].complaint", f"jobs[{job_index}].cause"


@cache
def _clock_text(minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    return f"{(hour - 1) % 12 + 1}:{minute:02d}"


class JobPlan(NamedTuple):
    """What a job's text takes from its facts alone, worked out once per kind of job."""

    values: dict[str, str]  # the concern's and operation's names, parts, part facts, recall campaign
    draws: tuple[tuple[str, ValueSpec], ...]  # measured values drawn per job
    keys: frozenset[str]  # what every job of this plan fills (the visit may add milestone, prior_ro)
    own: ConcernNarrative  # the concern's grammar (symptoms, when, tried, context)
    symptoms: Slot  # the complaint's symptom or request phrases
    # the technician's slots: check, cause (the cause); measure, repair, verify, verify_more (the correction)
    work: ChoiceSet
    # by voice, filled as voices come up: the advisor's complaint slots opener, symptom, when,
    # since, tried (failures: the concern's and the voice's; other work: the concern's context),
    # back, cite, want
    voiced: dict[str, ChoiceSet]


class Narrator:
    def __init__(self, catalog, config: ExportConfig, library: NarrativeLibrary | None = None) -> None:
        self._catalog = catalog
        self._config = config
        self._library = library or default_library()
        self._mentioner = Mentioner(self._library, config.narrative_pii_rate, config.pii_variants)
        self._shorthand_share = {"terse": 1.0, "full": 0.0}.get(
            config.narrative_style, config.style_mix_terse_share
        )
        self._writers: dict[str, Writer] = {}
        self._typing = Typing(self._library.writing.abbreviations)
        # A job's plan depends on its concern, kind, symptom, campaign, first operation and parts:
        # a few thousand plans serve a whole shard.
        self._plans: dict[tuple[Any, ...], JobPlan] = {}
        self._concern_names: dict[str, str] = {}
        # Plans of one concern differ mostly in their parts, not in their slots: a shard's thousand
        # grammars are a few hundred distinct ones, each keeping its options per situation.
        self._choice_sets: dict[tuple[Any, ...], ChoiceSet] = {}
        self._shares = self._library.shares
        self._milestone_names = tuple(f"{mile // 1000}k" for mile in self._library.milestones[1])
        self._situations = Situations(self._library.conditions())
        self._notes_choices = {
            kind: self._choice_set(slots, ALWAYS_FILLED) for kind, slots in self._library.notes.items()
        }

    def writer(self, writer_id: str, shop_id: str) -> Writer:
        cached = self._writers.get(writer_id)
        if cached is None:
            cached = self._writers[writer_id] = draw_writer(
                writer_id,
                shop_id,
                self._shorthand_share,
                self._config.typo_rate,
                self._library.writing,
                self._typing,
            )
        return cached

    def forget_writers(self) -> None:
        """Drop the writers drawn so far; one drawn again is the same (drawn from its id)."""
        self._writers.clear()

    def style_of(self, writer_id: str) -> str:
        """ "terse" for a shorthand writer, else "full" (the shop id only sets upper case)."""
        return "terse" if self.writer(writer_id, writer_id.split("-")[0]).shorthand else "full"

    def write(self, visit: Visit, rnd: random.Random) -> Narrative:
        spans: list[Span] = []
        vehicle = visit.vehicle
        spec = vehicle.spec
        engine = spec.engine
        shared = {
            "year": str(vehicle.year),
            "make": vehicle.make,
            "model": vehicle.model,
            "odometer": f"{visit.odometer_in:,}",
            "refrigerant": spec.refrigerant,
            "engine": f"{engine.displacement} {engine.layout}",
        }
        if engine.spark_plugs:
            shared["plugs"] = str(engine.spark_plugs)
        # The one place text learns the earlier RO: the one the shop's advisor cites, if any.
        if visit.cited_ro:
            shared["prior_ro"] = visit.cited_ro
        milestone = self._milestone(visit.odometer_in)
        if milestone:
            shared["milestone"] = milestone
        opened, closed = visit.opened_at, visit.closed_at
        disabling_symptoms = self._library.disabling_symptoms
        recall = disabling = False
        for job in visit.jobs:
            recall = recall or job.kind == "recall"
            disabling = disabling or bool(
                job.symptom and job.symptom.rpartition(".")[2] in disabling_symptoms
            )
        # Facts' fields in order, without the named tuple's Python __new__
        facts = tuple.__new__(
            Facts,
            (
                visit.shop.kind,
                owner_of(visit),
                opened.hour * 60 + opened.minute,
                closed.hour * 60 + closed.minute,
                opened.date() == closed.date(),
                visit.waiter,
                engine.cylinders,
                2 if engine.layout[0] in "VH" else 1,
                vehicle.year,
                spec.tpms,
                spec.drivetrain,
                spec.transmission,
                recall,
                "",
                "",
                disabling,
            ),
        )
        situation = self._situations.of_visit(facts)
        advisor = self.writer(visit.advisor_id, visit.shop.shop_id)
        jobs = [
            self._job_text(visit, job, job_index, shared, facts, situation, advisor, rnd, spans)
            for job_index, job in enumerate(visit.jobs, start=1)
        ]
        notes = self._notes(visit, shared, facts, situation, advisor, rnd)
        notes = self._mentioner.maybe_mention(notes, "notes", "notes", visit, facts, rnd, spans)
        return Narrative(jobs, notes, tuple(spans))

    def _milestone(self, odometer: int) -> str | None:
        """The first (lowest) milestone within the window of the odometer, as "60k"."""
        window, miles = self._library.milestones
        index = bisect_left(miles, odometer - window)
        if index < len(miles) and miles[index] <= odometer + window:
            return self._milestone_names[index]
        return None

    def _job_text(
        self,
        visit: Visit,
        job: Job,
        job_index: int,
        shared: dict[str, str],
        visit_facts: Facts,
        visit_situation: Situation,
        advisor: Writer,
        rnd: random.Random,
        spans: list[Span],
    ) -> dict[str, Any]:
        first_operation = job.operations[0]
        technician = self.writer(first_operation.technician_id, visit.shop.shop_id)
        parts = tuple(
            [(use.part_number, use.quantity) for operation in job.operations for use in operation.parts]
        )
        plan_key = (
            job.concern,
            job.kind,
            job.symptom,
            job.recall_campaign,
            first_operation.description,
            parts,
        )
        plan = self._plans.get(plan_key)
        if plan is None:
            plan = self._plans[plan_key] = self._plan(job, parts)
        symptom = job.symptom.rpartition(".")[2] if job.symptom else ""
        # Facts(*visit_facts[:JOB_FACTS], ...) without the named tuple's Python __new__
        facts = tuple.__new__(
            Facts,
            visit_facts[:JOB_FACTS] + (job.pay_type, symptom, symptom in self._library.disabling_symptoms),
        )
        values = dict(shared)
        values.update(plan.values)
        getrandbits = rnd.getrandbits
        for name, spec in plan.draws:
            options = spec.texts
            if spec.conditional:
                options = options + tuple(text for text, when in spec.conditional if when.holds(facts))
                if not options:  # no choice is true of this vehicle: phrases naming it are left out
                    continue
            values[name] = choose(getrandbits, options)
        situation = self._situations.of_job(visit_situation, facts, values)
        voice = voice_of(facts.owner, job.kind)
        grammar = plan.voiced.get(voice) or self._voiced(plan, voice, job.kind)
        complaint_options = grammar.options(situation, facts, values)
        complaint = render(advisor, self._complaint(job.kind, complaint_options, values, rnd, advisor), rnd)
        check, cause, measure, repair, verify, verify_more = plan.work.options(situation, facts, values)
        shares, tech = self._shares, technician
        cause = render(
            tech, [maybe(shares["check"], check, values, rnd, tech), pick(cause, values, rnd, tech)], rnd
        )
        correction = render(
            tech,
            [
                maybe(shares["measure"], measure, values, rnd, tech),
                pick(repair, values, rnd, tech),
                pick(verify, values, rnd, tech),
                maybe(shares["verify_more"], verify_more, values, rnd, tech),
            ],
            rnd,
        )
        complaint_field, cause_field = _span_fields(job_index)
        mention = self._mentioner.maybe_mention
        return {
            "index": job_index,
            "pay_type": job.pay_type,
            "complaint": mention(complaint, "complaint", complaint_field, visit, facts, rnd, spans),
            "cause": mention(cause, "cause", cause_field, visit, facts, rnd, spans),
            "correction": correction,
        }

    def _plan(self, job: Job, parts: tuple[tuple[str, int], ...]) -> JobPlan:
        catalog = self._catalog
        values = {
            "concern": self._concern_name(job.concern),
            "op": mid_sentence(job.operations[0].description),
        }
        if parts:
            part_names = [mid_sentence(catalog.parts[number].description) for number, _ in parts]
            values["part"] = part_names[0]
            values["parts"] = ", ".join(dict.fromkeys(part_names))
        for number, quantity in parts:
            description = catalog.parts[number].description
            grade = OIL_GRADE.search(description)
            if grade and "oil" in description.lower():
                values["grade"] = grade.group(0)
                values["quarts"] = quarts_text(quantity)
        recall = catalog.recalls.get(job.recall_campaign) if job.recall_campaign else None
        if recall is not None:
            values.update(
                campaign=recall.campaign_id,
                campaign_title=recall.title,
                campaign_description=recall.description,
            )
        concerns = self._library.concerns
        own = concerns.get(job.concern) or concerns[FALLBACK_CONCERN]
        narrative = own
        if job.kind == "recall" and recall is not None and "recall" in concerns:
            narrative = concerns["recall"]
        elif job.kind == "comeback" and "comeback" in concerns:
            narrative = concerns["comeback"]
        symptom = job.symptom.rpartition(".")[2] if job.symptom else None
        if job.kind in SYMPTOM_KINDS and own.symptoms:
            symptoms = own.symptoms.get(symptom) or tuple(
                p for phrases in own.symptoms.values() for p in phrases
            )
        else:
            symptoms = (
                narrative.slots["request"]
                or own.slots["request"]
                or concerns[FALLBACK_CONCERN].slots["request"]
            )
        draws = dict(narrative.values)
        for name, spec in own.values:  # a comeback names the component's values in its complaint
            draws.setdefault(name, spec)
        keys = ALWAYS_FILLED.union(values, (name for name, spec in draws.items() if not spec.conditional))
        slots, library = narrative.slots, self._library
        work = (
            library.checks[job.kind],
            slots["cause"],
            slots["measure"],
            slots["repair"],
            slots["verify"],
            library.verify_more[job.kind],
        )
        return JobPlan(values, tuple(draws.items()), keys, own, symptoms, self._choice_set(work, keys), {})

    def _voiced(self, plan: JobPlan, voice: str, kind: str) -> ChoiceSet:
        frame, own = self._library.voices[voice, kind], plan.own.slots
        tried = own["tried"] + frame["tried"] if kind == "failure" else own["context"]
        slots = (
            frame["opener"],
            plan.symptoms,
            own["when"],
            frame["since"],
            tried,
            frame["back"],
            frame["cite"],
            frame["want"],
        )
        grammar = plan.voiced[voice] = self._choice_set(slots, plan.keys)
        return grammar

    def _choice_set(self, slots: Sequence[Slot], keys: frozenset[str]) -> ChoiceSet:
        """The slots' choices for jobs that fill ``keys``, one per distinct set of phrases (the
        library's phrases live as long as the narrator, so their ids name them)."""
        key = (tuple([tuple(map(id, slot)) for slot in slots]), keys)
        choice_set = self._choice_sets.get(key)
        if choice_set is None:
            choice_set = self._choice_sets[key] = ChoiceSet(slots, keys, self._situations)
        return choice_set

    def _complaint(
        self, kind: str, options: Options, values: dict[str, str], rnd: random.Random, advisor: Writer
    ) -> list[str]:
        opener, symptom, when, since, tried, back, cite, want = options
        shares = self._shares
        first = [pick(opener, values, rnd, advisor), pick(symptom, values, rnd, advisor)]
        if kind in SYMPTOM_KINDS:
            first.append(maybe(shares["when"], when, values, rnd, advisor))
            if kind == "failure":
                first.append(maybe(shares["since"], since, values, rnd, advisor))
        steps = [" ".join(word for word in first if word)]
        if kind == "comeback":
            steps.append(pick(back, values, rnd, advisor))
            steps.append(maybe(shares["want"], cite, values, rnd, advisor))
        else:
            share = shares["tried" if kind == "failure" else "context"]
            steps.append(maybe(share, tried, values, rnd, advisor))
        steps.append(maybe(shares["want"], want, values, rnd, advisor))
        return steps

    def _concern_name(self, concern: str) -> str:
        name = self._concern_names.get(concern)
        if name is None:
            name = self._concern_names[concern] = self._catalog.concern_name(concern)
        return name

    def _notes(
        self,
        visit: Visit,
        shared: dict[str, str],
        facts: Facts,
        visit_situation: Situation,
        advisor: Writer,
        rnd: random.Random,
    ) -> str:
        values = dict(shared)
        values["time_in"] = _clock_text(facts.opened)
        if facts.same_day:
            wait = facts.closed - facts.opened
            values["quoted"] = str(-(-max(wait, 15) // 15) * 15)
            values["promised"] = _clock_text(min(-(-facts.closed // 15) * 15, 23 * 60 + 45))
        kinds = ["waiter" if visit.waiter else "dropoff"]
        if facts.disabling and not visit.waiter and rnd.random() < self._shares["towed"]:
            kinds.append("towed")
        if visit.purchase_order:
            kinds.append("fleet_po")
            values["po"] = visit.purchase_order
        campaign = None
        attention = False
        for job in visit.jobs:
            if job.kind == "recall":
                campaign = campaign or job.recall_campaign
            elif job.kind in ATTENTION_KINDS:
                attention = True
        if campaign:
            kinds.append("recall_notice")
            values["campaign"] = campaign
        if "prior_ro" in shared:
            kinds.append("comeback")
        elif any(job.kind == "comeback" for job in visit.jobs):
            kinds.append("comeback_uncited")
        if attention and not visit.waiter:
            kinds.append("callback")
        if visit.declined:
            kinds.append("declined")
            names = [self._concern_name(concern) for concern in visit.declined]
            values["declined"] = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        notes = self._notes_choices
        situation = self._situations.of_job(visit_situation, facts, values)
        steps = []
        for kind in kinds:
            options = notes[kind].options(situation, facts, values)
            words = [pick(slot, values, rnd, advisor) for slot in options]
            steps.append(", ".join(word for word in words if word))
        return render(advisor, steps, rnd)
