"""Common job bundles at their rates (bundles.yaml): front pads with rotors, a diagnosis handed to
another technician, lube technicians on the express work; several technicians on one RO."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.world.small_worlds import default_run
from world.catalog import load_catalog


def _number(technician_id: str) -> int:
    return int(technician_id.rsplit("-T", 1)[1])


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2))
def test_most_front_pad_jobs_replace_the_rotors_and_rotor_jobs_the_pads(seed):
    visits, _, _ = default_run(seed)
    pad_jobs = [
        job
        for visit in visits
        for job in visit.jobs
        if job.concern == "brake_pads_front" and job.kind in ("failure", "comeback")
    ]
    rotor_work = {"brake_rotors", load_catalog().bundles.pad_rotors.rotors_operation}
    with_rotors = sum(any(op.operation_id in rotor_work for op in job.operations) for job in pad_jobs)
    assert len(pad_jobs) >= 10
    assert 0.5 <= with_rotors / len(pad_jobs) <= 0.95, (with_rotors, len(pad_jobs))
    # a rotor repair replaces the pads too, in its own job or the visit's pad job
    rotor_visits = [
        v for v in visits if any(j.concern == "brake_rotors" and j.kind == "failure" for j in v.jobs)
    ]
    assert rotor_visits
    for visit in rotor_visits:
        assert any(op.operation_id == "brake_pads_front" for job in visit.jobs for op in job.operations)


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2))
def test_rotors_replaced_with_the_pads_bill_the_guides_add_on_time_not_a_rotor_job(seed):
    """The pad job already takes the calipers off: labor guides add a few tenths per rotor to it."""
    catalog = load_catalog()
    bundle = catalog.bundles.pad_rotors
    add_on, alone = catalog.operations[bundle.rotors_operation], catalog.operations["brake_rotors"]
    assert add_on.hours_customer <= alone.hours_customer / 2
    visits, _, _ = default_run(seed)
    rotor_work = ("brake_rotors", bundle.rotors_operation)
    rotor_ops = Counter()
    for visit in visits:
        if any(op.operation_id == "brake_pads_front" for job in visit.jobs for op in job.operations):
            rotor_ops.update(  # the repairs planned with the pads; a comeback redoes its own remedy
                op.operation_id
                for job in visit.jobs
                if job.kind != "comeback"
                for op in job.operations
                if op.operation_id in rotor_work
            )
        for job in visit.jobs:
            for op in job.operations:
                if op.operation_id == bundle.rotors_operation:
                    expected = add_on.hours_warranty if job.pay_type == "warranty" else add_on.hours_customer
                    assert op.hours == expected, (op, job.pay_type)
    assert rotor_ops[bundle.rotors_operation] >= 10
    assert rotor_ops["brake_rotors"] == 0


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2))
def test_lube_technicians_do_the_express_work_and_line_technicians_the_repairs(seed):
    visits, _, world = default_run(seed)
    lube_ops = set(load_catalog().bundles.lube_technicians.operations)
    categories = {op_id: op.category for op_id, op in load_catalog().operations.items()}
    lube_count = {shop.info.shop_id: shop.lube_technicians for shop in world.market.shops}
    done_by = Counter()
    for visit in visits:
        lubes = lube_count[visit.shop.shop_id]
        if visit.shop.kind not in ("dealer", "independent") or not lubes:
            continue
        for job in visit.jobs:
            for op in job.operations:
                role = "lube" if op.operation_id in lube_ops else categories[op.operation_id]
                done_by[role, _number(op.technician_id) <= lubes] += 1
    assert done_by["lube", True] > 0.8 * (done_by["lube", True] + done_by["lube", False])
    assert done_by["repair", False] > 0.8 * (done_by["repair", True] + done_by["repair", False])


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 2))
def test_some_ros_have_more_than_one_technician(seed):
    visits, _, _ = default_run(seed)
    several = [v for v in visits if len({op.technician_id for job in v.jobs for op in job.operations}) > 1]
    handed_over = [
        job
        for visit in visits
        for job in visit.jobs
        if len({op.technician_id for op in job.operations}) > 1
        and any(
            op.operation_id.endswith("diagnosis") or op.operation_id == "battery_test"
            for op in job.operations
        )
    ]
    assert len(several) > 0.02 * len(visits)
    assert handed_over
