"""The 3 Cs and the advisor's notes of one RO, written from the visit's facts and priced lines.

Complaints speak in the customer's voice, causes and corrections in the technician's: full
sentences or terse shorthand by ``ExportConfig.narrative_style``; with "mixed" each technician
keeps one voice, chosen by a stable digest of the technician id. Templates name the job's
component, operation and parts, so text and line items agree. Synthetic PII enters only through
``exporters.pii`` mentions, which return exact spans.
"""

from __future__ import annotations

import hashlib
import random
from functools import cache
from typing import NamedTuple

from exporters.config import ExportConfig
from exporters.pii import Mentioner, Span
from exporters.pricing import PricedVisit
from exporters.templates import (
    FALLBACK_CONCERN,
    NarrativeLibrary,
    Template,
    ValueSpec,
    default_library,
)
from world.visit import Job, Visit

PART_PLACEHOLDERS = frozenset({"part", "parts"})
RECALL_PLACEHOLDERS = frozenset({"campaign", "campaign_title", "campaign_description"})
PRIOR_RO_PLACEHOLDERS = frozenset({"prior_ro"})
ATTENTION_KINDS = frozenset({"failure", "comeback"})


class JobText(NamedTuple):
    complaint: str
    cause: str
    correction: str


class Narrative(NamedTuple):
    jobs: tuple[JobText, ...]
    notes: str
    spans: tuple[Span, ...]


