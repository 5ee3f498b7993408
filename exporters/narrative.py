"""The 3 Cs and the advisor's notes of one RO, written from the visit's facts.

Complaints speak in the customer's voice, causes and corrections in the technician's: full
sentences or terse shorthand by ``ExportConfig.narrative_style``; with "mixed" each technician
keeps one voice, chosen by a stable digest of the technician id. Templates name the job's
component, operation and parts (by the catalog descriptions the part lines print), so text and
line items agree. Synthetic PII enters only through ``exporters.pii`` mentions, which return
exact spans.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, NamedTuple, TypeVar

from exporters.config import ExportConfig
from exporters.pii import Mentioner, Span
from exporters.templates import (
    FALLBACK_CONCERN,
    NarrativeLibrary,
    Template,
    default_library,
)
from world.visit import Job, Visit

T = TypeVar("T")

# The names every job fills, and those it fills when it has parts, a recall campaign or a prior RO.
JOB_PLACEHOLDERS = frozenset({"year", "make", "model", "odometer", "concern", "op"})
PART_PLACEHOLDERS = frozenset({"part", "parts"})
RECALL_PLACEHOLDERS = frozenset({"campaign", "campaign_title", "campaign_description"})
PRIOR_RO_PLACEHOLDERS = frozenset({"prior_ro"})
ATTENTION_KINDS = frozenset({"failure", "comeback"})


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


class JobPlan(NamedTuple):
    """What a job's text takes from its facts alone, worked out once per kind of job."""

    values: dict[str, str]  # the concern's and operation's names, parts and recall campaign
    draws: tuple[tuple[str, tuple[str, ...]], ...]  # the concern's measured values: name, texts
    templates: tuple[tuple[Template, ...], ...]  # complaint, cause and correction templates it can fill


@cache
def _span_fields(job_index: int) -> tuple[str, str]:
    """The span sidecar's names of a job's complaint and cause fields (formatted once per index)."""
    return f"jobs[{job_index}].complaint", f"jobs[{job_index}].cause"


def _fillable(
    templates: tuple[Template, ...], fallback: tuple[Template, ...], available: frozenset[str]
) -> tuple[Template, ...]:
    """The templates whose placeholders are all ``available``, else the fallback concern's ones."""
    return (
        tuple(t for t in templates if t.fields <= available)
        or tuple(t for t in fallback if t.fields <= available)
        or templates
    )


