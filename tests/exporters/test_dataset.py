"""The dataset rules' reading of instants (exporters.validation.dataset)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from exporters.validation.dataset import DatasetChecks

_offsets = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
_instants = st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2040, 1, 1), timezones=_offsets)


@given(st.lists(_instants, min_size=1, max_size=20))
def test_epoch_seconds_are_the_instants_written(instants):
    checks = DatasetChecks()  # one table of dates for the whole list, as for a dataset
    for instant in instants:
        text = instant.replace(microsecond=0).isoformat()
        assert checks.epoch_seconds(text) == int(datetime.fromisoformat(text).astimezone(UTC).timestamp())
