"""Longitudinal behaviour, common random numbers and reproducibility of whole worlds."""

from __future__ import annotations

from collections import defaultdict

from tests.world.small_worlds import default_run, resolve, run_world, small_scenario


def test_three_years_have_repeat_visits_shop_switching_and_owner_changes():
    visits, ledger, _ = run_world(resolve(small_scenario(private=150, years=3, warmup=1.0)), 5)
    shops, owners, counts = defaultdict(set), defaultdict(set), defaultdict(int)
    for visit in visits:
        vin = visit.vehicle.vin
        counts[vin] += 1
        shops[vin].add(visit.shop.shop_id)
        owners[vin].add(visit.customer.customer_uuid)
    vins = len(counts)
    assert sum(1 for n in counts.values() if n >= 2) > 0.8 * vins
    assert sum(1 for s in shops.values() if len(s) >= 2) > 0.1 * vins
    assert sum(1 for o in owners.values() if len(o) >= 2) > 0.02 * vins
    assert any(len(record.ownerships) >= 2 for record in ledger.vehicles)
    assert any(record.scrapped is not None for record in ledger.vehicles)
    assert any(len(record.snapshots) >= 2 for record in ledger.customers), "somebody moved"
    kinds = {visit.truth.visit_kind for visit in visits}
    assert {"maintenance", "failure", "comeback", "inspection", "reconditioning"} <= kinds
    by_ro = {visit.ro_number: visit for visit in visits}
    comebacks = [visit for visit in visits if visit.truth.comeback_of in by_ro]
    assert comebacks
    for visit in comebacks:
        original = by_ro[visit.truth.comeback_of]
        assert original.vehicle.vin == visit.vehicle.vin
        assert original.truth.episode_id == visit.truth.episode_id
        assert original.closed_at <= visit.opened_at
    assert any(job.pay_type == "internal" for visit in visits for job in visit.jobs)
    reconditioning = [visit for visit in visits if visit.truth.visit_kind == "reconditioning"]
    assert all(visit.customer.kind == "fleet" and visit.purchase_order for visit in reconditioning)


def _timelines(visits, excluded_concern):
    per_vin, touched = defaultdict(list), set()
    for visit in visits:
        concerns = tuple(sorted(job.concern for job in visit.jobs))
        if excluded_concern in concerns or excluded_concern in visit.declined:
            touched.add(visit.vehicle.vin)
        per_vin[visit.vehicle.vin].append((visit.opened_at, visit.odometer_in, concerns, visit.declined))
    return per_vin, touched


def test_changing_one_component_rate_leaves_other_timelines_unchanged():
    """Common random numbers: quadrupling the alternator hazard moves no other vehicle's visits.

    Shops get ample bays so that the extra alternator work cannot queue anyone else; vehicles that
    had any alternator work (or a declined alternator) in either run are the ones allowed to differ.
    """
    common = {"private": 150, "years": 2, "warmup": 0.0, "shops": {"bays_scale": 40}}
    base_visits, _, _ = run_world(resolve(small_scenario(**common)), 11)
    more_visits, _, _ = run_world(
        resolve(small_scenario(failure_rate_scale={"alternator": 4.0}, **common)), 11
    )
    base, base_touched = _timelines(base_visits, "alternator")
    more, more_touched = _timelines(more_visits, "alternator")
    assert len(more_touched) > len(base_touched), "the hazard change must matter"
    untouched = (set(base) | set(more)) - base_touched - more_touched
    assert len(untouched) > 0.6 * len(set(base) | set(more))
    for vin in untouched:
        assert base[vin] == more[vin], vin


def test_same_seed_same_visits_other_seed_differs():
    scenario = resolve(small_scenario(private=60))
    first, ledger_one, _ = run_world(scenario, 3)
    again, ledger_two, _ = run_world(scenario, 3)
    other, _, _ = run_world(scenario, 4)
    assert first == again
    assert ledger_one == ledger_two
    assert first != other


def test_draw_seeds_are_distinct_64_bit_values():
    visits, _, _ = default_run(0)
    seeds = [visit.draw_seed for visit in visits]
    assert all(0 <= seed < 2**64 for seed in seeds)
    assert len(set(seeds)) == len(seeds)
