"""The time rules of exporters.rules: shop hours, the visit window, the zone's offset at the instant,
the quick check every RO asks first, and the ends of datetime's range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporters import rules
from exporters.rules import _offset_is_local, record_violations, times_are_valid
from tests.dataset_fixture import fixture_ro
from tests.exporters.rule_checks import CUSTOMER_RO, FLEET_RO, broken_rules


@pytest.mark.parametrize(
    ("ro_number", "opened_at", "valid"),
    [
        (CUSTOMER_RO, "2024-03-05T05:59:59-05:00", False),
        (CUSTOMER_RO, "2024-03-05T06:00:00-05:00", True),
        # The contract's "between 06:00 and 20:00" includes both ends: an RO may open at 20:00:00.
        (FLEET_RO, "2024-03-12T20:00:00-04:00", True),
        (FLEET_RO, "2024-03-12T20:00:01-04:00", False),
    ],
)
def test_opening_hours_include_06_00_and_20_00_exactly(ro_number, opened_at, valid):
    ro = fixture_ro(ro_number)
    assert ro["opened_at"][:10] == opened_at[:10] and ro["closed_at"] > opened_at
    ro["opened_at"] = opened_at
    assert broken_rules(ro) == (set() if valid else {"F12-opened-time"})


@pytest.mark.parametrize(
    ("closed_at", "valid"),
    [
        # Opened 2024-03-05T08:12:00-05:00; 30 days later is across the DST change, at 09:12 EDT.
        ("2024-04-04T09:12:00-04:00", True),
        ("2024-04-04T09:12:01-04:00", False),
        ("2024-03-05T08:12:00-05:00", True),
        ("2024-03-05T08:11:59-05:00", False),
    ],
)
def test_closed_at_within_30_days_of_opening(closed_at, valid):
    ro = fixture_ro(CUSTOMER_RO)
    assert ro["opened_at"] == "2024-03-05T08:12:00-05:00"
    ro["closed_at"] = closed_at
    assert broken_rules(ro) == (set() if valid else {"F13-closed-at"})


OPENED_LATE, CLOSED_LATE = {"F12-opened-time"}, {"F13-closed-at"}


@pytest.mark.parametrize(
    ("ro_number", "opened_at", "closed_at", "broken"),
    [
        (CUSTOMER_RO, "2024-03-05T06:00:00-05:00", "2024-03-05T11:40:00-05:00", set()),
        (CUSTOMER_RO, "2024-03-05T08:12:00-05:00", "2024-03-05T08:12:00-05:00", set()),
        # Closed on a later day, and 30 days later across the DST change: the datetime comparison.
        (FLEET_RO, "2024-03-12T20:00:00-04:00", "2024-03-13T14:05:00-04:00", set()),
        (CUSTOMER_RO, "2024-03-05T08:12:00-05:00", "2024-04-04T09:12:00-04:00", set()),
        # 33 days later at the same offset: the texts order as the instants do, but too far apart.
        (CUSTOMER_RO, "2024-02-01T08:12:00-05:00", "2024-03-05T11:40:00-05:00", CLOSED_LATE),
        # Opening at 06:00:00 or 20:00:00 exactly is no violation when the full check runs either.
        (CUSTOMER_RO, "2024-03-05T06:00:00-05:00", "2024-04-10T11:40:00-04:00", CLOSED_LATE),
        (FLEET_RO, "2024-03-12T20:00:00-04:00", "2024-04-13T14:05:00-04:00", CLOSED_LATE),
        (CUSTOMER_RO, "2024-03-05T05:59:59-05:00", "2024-03-05T11:40:00-05:00", OPENED_LATE),
        # With the opening time broken the full check runs: closing at the same instant, or exactly
        # 30 days later, is still within the window.
        (CUSTOMER_RO, "2024-03-05T05:59:59-05:00", "2024-03-05T05:59:59-05:00", OPENED_LATE),
        (CUSTOMER_RO, "2024-03-05T05:59:59-05:00", "2024-04-04T06:59:59-04:00", OPENED_LATE),
        (FLEET_RO, "2024-03-12T20:00:01-04:00", "2024-03-13T14:05:00-04:00", OPENED_LATE),
        (CUSTOMER_RO, "2024-03-05T08:12:00-05:00", "2024-04-04T09:12:01-04:00", CLOSED_LATE),
        (CUSTOMER_RO, "2024-03-05T08:12:00-05:00", "2024-03-05T08:11:59-05:00", CLOSED_LATE),
    ],
)
def test_the_quick_time_check_passes_exactly_the_ros_with_valid_times(
    ro_number, opened_at, closed_at, broken
):
    # Every RO asks the quick check first and only one it turns down gets the full check: a looser
    # quick check would let a violation through, a stricter one would slow every RO down unseen.
    ro = fixture_ro(ro_number)
    ro["opened_at"], ro["closed_at"] = opened_at, closed_at
    assert broken_rules(ro) == broken
    assert times_are_valid(opened_at, closed_at, ro["shop"]["timezone"]) is (broken == set())


@pytest.mark.parametrize(
    ("zone", "text", "local"),
    [
        ("America/New_York", "2024-03-05T08:12:00-05:00", True),
        ("America/New_York", "2024-03-05T08:12:00-04:00", False),
        ("America/New_York", "2024-07-05T08:12:00-04:00", True),
        # Lord Howe Island leaves summer time at 02:00 (+11:00) back to 01:30 (+10:30): written at
        # +10:30, the hour from 01:00 is partly summer time, so its minute decides.
        ("Australia/Lord_Howe", "2024-04-07T01:15:00+10:30", False),
        ("Australia/Lord_Howe", "2024-04-07T01:45:00+10:30", True),
        ("Australia/Lord_Howe", "2024-04-07T01:15:00+11:00", True),
    ],
)
def test_the_offset_check_answers_the_same_before_and_after_it_is_cached(monkeypatch, zone, text, local):
    monkeypatch.setattr(rules, "_OFFSET_CHECKS", {})  # not the answers earlier tests left
    assert [_offset_is_local(zone, text) for _ in range(2)] == [local, local]


def test_the_offset_check_remembers_days_not_hours(monkeypatch):
    # Every process that checks ROs holds this cache: it may grow with the calendar's days (which
    # every shard and worker shares), not with each hour some RO was opened or closed in.
    monkeypatch.setattr(rules, "_OFFSET_CHECKS", {})
    first, zone = datetime(2023, 1, 1, tzinfo=UTC), ZoneInfo("America/Chicago")
    for hour in range(24 * 365):
        text = (first + timedelta(hours=hour)).astimezone(zone).isoformat()
        assert _offset_is_local("America/Chicago", text)
    assert len(rules._OFFSET_CHECKS) <= 2 * 365  # of the year's 8,760 hours


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(
        ["America/New_York", "America/Phoenix", "Australia/Lord_Howe", "Europe/Dublin"]
    ),
    instant=st.datetimes(datetime(1990, 1, 1), datetime(2039, 12, 31), timezones=st.just(UTC)),
    shift_minutes=st.sampled_from([0, 0, 30, -60, 60]),
)
def test_the_offset_check_is_the_zones_offset_at_the_instant(zone_name, instant, shift_minutes):
    # Cached per day (or per hour on a day with a transition), the answer must still be the one of
    # the instant itself, on transition days too.
    zone = ZoneInfo(zone_name)
    local = instant.replace(microsecond=0).astimezone(zone)
    written = local.astimezone(timezone(local.utcoffset() + timedelta(minutes=shift_minutes)))
    text = written.isoformat()
    expected = datetime.fromisoformat(text).astimezone(zone).utcoffset() == written.utcoffset()
    assert _offset_is_local(zone_name, text) == expected


@pytest.mark.parametrize(
    ("opened_at", "rules_broken"),
    [("9999-12-30T10:00:00-05:00", set()), ("9999-11-15T10:00:00-05:00", {"F13-closed-at"})],
)
def test_a_visit_in_the_last_days_of_year_9999_is_checked_without_overflow(opened_at, rules_broken):
    # opened_at + 30 days is past datetime's range: the visit's length is checked as a difference.
    ro = fixture_ro("OH101-000103")
    ro["opened_at"], ro["closed_at"] = opened_at, "9999-12-31T10:00:00-05:00"
    assert times_are_valid(ro["opened_at"], ro["closed_at"], ro["shop"]["timezone"]) == (not rules_broken)
    assert {violation.rule for violation in record_violations(ro)} == rules_broken


@pytest.mark.parametrize(
    ("opened_at", "closed_at", "rules_broken"),
    [
        # In UTC this is in year 10000: no instant, reported as such instead of a traceback.
        ("9999-12-31T10:00:00-05:00", "9999-12-31T21:30:00-05:00", {"F10-datetime"}),
        # The same last day, at instants still in range, is checked like any other day.
        ("9999-12-31T10:00:00-05:00", "9999-12-31T18:30:00-05:00", set()),
    ],
)
def test_a_time_whose_instant_is_outside_datetimes_range_in_utc_is_not_a_real_instant(
    opened_at, closed_at, rules_broken
):
    ro = fixture_ro("OH101-000103")
    ro["opened_at"], ro["closed_at"] = opened_at, closed_at
    assert times_are_valid(ro["opened_at"], ro["closed_at"], ro["shop"]["timezone"]) == (not rules_broken)
    assert {violation.rule for violation in record_violations(ro)} == rules_broken
