"""Retrieval answer keys: a BEIR-layout set of questions about a dataset's ROs and the ROs that answer them.

The corpus is one document per RO (its narrative, under a header of the vehicle, customer and
technicians a search over ROs would index). Queries are asked the way a service or warranty analyst
asks them, one intent at a time; which ROs answer a query (grade 2) or relate to it (grade 1) comes
from the dataset's truth files and the ROs' structured fields, never from the narrative text, and a
query never names an RO number. Queries are drawn with the stream ``("eval-set", "retrieval",
intent)`` of the dataset's seed, so a dataset always gets the same set.
"""

from __future__ import annotations

import calendar
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import yaml

from exporters.evaluation.dataset_files import DatasetFiles
from world.catalog import load_catalog
from world.errors import UserError
from world.seeding import Seeds

INTENTS = (
    "vehicle_system_history",
    "symptom",
    "comeback_origin",
    "recall_completions",
    "customer_visits",
    "repeat_failures",
    "technician_jobs",
)
# Queries per intent: one per this many ROs, at least MIN_PER_INTENT (or every candidate, if fewer).
ROS_PER_QUERY = 500
MIN_PER_INTENT = 10
MAX_ANSWERS = 100  # the set is scored at recall@100
FAILURE_KINDS = ("failure", "comeback")
QRELS_HEADER = "query-id\tcorpus-id\tscore"

Qrels = dict[str, int]  # ro_number -> grade


