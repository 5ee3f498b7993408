"""Which visits can move a vehicle's next due maintenance: only one that did or declined a service
that brings the owner in by itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from world.catalog import load_catalog
from world.maintenance import MaintenanceSchedule
from world.specs import SpecBook

CATALOG = load_catalog()
SCHEDULE = MaintenanceSchedule(CATALOG, SpecBook(CATALOG.specs, CATALOG.fitment.requires))
INDICES = st.integers(0, len(SCHEDULE.keys) - 1)


@given(done=st.lists(INDICES, max_size=4), declined=st.lists(INDICES, max_size=4))
def test_only_a_visit_triggering_service_done_or_declined_moves_the_due_date(done, declined):
    services = CATALOG.services
    expected = any(services[SCHEDULE.keys[index]].triggers_visit for index in done + declined)
    declined_keys = tuple(SCHEDULE.keys[index] for index in declined)
    assert SCHEDULE.moved_by(tuple(done), declined_keys) is expected


def test_an_oil_change_moves_it_and_a_wiper_blade_does_not():
    oil, wipers = SCHEDULE.keys.index("oil_change"), SCHEDULE.keys.index("wiper_blades")
    assert SCHEDULE.moved_by((oil,), ())
    assert SCHEDULE.moved_by((), ("oil_change",))
    assert not SCHEDULE.moved_by((wipers,), ("wiper_blades",))