class Narrator:
    def __init__(self, catalog, config: ExportConfig, library: NarrativeLibrary | None = None) -> None:
        self._catalog = catalog
        self._config = config
        self._library = library or default_library()
        self._mentioner = Mentioner(self._library, config.narrative_pii_rate)
        self._styles: dict[str, str] = {}
        # A job's plan depends on its concern, kind, campaign, first operation and parts, the writer's
        # style and whether the visit is a comeback: a few thousand plans serve a whole shard.
        self._plans: dict[tuple[Any, ...], JobPlan] = {}
        self._concern_names: dict[str, str] = {}

    def style_of(self, technician_id: str) -> str:
        cached = self._styles.get(technician_id)
        if cached is None:
            cached = self._styles[technician_id] = self._style(technician_id)
        return cached

    def _style(self, technician_id: str) -> str:
        style = self._config.narrative_style
        if style != "mixed":
            return style
        digest = hashlib.blake2b(technician_id.encode(), digest_size=8).digest()
        terse = int.from_bytes(digest, "big") / 2**64 < self._config.style_mix_terse_share
        return "terse" if terse else "full"

    def write(self, visit: Visit, rnd: random.Random) -> Narrative:
        spans: list[Span] = []
        vehicle = visit.vehicle
        shared = {
            "year": str(vehicle.year),
            "make": vehicle.make,
            "model": vehicle.model,
            "odometer": f"{visit.odometer_in:,}",
        }
        if visit.cited_ro:
            shared["prior_ro"] = visit.cited_ro
        jobs = [
            self._job_text(visit, job, job_index, shared, rnd, spans)
            for job_index, job in enumerate(visit.jobs, start=1)
        ]
        notes = self._notes(visit, shared, rnd)
        notes = self._mentioner.maybe_mention(notes, "notes", "notes", visit, rnd, spans)
        return Narrative(jobs, notes, tuple(spans))

    def _job_text(
        self,
        visit: Visit,
        job: Job,
        job_index: int,
        shared: dict[str, str],
        rnd: random.Random,
        spans: list[Span],
    ) -> dict[str, Any]:
        first_operation = job.operations[0]
        style = self.style_of(first_operation.technician_id)
        part_numbers = tuple([use.part_number for operation in job.operations for use in operation.parts])
        prior_ro = "prior_ro" in shared
        plan_key = (
            job.concern,
            job.kind,
            job.recall_campaign,
            first_operation.description,
            part_numbers,
            style,
            prior_ro,
        )
        plan = self._plans.get(plan_key)
        if plan is None:
            plan = self._plans[plan_key] = self._plan(job, part_numbers, style, prior_ro)
        values = dict(shared)
        values.update(plan.values)
        getrandbits = rnd.getrandbits
        for name, texts in plan.draws:
            values[name] = choose(getrandbits, texts)
        complaints, causes, corrections = plan.templates
        complaint = choose(getrandbits, complaints).render(values)
        cause_template = choose(getrandbits, causes)
        correction_template = choose(getrandbits, corrections)
        if style == "terse":
            cause = cause_template.render_upper(values)
            correction = correction_template.render_upper(values)
        else:
            cause = cause_template.render(values)
            correction = correction_template.render(values)
        complaint_field, cause_field = _span_fields(job_index)
        mention = self._mentioner.maybe_mention
        return {
            "index": job_index,
            "pay_type": job.pay_type,
            "complaint": mention(complaint, "complaint", complaint_field, visit, rnd, spans),
            "cause": mention(cause, "cause", cause_field, visit, rnd, spans),
            "correction": correction,
        }

    def _plan(self, job: Job, part_numbers: tuple[str, ...], style: str, prior_ro: bool) -> JobPlan:
        catalog = self._catalog
        values = {
            "concern": self._concern_name(job.concern),
            "op": mid_sentence(job.operations[0].description),
        }
        if part_numbers:
            part_names = [mid_sentence(catalog.parts[number].description) for number in part_numbers]
            values["part"] = part_names[0]
            values["parts"] = ", ".join(dict.fromkeys(part_names))
        recall = catalog.recalls.get(job.recall_campaign) if job.recall_campaign else None
        if recall is not None:
            values.update(
                campaign=recall.campaign_id,
                campaign_title=recall.title,
                campaign_description=recall.description,
            )
        narrative = self._library.concerns[self._concern_key(job, recall is not None, prior_ro)]
        draws = tuple((name, spec.texts) for name, spec in narrative.values)
        # Templates may name only what this job fills (no {part} on a job without parts).
        available = JOB_PLACEHOLDERS.union(
            PRIOR_RO_PLACEHOLDERS if prior_ro else (),
            PART_PLACEHOLDERS if part_numbers else (),
            RECALL_PLACEHOLDERS if recall is not None else (),
            (name for name, _ in draws),
        )
        fallback = self._library.concerns[FALLBACK_CONCERN]
        templates = (
            _fillable(narrative.complaint, fallback.complaint, available),
            _fillable(narrative.cause[style], fallback.cause[style], available),
            _fillable(narrative.correction[style], fallback.correction[style], available),
        )
        return JobPlan(values, draws, templates)

    def _concern_key(self, job: Job, campaign: bool, prior_ro: bool) -> str:
        concerns = self._library.concerns
        if job.kind == "recall" and "recall" in concerns and campaign:
            return "recall"
        if job.kind == "comeback" and "comeback" in concerns and prior_ro:
            return "comeback"
        return job.concern if job.concern in concerns else FALLBACK_CONCERN

    def _concern_name(self, concern: str) -> str:
        name = self._concern_names.get(concern)
        if name is None:
            name = self._concern_names[concern] = self._catalog.concern_name(concern)
        return name

    def _notes(self, visit: Visit, shared: dict[str, str], rnd: random.Random) -> str:
        notes = self._library.notes
        values = dict(shared)
        kinds = ["waiter" if visit.waiter else "dropoff"]
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
        if visit.cited_ro:
            kinds.append("comeback")
            values["prior_ro"] = visit.cited_ro
        if attention and not visit.waiter:
            kinds.append("callback")
        if visit.declined:
            kinds.append("declined")
            names = [self._concern_name(concern) for concern in visit.declined]
            values["declined"] = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        getrandbits = rnd.getrandbits
        return " ".join([choose(getrandbits, notes[kind]).render(values) for kind in kinds])