@cache
def wording() -> dict[str, Any]:
    text = resources.files("exporters.evaluation").joinpath("wording.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def concern_systems() -> dict[str, str]:
    return {concern: system for system, concerns in wording()["systems"].items() for concern in concerns}


@dataclass(slots=True)
class JobFacts:
    kind: str
    concern: str
    symptom: str | None
    recall_campaign: str | None
    technicians: frozenset[str]


@dataclass(slots=True)
class RoFacts:
    """What the answer keys need of one RO: structured RO fields joined with its truth row."""

    ro_number: str
    opened: date
    shop_id: str
    shop_name: str
    vin: str
    vehicle: str  # "2016 Honda CR-V"
    make: str
    model: str
    customer_uuid: str
    person: str  # who the customer record is: its person_id or account_id per truth/identities, else itself
    customer_name: str
    customer_kind: str
    visit_kind: str = ""
    episode_id: str = ""
    comeback_of: str | None = None
    jobs: list[JobFacts] = field(default_factory=list)

    def systems(self) -> set[str]:
        return {concern_systems()[job.concern] for job in self.jobs if job.concern in concern_systems()}


@dataclass(frozen=True, slots=True)
class Query:
    query_id: str
    intent: str
    text: str
    qrels: Qrels


def document(ro: dict[str, Any]) -> dict[str, str]:
    """The corpus entry of one RO: a header of what an RO search indexes, then the narrative fields."""
    vehicle = ro["vehicle"]
    customer = ro["customer"]
    opened = ro["opened_at"][:10]
    technicians = sorted({line["technician_id"] for line in ro["labor"]})
    header = (
        f"Customer {customer['name']}. {vehicle['year']} {vehicle['make']} {vehicle['model']}, "
        f"VIN {vehicle['vin']}, odometer {vehicle['odometer_in']}. Technicians {', '.join(technicians)}."
    )
    lines = [header]
    for job in ro["jobs"]:
        lines.append(f"Complaint: {job['complaint']} Cause: {job['cause']} Correction: {job['correction']}")
    lines.extend(f"Labor: {line['description']}" for line in ro["labor"])
    if ro.get("notes"):
        lines.append(f"Notes: {ro['notes']}")
    title = f"{vehicle['year']} {vehicle['make']} {vehicle['model']} at {ro['shop']['name']}, {opened}"
    return {"_id": ro["ro_number"], "title": title, "text": "\n".join(lines)}


def read_dataset(files: DatasetFiles) -> tuple[dict[str, RoFacts], list[dict[str, str]]]:
    """Facts per RO and the corpus, sorted by RO number."""
    customers = {row["customer_uuid"]: row for row in files.rows("truth_customers")}
    persons: dict[str, str] = {}
    if files.has("truth_identities"):
        persons = {
            row["customer_uuid"]: row["person_id"] or row["account_id"]
            for row in files.rows("truth_identities")
        }
    facts: dict[str, RoFacts] = {}
    technicians: dict[str, dict[int, set[str]]] = {}
    corpus = []
    for ro in files.rows("repair_orders"):
        corpus.append(document(ro))
        vehicle = ro["vehicle"]
        customer = customers.get(ro["customer"]["customer_uuid"], ro["customer"])
        facts[ro["ro_number"]] = RoFacts(
            ro_number=ro["ro_number"],
            opened=date.fromisoformat(ro["opened_at"][:10]),
            shop_id=ro["shop"]["shop_id"],
            shop_name=ro["shop"]["name"],
            vin=vehicle["vin"],
            vehicle=f"{vehicle['year']} {vehicle['make']} {vehicle['model']}",
            make=vehicle["make"],
            model=vehicle["model"],
            customer_uuid=ro["customer"]["customer_uuid"],
            person=persons.get(ro["customer"]["customer_uuid"], ro["customer"]["customer_uuid"]),
            customer_name=customer["name"],
            customer_kind=customer["kind"],
        )
        by_job: dict[int, set[str]] = defaultdict(set)
        for line in ro["labor"]:
            by_job[line["job_index"]].add(line["technician_id"])
        technicians[ro["ro_number"]] = by_job
    for row in files.rows("truth_visits"):
        ro = facts.get(row["ro_number"])
        if ro is None:
            continue
        ro.visit_kind = row["visit_kind"]
        ro.episode_id = row["episode_id"]
        ro.comeback_of = row["comeback_of"]
        by_job = technicians[ro.ro_number]
        ro.jobs = [
            JobFacts(
                job["kind"], job["concern"], job["symptom"], job["recall_campaign"], frozenset(by_job[index])
            )
            for index, job in enumerate(row["jobs"], start=1)
        ]
    corpus.sort(key=lambda doc: doc["_id"])
    return facts, corpus


def _month(day: date) -> str:
    return f"{calendar.month_name[day.month]} {day.year}"


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _noticed(ro: RoFacts) -> set[tuple[str, str]]:
    """(symptom, system) of the RO's jobs; truth names a symptom ``<component>.<symptom>``."""
    return {
        (job.symptom.rpartition(".")[2], concern_systems()[job.concern])
        for job in ro.jobs
        if job.symptom and job.concern in concern_systems()
    }


def _vehicle_phrase(ro: RoFacts) -> str:
    return f"the {ro.vehicle} ending {ro.vin[-4:]}"


class Intents:
    """Candidates and the query of each intent, over the ROs of one dataset."""

    def __init__(self, facts: dict[str, RoFacts]) -> None:
        self.facts = facts
        self.ros = sorted(facts.values(), key=lambda ro: ro.ro_number)
        self.by_vin: dict[str, list[RoFacts]] = defaultdict(list)
        self.by_customer: dict[str, list[RoFacts]] = defaultdict(list)
        self.by_person: dict[str, list[RoFacts]] = defaultdict(list)
        self.by_episode: dict[str, list[RoFacts]] = defaultdict(list)
        self.by_shop: dict[str, list[RoFacts]] = defaultdict(list)
        self.by_symptom: dict[tuple[str, str], list[RoFacts]] = defaultdict(list)  # (symptom, system)
        self.by_campaign: dict[str, list[RoFacts]] = defaultdict(list)
        self.by_failure: dict[tuple[str, str], list[RoFacts]] = defaultdict(list)  # (component, make)
        for ro in self.ros:
            self.by_vin[ro.vin].append(ro)
            self.by_customer[ro.customer_uuid].append(ro)
            self.by_person[ro.person].append(ro)
            self.by_episode[ro.episode_id].append(ro)
            self.by_shop[ro.shop_id].append(ro)
            for noticed in sorted(_noticed(ro)):
                self.by_symptom[noticed].append(ro)
            for campaign in sorted({job.recall_campaign for job in ro.jobs if job.recall_campaign}):
                self.by_campaign[campaign].append(ro)
            for component in sorted({job.concern for job in ro.jobs if job.kind in FAILURE_KINDS}):
                self.by_failure[(component, ro.make)].append(ro)
        self.catalog = load_catalog()

    def builders(self) -> dict[str, tuple[Callable[[], list[Any]], Callable[[Any], tuple[str, Qrels]]]]:
        return {name: (getattr(self, f"{name}_candidates"), getattr(self, name)) for name in INTENTS}

    # A vehicle's prior work on one system: grade 2 before the month named, 1 the same system later.
    def vehicle_system_history_candidates(self) -> list[tuple[str, str]]:
        return [(ro.ro_number, system) for ro in self.ros for system in sorted(ro.systems())]

    def vehicle_system_history(self, key: tuple[str, str]) -> tuple[str, Qrels]:
        anchor, system = self.facts[key[0]], key[1]
        cutoff = _first_of_next_month(anchor.opened)
        qrels = {
            ro.ro_number: 2 if ro.opened < cutoff else 1
            for ro in self.by_vin[anchor.vin]
            if system in ro.systems()
        }
        return f"{system} work on {_vehicle_phrase(anchor)} before {_month(cutoff)}", qrels

    # Symptom search on one model: grade 2 the symptom in that system on that model, 1 on other models.
    def symptom_candidates(self) -> list[tuple[str, str, str, str]]:
        return sorted({(*noticed, ro.make, ro.model) for ro in self.ros for noticed in _noticed(ro)})

    def symptom(self, key: tuple[str, str, str, str]) -> tuple[str, Qrels]:
        symptom, system, make, model = key
        qrels = {
            ro.ro_number: 2 if (ro.make, ro.model) == (make, model) else 1
            for ro in self.by_symptom[(symptom, system)]
        }
        return f"{wording()['symptoms'][symptom]} ({system}) on a {make} {model}", qrels

    # The RO a comeback comes back to: grade 2 that RO, 1 the episode's other ROs.
    def comeback_origin_candidates(self) -> list[str]:
        return [ro.ro_number for ro in self.ros if ro.comeback_of in self.facts]

    def comeback_origin(self, key: str) -> tuple[str, Qrels]:
        comeback = self.facts[key]
        origin = self.facts[comeback.comeback_of]
        qrels = {ro.ro_number: 1 for ro in self.by_episode[comeback.episode_id]}
        qrels[origin.ro_number] = 2
        concerns = sorted({self.catalog.concern_name(job.concern) for job in comeback.jobs})
        text = (
            f"original repair that {_vehicle_phrase(comeback)} came back for on "
            f"{comeback.opened.isoformat()} ({', '.join(concerns)})"
        )
        return text, qrels

    # Recall completions of one campaign at one shop: grade 2 there, 1 at other shops.
    def recall_completions_candidates(self) -> list[tuple[str, str]]:
        keys = {
            (job.recall_campaign, ro.shop_id) for ro in self.ros for job in ro.jobs if job.recall_campaign
        }
        return sorted(keys)

    def recall_completions(self, key: tuple[str, str]) -> tuple[str, Qrels]:
        campaign, shop_id = key
        qrels = {ro.ro_number: 2 if ro.shop_id == shop_id else 1 for ro in self.by_campaign[campaign]}
        shop_name = self.by_shop[shop_id][0].shop_name
        title = self.catalog.recalls[campaign].title
        return f"recall {campaign} ({title}) completed at {shop_name}", qrels

    # A customer's visits: grade 2 those of the customer record (as the name is spelt there), 1 the
    # same person's visits under other shops' records (per_shop identity) and their vehicles'
    # visits under other owners.
    def customer_visits_candidates(self) -> list[str]:
        return sorted(
            uuid
            for uuid, ros in self.by_customer.items()
            if len(ros) >= 2 and ros[0].customer_kind == "individual"
        )

    def customer_visits(self, key: str) -> tuple[str, Qrels]:
        own = self.by_customer[key]
        everywhere = self.by_person[own[0].person]
        vins = {ro.vin for ro in everywhere}
        qrels = {ro.ro_number: 1 for vin in sorted(vins) for ro in self.by_vin[vin]}
        qrels.update({ro.ro_number: 1 for ro in everywhere})
        qrels.update({ro.ro_number: 2 for ro in own})
        return f"service visits of customer {own[0].customer_name}", qrels

    # A component failing on several vehicles of one model: grade 2 those failures, 1 the same
    # component failing on the make's other models.
    def repeat_failures_candidates(self) -> list[tuple[str, str, str]]:
        vins: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for ro in self.ros:
            for job in ro.jobs:
                if job.kind in FAILURE_KINDS and job.concern in self.catalog.components:
                    vins[(job.concern, ro.make, ro.model)].add(ro.vin)
        return sorted(key for key, found in vins.items() if len(found) >= 2)

    def repeat_failures(self, key: tuple[str, str, str]) -> tuple[str, Qrels]:
        component, make, model = key
        qrels = {ro.ro_number: 2 if ro.model == model else 1 for ro in self.by_failure[(component, make)]}
        name = self.catalog.components[component].name
        return f"repeat {name} failures across {make} {model} vehicles", qrels

    # One technician's jobs on one system: grade 2 theirs, 1 the shop's other technicians' ones.
    def technician_jobs_candidates(self) -> list[tuple[str, str]]:
        keys = {
            (technician, concern_systems()[job.concern])
            for ro in self.ros
            for job in ro.jobs
            if job.concern in concern_systems()
            for technician in job.technicians
        }
        return sorted(keys)

    def technician_jobs(self, key: tuple[str, str]) -> tuple[str, Qrels]:
        technician, system = key
        shop_id = technician.rsplit("-", 1)[0]
        qrels: Qrels = {}
        for ro in self.by_shop[shop_id]:
            jobs = [job for job in ro.jobs if concern_systems().get(job.concern) == system]
            if jobs:
                qrels[ro.ro_number] = 2 if any(technician in job.technicians for job in jobs) else 1
        return f"{system} jobs done by technician {technician}", qrels


def query_count(ro_count: int) -> int:
    return max(MIN_PER_INTENT, ro_count // ROS_PER_QUERY)


def build_queries(facts: dict[str, RoFacts], seed: int) -> list[Query]:
    """Up to ``query_count`` queries per intent, drawn in a seeded order of the intent's candidates.

    A candidate with more than MAX_ANSWERS answers is passed over: the set is scored at recall@100,
    and the truth handed back as a run must score 1.0.
    """
    intents = Intents(facts)
    quota = query_count(len(facts))
    queries = []
    for intent, (candidates_of, query_of) in intents.builders().items():
        candidates = candidates_of()
        order = Seeds(seed).rng("eval-set", "retrieval", intent).permutation(len(candidates)).tolist()
        made = []
        for index in order:
            text, qrels = query_of(candidates[index])
            if sum(grade == 2 for grade in qrels.values()) > MAX_ANSWERS:
                continue
            if any(ro_number in text for ro_number in qrels):
                raise AssertionError(f"{intent} query names an RO it is judged on: {text!r}")
            made.append((index, text, qrels))
            if len(made) == quota:
                break
        for number, (_, text, qrels) in enumerate(sorted(made, key=lambda entry: entry[0]), start=1):
            queries.append(Query(f"{intent}-{number:04d}", intent, text, qrels))
    return sorted(queries, key=lambda query: query.query_id)


EVAL_SET_FILES = frozenset({"corpus.jsonl", "queries.jsonl", "qrels/test.tsv"})


def _holds_only_eval_set(folder: Path) -> bool:
    """True when every file under ``folder`` is an eval set's (so replacing it loses nothing else)."""
    found = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if not path.is_dir()}
    return found <= EVAL_SET_FILES


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("wb") as handle:
        for row in rows:
            handle.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))


