import random
import re
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from exporters.config import ExportConfig
from exporters.narrative import Narrator, choose, mid_sentence
from exporters.pricing import Pricer
from exporters.templates import compile_template, default_library
from exporters.writing import add_typos, draw_writer
from tests.exporters.visit_factory import make_visit
from world.catalog import load_catalog
from world.visit import Job, PartUse

NO_PII = ExportConfig(narrative_pii_rate=0, typo_rate=0)


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
    full = ExportConfig(narrative_style="full", narrative_pii_rate=0, typo_rate=0)
    terse = ExportConfig(narrative_style="terse", narrative_pii_rate=0, typo_rate=0)
    rules = default_library().writing
    full_writers = [draw_writer(f"OH101-T{n:02d}", "OH101", 0.0, 0.0, rules) for n in range(1, 40)]
    terse_writers = [draw_writer(f"OH101-T{n:02d}", "OH101", 1.0, 0.0, rules) for n in range(1, 40)]
    assert not any(writer.shorthand for writer in full_writers)
    assert all(writer.shorthand for writer in terse_writers)
    shorthand = re.compile(r"C/S|R&R|\bW/|\bINSP\b|\bREPL\b|\bPERF\b|\bTST\b|\bCK\b|\bADV\b", re.IGNORECASE)
    texts = {"full": [], "terse": []}
    for seed in range(40):
        visit = make_visit(seed)
        for name, config in (("full", full), ("terse", terse)):
            narrative = write(visit, config)
            texts[name] += [job[f] for job in narrative.jobs for f in ("cause", "correction")]
    # A terse writer abbreviates only the words shops abbreviate, so not every text has one: about
    # half do (0.50 on these 40 visits), against under a quarter of full sentences.
    terse_share = sum(bool(shorthand.search(t)) for t in texts["terse"]) / len(texts["terse"])
    full_share = sum(bool(shorthand.search(t)) for t in texts["full"]) / len(texts["full"])
    assert terse_share > 0.4 and full_share < 0.25 and terse_share > 2 * full_share
    assert all(t.endswith((".", "!", "?")) for t in texts["full"])


def test_each_writer_keeps_one_style_and_shops_may_print_caps():
    rules = default_library().writing
    ids = [f"TX{shop:03d}-T{n:02d}" for shop in range(101, 131) for n in range(1, 6)]
    styles = [draw_writer(i, i[:5], 0.4, 0.01, rules) for i in ids]

    assert [s.habits() for s in styles] == [draw_writer(i, i[:5], 0.4, 0.01, rules).habits() for i in ids]
    assert {s.shorthand for s in styles} == {True, False}
    assert {s.upper for s in styles} == {True, False}
    assert len({round(s.typo_rate, 6) for s in styles}) > len(styles) / 2  # rates differ per writer
    caps_shops = {i[:5] for i, s in zip(ids, styles, strict=True) if s.upper and not s.shorthand}
    for shop in caps_shops:  # a caps shop's full-sentence writers print upper case too
        assert all(s.upper for i, s in zip(ids, styles, strict=True) if i.startswith(shop))


@given(
    words=st.lists(
        st.one_of(
            st.from_regex(r"[A-Za-z]{1,10}", fullmatch=True),
            st.from_regex(r"P0[0-9]{3}|[0-9]{1,6}|[0-9]+\.[0-9]|[A-Z]{2,3}-[0-9]{4}|R&R|W/", fullmatch=True),
        ),
        min_size=1,
        max_size=30,
    ),
    seed=st.integers(0, 2**32),
)
def test_typos_touch_only_words_of_letters(words, seed):
    text = " ".join(words)
    typed = add_typos(text, 0.3, random.Random(seed))
    after = typed.split(" ")
    assert len(after) == len(words)
    for before, now in zip(words, after, strict=True):
        if not before.isalpha() or len(before) < 4:
            assert now == before
        else:
            assert now[0] == before[0] and abs(len(now) - len(before)) <= 1


def test_typos_occur_at_roughly_the_configured_rate():
    text = " ".join(["replaced"] * 2000)
    typed = add_typos(text, 0.05, random.Random(5)).split(" ")
    assert 60 < sum(word != "replaced" for word in typed) < 140


def test_pii_spans_stay_exact_with_typos():
    config = ExportConfig(narrative_pii_rate=1.0, typo_rate=0.2)
    for seed in range(40):
        narrative = write(make_visit(seed), config)
        fields = {"notes": narrative.notes}
        for job in narrative.jobs:
            fields.update({f"jobs[{job['index']}].{f}": job[f] for f in ("complaint", "cause")})
        for span in narrative.spans:
            assert fields[span.field][span.start : span.end] == span.entity_value


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
    narrative = write(visit, ExportConfig(narrative_style="full", narrative_pii_rate=0, typo_rate=0))
    assert "OH101-104512" in narrative.notes
    assert "PO-77123" in narrative.notes
    assert "declined" in narrative.notes.lower() or "decl" in narrative.notes.lower()


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


def test_a_writer_abbreviates_the_template_words_not_the_values():
    rules = default_library().writing
    writer = next(
        w
        for w in (draw_writer(f"OH101-T{n:02d}", "OH101", 1.0, 0.0, rules) for n in range(1, 99))
        if "replaced" in w.habits()[-1] and "with" in w.habits()[-1]
    )
    template = compile_template("Replaced {part} with new hardware.", "here", frozenset({"part"}))
    text = writer.own(template).format_map({"part": "filter replaced with care"})
    assert "filter replaced with care" in text
    assert not text.lower().startswith("replaced") and "with new" not in text.lower()
    assert writer.own(template) is writer.own(template)  # worked out once per writer
    assert writer.texts[id(template)] is writer.own(template)


def test_milestones_are_the_lowest_within_the_window_of_the_odometer():
    narrator = Narrator(load_catalog(), NO_PII)
    window, miles = default_library().milestones
    for odometer in range(0, miles[-1] + 2 * window, 997):
        near = [mile for mile in miles if abs(odometer - mile) <= window]
        assert narrator._milestone(odometer) == (f"{near[0] // 1000}k" if near else None)


def test_plans_with_the_same_phrases_share_their_choices():
    narrator = Narrator(load_catalog(), NO_PII)
    slots = tuple(default_library().notes["waiter"])
    keys = frozenset({"year", "make"})
    shared = narrator._choice_set(slots, keys)
    assert narrator._choice_set(tuple(tuple([*slot]) for slot in slots), keys) is shared  # new tuples
    assert narrator._choice_set(slots, keys | {"model"}) is not shared