def mid_sentence(text: str) -> str:
    """A catalog description mid-sentence: "Front brake pad set" -> "front brake pad set"; "EVAP" stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _draw_value(spec: ValueSpec, rnd: random.Random) -> str:
    if spec.choices:
        return rnd.choice(spec.choices)
    drawn = spec.low + rnd.randrange(spec.high - spec.low + 1)  # randint's draw, one call shallower
    if not spec.decimals:
        return str(drawn)
    whole, fraction = divmod(drawn, 10**spec.decimals)
    return f"{whole}.{fraction:0{spec.decimals}d}"


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
        self._feasible: dict[tuple[str, str, tuple[str, ...]], tuple[tuple[Template, ...], ...]] = {}
        self._concern_names: dict[str, str] = {}
        self._mid_sentences: dict[str, str] = {}

    def style_of(self, technician_id: str) -> str:
        style = self._config.narrative_style
        if style != "mixed":
            return style
        cached = self._styles.get(technician_id)
        if cached is None:
            digest = hashlib.blake2b(technician_id.encode(), digest_size=8).digest()
            terse = int.from_bytes(digest, "big") / 2**64 < self._config.style_mix_terse_share
            cached = self._styles[technician_id] = "terse" if terse else "full"
        return cached

    def write(self, visit: Visit, priced: PricedVisit, rnd: random.Random) -> Narrative:
        spans: list[Span] = []
        vehicle = visit.vehicle
        shared = {
            "year": str(vehicle.year),
            "make": vehicle.make,
            "model": vehicle.model,
            "odometer": f"{visit.odometer_in:,}",
        }
        if visit.truth.comeback_of:
            shared["prior_ro"] = visit.truth.comeback_of
        parts_by_labor: dict[int, list[str]] = {}
        for part in priced.parts:
            parts_by_labor.setdefault(part.labor_index, []).append(part.description)
        jobs: list[JobText] = []
        labor_index = 0
        for job_index, job in enumerate(visit.jobs, start=1):
            part_names: list[str] = []
            for _ in job.operations:
                labor_index += 1
                part_names += parts_by_labor.get(labor_index, ())
            jobs.append(self._job_text(visit, job, job_index, shared, part_names, rnd, spans))
        notes = self._notes(visit, shared, rnd)
        notes = self._mentioner.maybe_mention(notes, "notes", "notes", visit, rnd, spans)
        return Narrative(tuple(jobs), notes, tuple(spans))

    def _concern_key(self, job: Job, values: dict[str, str]) -> str:
        concerns = self._library.concerns
        if job.kind == "recall" and "recall" in concerns and "campaign" in values:
            return "recall"
        if job.kind == "comeback" and "comeback" in concerns and "prior_ro" in values:
            return "comeback"
        return job.concern if job.concern in concerns else FALLBACK_CONCERN

    def _job_text(
        self,
        visit: Visit,
        job: Job,
        job_index: int,
        shared: dict[str, str],
        part_names: list[str],
        rnd: random.Random,
        spans: list[Span],
    ) -> JobText:
        catalog = self._catalog
        values = dict(shared)
        values["concern"] = self._concern_name(job.concern)
        values["op"] = self._mid_sentence(job.operations[0].description)
        if part_names:
            named = [self._mid_sentence(name) for name in part_names]
            values["part"] = named[0]
            values["parts"] = ", ".join(dict.fromkeys(named))
        if job.recall_campaign and job.recall_campaign in catalog.recalls:
            recall = catalog.recalls[job.recall_campaign]
            values.update(
                campaign=recall.campaign_id,
                campaign_title=recall.title,
                campaign_description=recall.description,
            )
        key = self._concern_key(job, values)
        for name, spec in self._library.concerns[key].values:
            values[name] = _draw_value(spec, rnd)
        style = self.style_of(job.operations[0].technician_id)
        complaints, causes, corrections = self._feasible_templates(key, style, values)
        complaint = rnd.choice(complaints).render(values)
        cause_template = rnd.choice(causes)
        correction_template = rnd.choice(corrections)
        if style == "terse":
            cause = cause_template.render({name: values[name].upper() for name in cause_template.fields})
            correction = correction_template.render(
                {name: values[name].upper() for name in correction_template.fields}
            )
        else:
            cause = cause_template.render(values)
            correction = correction_template.render(values)
        complaint_field, cause_field = _span_fields(job_index)
        complaint = self._mentioner.maybe_mention(complaint, "complaint", complaint_field, visit, rnd, spans)
        cause = self._mentioner.maybe_mention(cause, "cause", cause_field, visit, rnd, spans)
        return JobText(complaint, cause, correction)

    def _concern_name(self, concern: str) -> str:
        name = self._concern_names.get(concern)
        if name is None:
            name = self._concern_names[concern] = self._catalog.concern_name(concern)
        return name

    def _mid_sentence(self, description: str) -> str:
        text = self._mid_sentences.get(description)
        if text is None:
            text = self._mid_sentences[description] = mid_sentence(description)
        return text

    def _feasible_templates(
        self, key: str, style: str, values: dict[str, str]
    ) -> tuple[tuple[Template, ...], tuple[Template, ...], tuple[Template, ...]]:
        """Complaint, cause and correction templates whose placeholders this job can fill (no {part}
        on a job without parts), cached by the names the job fills."""
        cache_key = (key, style, tuple(values))
        feasible = self._feasible.get(cache_key)
        if feasible is None:
            available = frozenset(values)
            narrative = self._library.concerns[key]
            fallback = self._library.concerns[FALLBACK_CONCERN]
            feasible = self._feasible[cache_key] = (
                _fillable(narrative.complaint, fallback.complaint, available),
                _fillable(narrative.cause[style], fallback.cause[style], available),
                _fillable(narrative.correction[style], fallback.correction[style], available),
            )
        return feasible

    def _notes(self, visit: Visit, shared: dict[str, str], rnd: random.Random) -> str:
        notes = self._library.notes
        catalog = self._catalog
        values = dict(shared)
        kinds = ["waiter" if visit.waiter else "dropoff"]
        if visit.purchase_order:
            kinds.append("fleet_po")
            values["po"] = visit.purchase_order
        campaigns = [
            job.recall_campaign for job in visit.jobs if job.kind == "recall" and job.recall_campaign
        ]
        if campaigns:
            kinds.append("recall_notice")
            values["campaign"] = campaigns[0]
        if visit.truth.comeback_of:
            kinds.append("comeback")
            values["prior_ro"] = visit.truth.comeback_of
        if not visit.waiter and any(job.kind in ATTENTION_KINDS for job in visit.jobs):
            kinds.append("callback")
        if visit.declined:
            kinds.append("declined")
            names = [catalog.concern_name(concern) for concern in visit.declined]
            values["declined"] = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        sentences = []
        for kind in kinds:
            options = notes[kind]
            sentences.append(rnd.choice(options).render(values))
        return " ".join(sentences)
