import random
import re
from dataclasses import replace

import orjson
import pytest

from exporters.config import ExportConfig
from exporters.pii import PHONE_FORMATS, Mentioner, Span, phone_spellings
from exporters.templates import default_library
from tests.exporters.dataset_factory import shard_visits, write_shard
from tests.exporters.visit_factory import make_visit

NARRATIVE_FIELDS = ("complaint", "cause", "correction")


def test_phones_are_spelled_the_ways_people_write_them():
    assert phone_spellings("+16145550142") == ("(614) 555-0142", "614.555.0142", "614-555-0142")
    assert len(PHONE_FORMATS) == 3


def test_mentions_append_a_sentence_with_exact_spans():
    mentioner = Mentioner(default_library(), 1.0)
    visit = make_visit(2)
    for seed in range(200):
        spans: list[Span] = []
        text = mentioner.maybe_mention(
            "Brakes squeal.", "complaint", "jobs[1].complaint", visit, random.Random(seed), spans
        )
        assert text.startswith("Brakes squeal. ") and spans
        for span in spans:
            assert text[span.start : span.end] == span.entity_value
            assert span.field == "jobs[1].complaint"


def test_rate_zero_never_mentions():
    mentioner = Mentioner(default_library(), 0.0)
    spans: list[Span] = []
    assert mentioner.maybe_mention("x", "notes", "notes", make_visit(1), random.Random(1), spans) == "x"
    assert spans == []


@pytest.fixture(scope="module")
def pii_dataset(tmp_path_factory):
    dataset = tmp_path_factory.mktemp("pii")
    export = ExportConfig(narrative_pii_rate=0.35)
    write_shard(dataset, 0, 250, export)
    write_shard(dataset, 1, 250, export)
    ros = [
        orjson.loads(line)
        for part in sorted((dataset / "repair_orders").glob("*.jsonl"))
        for line in part.read_bytes().splitlines()
    ]
    spans = [
        orjson.loads(line)
        for part in sorted((dataset / "pii_spans").glob("*.jsonl"))
        for line in part.read_bytes().splitlines()
    ]
    return ros, spans


def narrative_fields(ro):
    fields = {f"jobs[{job['index']}].{name}": job[name] for job in ro["jobs"] for name in NARRATIVE_FIELDS}
    fields["notes"] = ro["notes"]
    return fields


def test_every_span_points_at_its_value(pii_dataset):
    ros, spans = pii_dataset
    by_number = {ro["ro_number"]: narrative_fields(ro) for ro in ros}
    assert {span["entity_type"] for span in spans} == {
        "PERSON",
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "STREET_ADDRESS",
        "VIN",
    }
    for span in spans:
        assert set(span) == {"ro_number", "field", "start", "end", "entity_type", "entity_value"}
        text = by_number[span["ro_number"]][span["field"]]
        assert text[span["start"] : span["end"]] == span["entity_value"]


def test_no_pii_value_of_the_dataset_appears_without_its_span(pii_dataset):
    ros, spans = pii_dataset
    values = set()
    for visit in shard_visits(0, 250) + shard_visits(1, 250):
        customer = visit.customer
        values |= {
            customer.name,
            customer.email,
            customer.address.line1,
            visit.vehicle.vin,
            *phone_spellings(customer.phone),
            customer.phone,
        }
        if customer.contact_name:
            values.add(customer.contact_name)
    values |= {span["entity_value"] for span in spans}  # third parties exist only in narratives
    pattern = re.compile("|".join(re.escape(value) for value in sorted(values, key=len, reverse=True)))
    covered = {(span["ro_number"], span["field"], span["start"], span["end"]) for span in spans}
    for ro in ros:
        for field, text in narrative_fields(ro).items():
            for match in pattern.finditer(text):
                assert (ro["ro_number"], field, match.start(), match.end()) in covered, (field, match.group())


def test_pii_rate_is_roughly_honoured(pii_dataset):
    ros, spans = pii_dataset
    fields_with_spans = {(span["ro_number"], span["field"]) for span in spans}
    eligible = sum(2 * len(ro["jobs"]) + 1 for ro in ros)  # complaints, causes and notes
    assert 0.25 < len(fields_with_spans) / eligible < 0.45


def test_fleet_mentions_use_the_contact_person_not_the_company():
    visit = make_visit(3)
    fleet = replace(visit.customer, kind="fleet", name="Harbor Logistics LLC", contact_name="Dana Whitfield")
    mentioner = Mentioner(default_library(), 1.0)
    assert (
        mentioner.pii_value("customer_name", replace(visit, customer=fleet), random.Random(0))
        == "Dana Whitfield"
    )
