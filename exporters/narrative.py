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
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class JobText:
    complaint: str
    cause: str
    correction: str


@dataclass(frozen=True, slots=True)
class Narrative:
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
        return spec.choices[rnd.randrange(len(spec.choices))]
    drawn = rnd.randint(spec.low, spec.high)
    if not spec.decimals:
        return str(drawn)
    whole, fraction = divmod(drawn, 10**spec.decimals)
    return f"{whole}.{fraction:0{spec.decimals}d}"


class Narrator:
    def __init__(self, catalog, config: ExportConfig, library: NarrativeLibrary | None = None) -> None:
        self._catalog = catalog
        self._config = config
        self._library = library or default_library()
        self._mentioner = Mentioner(self._library, config.narrative_pii_rate)
        self._styles: dict[str, str] = {}
        self._feasible: dict[tuple[str, str, frozenset[str]], tuple[Template, ...]] = {}

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
        values["concern"] = catalog.concern_name(job.concern)
        values["op"] = mid_sentence(job.operations[0].description)
        if part_names:
            values["part"] = mid_sentence(part_names[0])
            values["parts"] = ", ".join(dict.fromkeys(mid_sentence(name) for name in part_names))
        if job.recall_campaign and job.recall_campaign in catalog.recalls:
            recall = catalog.recalls[job.recall_campaign]
            values.update(
                campaign=recall.campaign_id,
                campaign_title=recall.title,
                campaign_description=recall.description,
            )
        key = self._concern_key(job, values)
        narrative = self._library.concerns[key]
        for name, spec in narrative.values:
            values[name] = _draw_value(spec, rnd)
        available = frozenset(values)
        style = self.style_of(job.operations[0].technician_id)
        complaint = self._choose(key, "complaint", narrative.complaint, available, rnd).render(values)
        voiced = {name: value.upper() for name, value in values.items()} if style == "terse" else values
        cause = self._choose(key, f"cause.{style}", narrative.cause[style], available, rnd).render(voiced)
        correction = self._choose(
            key, f"correction.{style}", narrative.correction[style], available, rnd
        ).render(voiced)
        field = f"jobs[{job_index}]"
        complaint = self._mentioner.maybe_mention(
            complaint, "complaint", f"{field}.complaint", visit, rnd, spans
        )
        cause = self._mentioner.maybe_mention(cause, "cause", f"{field}.cause", visit, rnd, spans)
        return JobText(complaint, cause, correction)

    def _choose(
        self,
        key: str,
        section: str,
        templates: tuple[Template, ...],
        available: frozenset[str],
        rnd: random.Random,
    ) -> Template:
        """A template whose placeholders this job can fill (no {part} on a job without parts)."""
        cache_key = (key, section, available)
        feasible = self._feasible.get(cache_key)
        if feasible is None:
            feasible = tuple(t for t in templates if t.fields <= available)
            if not feasible:
                fallback = self._library.concerns[FALLBACK_CONCERN]
                pool = (
                    fallback.complaint
                    if section == "complaint"
                    else getattr(fallback, section.split(".")[0])[section.split(".")[1]]
                )
                feasible = tuple(t for t in pool if t.fields <= available) or templates
            self._feasible[cache_key] = feasible
        return feasible[rnd.randrange(len(feasible))]

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
            sentences.append(options[rnd.randrange(len(options))].render(values))
        return " ".join(sentences)
