import random
from dataclasses import replace

from exporters.config import ExportConfig
from exporters.narrative import Narrator, choose, mid_sentence
from exporters.pricing import Pricer
from tests.exporters.visit_factory import make_visit
from world.catalog import load_catalog
from world.visit import Job, PartUse

NO_PII = ExportConfig(narrative_pii_rate=0)


def write(visit, config=NO_PII):
    """The narrative as the builder writes it: after pricing, which may draw the coupon first."""
    catalog = load_catalog()
    rnd = random.Random(visit.draw_seed)
    Pricer(catalog, config).price(visit, rnd)
    return Narrator(catalog, config).write(visit, rnd)


def brake_job(visit, technician="T03"):
    operation = next(op for op in load_catalog().operations.values() if op.operation_id == "brake_pads_front")
    base = visit.jobs[0].operations[0]
    labor = replace(
        base,
        operation_id=operation.operation_id,
        op_code=operation.op_code,
        description=operation.description,
        technician_id=f"{visit.shop.shop_id}-{technician}",
        parts=(PartUse("BP-F-1101", 100),),
    )
    return Job(
        pay_type="customer", kind="failure", concern="brake_pads_front", symptom=None, operations=(labor,)
    )


def test_mid_sentence_lowercases_words_but_not_acronyms():
    assert mid_sentence("Front brake pad set") == "front brake pad set"
    assert mid_sentence("EVAP canister purge valve") == "EVAP canister purge valve"


def test_choose_draws_and_picks_exactly_like_random_choice():
    for seed in range(200):
        ours, theirs = random.Random(seed), random.Random(seed)
        for size in (1, 2, 3, 5, 8, 13, 64, 100):
            options = tuple(range(size))
            assert choose(ours.getrandbits, options) == theirs.choice(options)
            assert choose(ours.getrandbits, range(size)) == theirs.randrange(size)
        assert ours.getstate() == theirs.getstate()


def test_a_brake_job_speaks_of_brakes_in_every_c():
    for seed in range(30):
        visit = make_visit(seed)
        visit = replace(visit, jobs=(brake_job(visit),))
        narrative = write(visit)
        text = narrative.jobs[0]
        assert (
            "brake" in (text["complaint"] + text["cause"] + text["correction"]).lower()
            or "pad" in (text["cause"] + text["correction"]).lower()
        )
        assert text["complaint"] and text["cause"] and text["correction"]


def test_full_and_terse_styles_are_honoured():
    visit = make_visit(4)
    terse = write(visit, ExportConfig(narrative_style="terse", narrative_pii_rate=0))
    full = write(visit, ExportConfig(narrative_style="full", narrative_pii_rate=0))
    for text in terse.jobs:
        letters = [ch for ch in text["cause"] + text["correction"] if ch.isalpha()]
        assert sum(ch.isupper() for ch in letters) / len(letters) > 0.9
    for text in full.jobs:
        assert any(ch.islower() for ch in text["cause"])


def test_mixed_style_is_fixed_per_technician():
    narrator = Narrator(load_catalog(), ExportConfig(narrative_style="mixed", style_mix_terse_share=0.5))
    styles = {f"OH101-T{n:02d}": narrator.style_of(f"OH101-T{n:02d}") for n in range(1, 40)}
    again = Narrator(load_catalog(), ExportConfig(narrative_style="mixed", style_mix_terse_share=0.5))
    assert styles == {tech: again.style_of(tech) for tech in styles}
    assert set(styles.values()) == {"full", "terse"}


def test_notes_reference_comebacks_purchase_orders_and_declined_work():
    visit = make_visit(9)
    visit = replace(
        visit,
        truth=replace(visit.truth, comeback_of="OH101-104512"),
        cited_ro="OH101-104512",
        purchase_order="PO-77123",
        declined=("cabin_air_filter", "wiper_blades"),
        waiter=True,
    )
    narrative = write(visit)
    catalog = load_catalog()
    assert "OH101-104512" in narrative.notes
    assert "PO-77123" in narrative.notes
    assert catalog.concern_name("cabin_air_filter") in narrative.notes
    assert catalog.concern_name("wiper_blades") in narrative.notes


def test_a_comeback_the_advisor_does_not_cite_names_no_ro():
    visit = make_visit(9)
    comeback = replace(visit.jobs[0], kind="comeback", concern="battery")
    visit = replace(
        visit, jobs=(comeback,), truth=replace(visit.truth, comeback_of="OH101-104512"), cited_ro=None
    )
    narrative = write(visit)
    assert "104512" not in narrative.notes
    texts = [job[field] for job in narrative.jobs for field in ("complaint", "cause", "correction")]
    assert not any("104512" in text for text in texts)


def test_recall_jobs_name_their_campaign():
    visit = make_visit(12)
    campaign = sorted(load_catalog().recalls)[0]
    operation = next(op for op in load_catalog().operations.values() if op.concern == campaign)
    labor = replace(
        visit.jobs[0].operations[0],
        operation_id=operation.operation_id,
        op_code=operation.op_code,
        description=operation.description,
        parts=(),
    )
    job = Job(
        pay_type="warranty",
        kind="recall",
        concern=campaign,
        symptom=None,
        operations=(labor,),
        recall_campaign=campaign,
    )
    texts = [write(replace(visit, jobs=(job,), draw_seed=seed)) for seed in range(20)]
    assert all(campaign in text.notes for text in texts)
    assert any(campaign in text.jobs[0]["cause"] + text.jobs[0]["correction"] for text in texts)


def test_narratives_depend_only_on_the_visit():
    visit = make_visit(33)
    assert write(visit) == write(visit)


def test_a_narrator_that_has_written_other_visits_writes_the_same_text():
    config = ExportConfig(narrative_pii_rate=0.3)
    catalog = load_catalog()
    shared = Narrator(catalog, config)
    for seed in range(300):
        visit = make_visit(seed)
        fresh = Narrator(catalog, config).write(visit, random.Random(visit.draw_seed))
        assert shared.write(visit, random.Random(visit.draw_seed)) == fresh
