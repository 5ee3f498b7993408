"""exporters.formats: the parse and match tables (right answers, bounded memory) and datetimes."""

from __future__ import annotations

import pytest

from exporters.formats import (
    MONEY_PATTERN,
    PHONE_PATTERN,
    MatchingValues,
    ParsedValues,
    fixed,
    format_cents,
    parse_datetime,
)

# About a MB of remembered values: the tables live as long as the process, in every worker.
MOST_VALUES_KEPT = 8192


def test_a_parse_table_keeps_at_most_its_limit_and_parses_every_value():
    table = ParsedValues(MONEY_PATTERN, fixed)
    for cents in range(3 * MOST_VALUES_KEPT):
        assert table[format_cents(cents)] == cents
    assert len(table) <= MOST_VALUES_KEPT


def test_a_match_table_keeps_at_most_its_limit_and_matches_every_value():
    table = MatchingValues(PHONE_PATTERN)
    for number in range(3 * MOST_VALUES_KEPT):
        assert table[f"+1614555{number:04d}"] is (number < 10_000)
    assert not table["+10005550000"]
    assert len(table) <= MOST_VALUES_KEPT


@pytest.mark.parametrize(
    ("text", "is_an_instant"),
    [
        ("0001-01-01T03:00:00+05:00", False),  # year 0 in UTC
        ("9999-12-31T21:30:00-04:00", False),  # year 10000 in UTC
        ("0001-01-01T05:00:00+05:00", True),
        ("9999-12-31T19:59:59-04:00", True),
        ("2024-02-30T10:00:00-05:00", False),
    ],
)
def test_a_datetime_is_an_instant_only_when_utc_can_hold_it(text, is_an_instant):
    assert (parse_datetime(text) is not None) == is_an_instant
