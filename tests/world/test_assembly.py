"""A job's work as kept per (operations, pay type, build), its lines shared by the builds with the
same facts, is what the catalog gives for it directly: each operation as done on the build, its
parts and book hours, the first labor factor that holds."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from world.assembly import JobAssembler
from world.catalog import load_catalog
from world.fitment import Fitter
from world.specs import SpecBook, holds, value_of

CATALOG = load_catalog()
OPERATIONS = sorted(CATALOG.operations)
MODELS = CATALOG.models
LUBE_OPS = frozenset(CATALOG.bundles.lube_technicians.operations)


def _direct_line(op_id: str, build, warranty: bool) -> tuple:
    """One labor line from the catalog tables, with no cache and no per-operation index."""
    substitute = CATALOG.fitment.substitutes.get(op_id)
    if substitute is not None:
        path, use = substitute
        op_id = use.get(value_of(build, path), op_id)
    op = CATALOG.operations[op_id]
    factor = next(
        (
            row.factor
            for row in CATALOG.fitment.labor_factors
            if op.operation_id in row.operations and holds(build, row.when)
        ),
        None,
    )
    customer, warranty_hours = op.hours_customer, op.hours_warranty
    if factor is not None:
        customer = int((customer * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        scaled = int((warranty_hours * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        warranty_hours = max(1, min(scaled, customer - 1))
    parts = []
    for use in op.parts:
        number, quantity = use.part, use.quantity
        if use.slot is not None:
            slot = CATALOG.fitment.slots[use.slot]
            key = " ".join(value_of(build, path) for path in slot.paths)
            number = slot.parts.get(key, slot.parts.get("default"))
            if quantity is None:
                quantity = int(value_of(build, slot.quantity_path)) * slot.quantity_scale
        if number is not None:
            parts.append((number, quantity))
    if op.operation_id in LUBE_OPS:
        role = "lube"
    else:
        role = "diagnosis" if op.category == "diagnosis" else "line"
    hours = warranty_hours if warranty else customer
    return op.operation_id, op.op_code, op.description, hours, tuple(parts), op.hazmat, role


# One assembler for every example: what it keeps for one build is shared with the builds of other
# examples that have the same facts, and each must still get its own catalog answer.
SPECS = SpecBook(CATALOG.specs, CATALOG.fitment.requires)
ASSEMBLER = JobAssembler(Fitter(CATALOG, SPECS), LUBE_OPS)


@settings(max_examples=300, deadline=None)
@given(
    vehicles=st.lists(
        st.tuples(st.sampled_from(MODELS), st.integers(1981, 2039), st.integers(0, 2**64 - 1)),
        min_size=1,
        max_size=4,
    ),
    jobs=st.lists(
        st.tuples(st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=3).map(tuple), st.booleans()),
        min_size=1,
        max_size=6,
    ),
)
def test_a_jobs_work_is_the_catalogs_for_its_build(vehicles, jobs):
    for model, year, key in vehicles:
        year = max(model.first_year, min(year, model.last_year or 2039))
        fitment, _ = SPECS.choose(model, year, model.fleet and key % 2 == 0, key)
        build = SPECS.fitments[fitment]
        for op_ids, warranty in jobs:
            lube, diagnosis, line, lines = ASSEMBLER.work(
                op_ids, "warranty" if warranty else "customer", fitment
            )
            expected = [_direct_line(op_id, build, warranty) for op_id in op_ids]
            assert [
                (*line[:4], tuple((p.part_number, p.quantity) for p in line[4]), *line[5:]) for line in lines
            ] == expected
            by_role = {
                role: sum(e[3] for e in expected if e[6] == role) for role in ("lube", "diagnosis", "line")
            }
            assert (lube, diagnosis, line) == (by_role["lube"], by_role["diagnosis"], by_role["line"])


def test_builds_with_the_same_facts_share_one_work():
    # A work kept per (operations, pay type, build) must not be a copy per build: a shard has
    # hundreds of builds, and a job's work depends only on the few facts its operations read.
    assembler = JobAssembler(Fitter(CATALOG, SPECS), LUBE_OPS)
    op_ids = ("oil_change", "tire_rotation")
    builds: dict[tuple, set[int]] = {}
    for model in MODELS:
        fitment, _ = SPECS.choose(model, model.first_year, False, 7)
        facts = tuple(assembler.fitter.facts(op_id, fitment) for op_id in op_ids)
        builds.setdefault(facts, set()).add(fitment)
    shared = max(builds.values(), key=len)
    assert len(shared) > 1
    assert len({id(assembler.work(op_ids, "customer", fitment)) for fitment in shared}) == 1
