"""The parse and match tables of exporters.formats: right answers, and memory that stays bounded."""

from __future__ import annotations

from exporters.formats import (
    MONEY_PATTERN,
    PHONE_PATTERN,
    MatchingValues,
    ParsedValues,
    fixed,
    format_cents,
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