def _write_files(folder: Path, corpus: list[dict[str, str]], queries: list[Query]) -> None:
    (folder / "qrels").mkdir(parents=True)
    _write_jsonl(folder / "corpus.jsonl", corpus)
    _write_jsonl(
        folder / "queries.jsonl",
        (
            {"_id": query.query_id, "text": query.text, "metadata": {"intent": query.intent}}
            for query in queries
        ),
    )
    lines = [QRELS_HEADER]
    for query in queries:
        lines.extend(
            f"{query.query_id}\t{ro_number}\t{grade}" for ro_number, grade in sorted(query.qrels.items())
        )
    (folder / "qrels" / "test.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_eval_set(dataset: Path, out: Path, force: bool = False) -> dict[str, int]:
    """Write corpus.jsonl, queries.jsonl and qrels/test.tsv into ``out``; the query count per intent.

    The files are written into ``out.partial`` and renamed at the end, so ``out`` is never half an
    eval set. An existing ``out`` is replaced only with ``force`` and only if it holds nothing but an
    eval set's files.
    """
    occupied = any(out.iterdir()) if out.is_dir() else out.exists()
    if occupied:
        if not force:
            raise UserError(f"{out}: already exists; pass --force to replace an eval set there")
        if not out.is_dir() or not _holds_only_eval_set(out):
            raise UserError(f"{out}: holds files that are not an eval set's; refusing to replace it")
    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        if not partial.is_dir() or not _holds_only_eval_set(partial):
            raise UserError(f"{partial}: exists and holds files that are not an eval set's; remove it first")
        shutil.rmtree(partial)
    files = DatasetFiles(dataset)
    facts, corpus = read_dataset(files)
    queries = build_queries(facts, files.seed)
    try:
        _write_files(partial, corpus, queries)
    except OSError as error:
        raise UserError(f"{partial}: cannot write the eval set ({error.strerror})") from None
    if out.exists():
        shutil.rmtree(out)
    partial.rename(out)
    counts: dict[str, int] = defaultdict(int)
    for query in queries:
        counts[query.intent] += 1
    return dict(counts)
