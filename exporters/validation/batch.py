"""The verdict of the format and record rules on a batch of decoded ROs, column by column.

``clean_rows(ros)`` says for each RO of the batch True only when ``fast_path.ro_is_clean`` would
(no format or record rule broken); a False says nothing, and the caller asks ro_is_clean, then the
detailed checks, which name each broken rule. Per RO in Python the rules cost more than decoding the
line; here each value is gathered by C loops (attrgetter, map) into lists, numbers are read through
the parse tables of exporters.formats (which refuse a text out of its format) into numpy arrays, and
every rule is one array expression over the batch. Lines, parts and fees are flattened, with the
row of the RO each belongs to, so references and sums per RO are index arithmetic.

Anything the columns cannot settle exactly (a number out of its format or beyond the range where
int64 arithmetic is exact, a non-ASCII datetime, a time zone transition inside a clock hour) makes
the batch or the RO fall back to the per-RO checks: the verdict only ever errs towards doubt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain, repeat
from operator import attrgetter, is_not, itemgetter
from typing import Any

import numpy as np

from exporters.formats import (
    CENTS,
    DATETIME_PATTERN,
    HUNDREDTHS,
    RO_NUMBER_PATTERN,
    TEN_THOUSANDTHS,
    TENTHS,
    MatchingValues,
)
from exporters.line_rules import MAX_HOURS_TENTHS, MAX_TAX_RATE
from exporters.rules import (
    MAX_ODOMETER_GAIN,
    MIN_MODEL_YEAR,
    cached_vin_problem,
    hour_offset_is_local,
    zone_named,
)
from exporters.validation.fast_path import _CHECKED_BY_RULES, _UNIQUE_PER_RO, patterned_leaves
from exporters.validation.structs import RepairOrder
from exporters.validation.structure import committed_schema

_PAY_TYPES = {"customer": 0, "warranty": 1, "internal": 2}
# Amounts, rates, hours and quantities below this keep every product and sum of a batch exact in int64.
_EXACT_BELOW = 1 << 31
_MAX_VISIT_SECONDS = 30 * 86400
_OPENING_SECONDS, _CLOSING_SECONDS = 6 * 3600, 20 * 3600
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0, 0, 0])


class _Doubt(Exception):
    """The batch holds a value the columns cannot read exactly: every RO goes to the per-RO checks."""


def clean_rows(ros: Sequence[RepairOrder]) -> np.ndarray:
    """Per RO, True only if it breaks no format or record rule (fast_path.ro_is_clean)."""
    if not ros:
        return np.zeros(0, bool)
    try:
        return _Batch(ros).clean()
    # _Doubt, a parse table's ValueError (a number out of its format, or a non-ASCII datetime as
    # UnicodeEncodeError), OverflowError (an integer beyond int64).
    except (_Doubt, ValueError, OverflowError):
        return np.zeros(len(ros), bool)


def _columns(items: Sequence[Any], paths: Sequence[str]) -> dict[str, Sequence[Any]]:
    """path -> the value at that path of each item. One pass over the items, which keeps each in the
    CPU caches while it is read: a pass per path costs several times more on a batch of ROs."""
    rows = list(map(attrgetter(*paths), items))
    if len(paths) == 1:  # attrgetter of one path returns the value itself
        return {paths[0]: rows}
    return dict(zip(paths, zip(*rows, strict=True) if rows else [()] * len(paths), strict=True))


def _ints(values: Sequence[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _exact(table: dict[str, int], texts: Sequence[str]) -> np.ndarray:
    """The parsed values of contract number texts, within the range where batch arithmetic is exact."""
    values = _ints(list(map(table.__getitem__, texts)))
    if values.size and values.max() >= _EXACT_BELOW:
        raise _Doubt
    return values


def _flag(values: Any, size: int) -> np.ndarray:
    return np.fromiter(values, bool, size)


class _Lines:
    """One list of the RO (jobs, labor, parts, fees) flattened over the batch."""

    def __init__(self, lists: Sequence[list[Any]], paths: Sequence[str]) -> None:
        self.count_list = list(map(len, lists))
        self.counts = _ints(self.count_list)
        self.items = list(chain.from_iterable(lists))
        self.columns = _columns(self.items, paths)
        ends = np.cumsum(self.counts)
        self.starts = ends - self.counts
        self.row = np.repeat(np.arange(len(lists)), self.counts)  # the RO each item belongs to
        self.position = np.arange(len(self.items)) - self.starts[self.row] + 1  # 1..n within its RO

    def column(self, path: str) -> Sequence[Any]:
        return self.columns[path]

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Per RO, the sum of its items' values."""
        totals = np.concatenate(([0], np.cumsum(values)))
        return totals[self.starts + self.counts] - totals[self.starts]

    def rows_with(self, flags: np.ndarray, size: int) -> np.ndarray:
        """Per RO, whether any of its items is flagged."""
        rows = np.zeros(size, bool)
        rows[self.row[flags]] = True
        return rows

    def referenced(self, named: np.ndarray, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For 1-based indices into this list, each held by an item of the RO at ``row``: whether it
        names an item of that RO, and which (a position in ``items``; the RO's first when none)."""
        counts = self.counts[row]
        valid = (named >= 1) & (named <= counts)
        return valid, self.starts[row] + np.clip(named, 1, counts) - 1


def _fixed_width_classes(pattern: str) -> np.ndarray:
    """For a pattern of character classes and literals with fixed counts (``[A-Z]{2}[0-9]{3}-``),
    the characters allowed at each position: a (width, 256) table of bools over ASCII codes."""
    body = pattern.removeprefix("^").removesuffix("$")
    positions: list[set[int]] = []
    consumed = 0
    for match in re.finditer(r"(\[[^\]]+\]|\\.|[^\[\\{}()?*+|.])(?:\{(\d+)\})?", body):
        if match.start() != consumed:
            break
        consumed = match.end()
        atom, count = match.group(1), int(match.group(2) or 1)
        allowed = _class_codes(atom[1:-1]) if atom.startswith("[") else {ord(atom[-1])}
        positions += [allowed] * count
    if consumed != len(body):
        raise ValueError(f"not a fixed-width pattern of classes and literals: {pattern}")
    table = np.zeros((len(positions), 256), bool)
    for position, allowed in enumerate(positions):
        table[position, list(allowed)] = True
    return table


def _class_codes(members: str) -> set[int]:
    codes: set[int] = set()
    position = 0
    while position < len(members):
        if position + 2 < len(members) and members[position + 1] == "-":
            codes.update(range(ord(members[position]), ord(members[position + 2]) + 1))
            position += 3
        else:
            codes.add(ord(members[position]))
            position += 1
    return codes


def _matrix(texts: Sequence[str], table: np.ndarray) -> np.ndarray | None:
    """Texts of one fixed width as a (count, width) array of ASCII codes, None when a length differs."""
    width = table.shape[0]
    if not all(map(width.__eq__, map(len, texts))):
        return None
    return np.frombuffer("".join(texts).encode("ascii"), np.uint8).reshape(len(texts), width)


def _matching(matrix: np.ndarray, table: np.ndarray) -> np.ndarray:
    return table[np.arange(table.shape[0]), matrix].all(axis=1)


_RO_NUMBER = _fixed_width_classes(RO_NUMBER_PATTERN)
_DATETIME = _fixed_width_classes(DATETIME_PATTERN)
_SHOP_PREFIX = itemgetter(slice(5))


def _identifier_checks(schema: dict[str, Any]) -> list[tuple[tuple[str, ...], str, MatchingValues, bool]]:
    """(list path or (), dotted path, remembered verdicts, nullable) of every patterned value that
    neither the rules read nor is unique per RO: the values exporters.validation.fast_path looks up."""
    tables: dict[str, MatchingValues] = {}
    checks = []
    unique = []
    for list_path, path, pattern, nullable in patterned_leaves(schema):
        if pattern in _CHECKED_BY_RULES:
            continue
        if pattern in _UNIQUE_PER_RO and not list_path and not nullable:
            unique.append(path)
            continue
        table = tables.setdefault(pattern, MatchingValues(pattern))
        checks.append((list_path, ".".join(path), table, nullable))
    if unique != [("ro_number",), ("opened_at",), ("closed_at",)]:
        raise ValueError(
            f"the batch verdict reads ro_number, opened_at and closed_at; the schema has {unique}"
        )
    return checks


_IDENTIFIER_CHECKS = _identifier_checks(committed_schema())
_TOTALS = (
    "labor",
    "parts",
    "fees",
    "discount",
    "subtotal",
    "tax",
    "total",
    "customer_pay",
    "warranty_pay",
    "internal_pay",
)
# What the rules read of the lists' items and of the RO, with the identifiers to look up.
_LINE_PATHS = {
    "jobs": ["index", "pay_type"],
    "labor": ["index", "job_index", "technician_id", "hours", "rate", "amount"],
    "parts": ["index", "labor_index", "quantity", "unit_price", "amount"],
    "fees": ["amount"],
}
_RO_PATHS = [
    *_LINE_PATHS,
    "ro_number",
    "advisor_id",
    "opened_at",
    "closed_at",
    "purchase_order",
    "shop.timezone",
    *(f"shop.labor_rates.{pay}" for pay in _PAY_TYPES),
    "customer.kind",
    "customer.contact_name",
    "vehicle.vin",
    "vehicle.year",
    "vehicle.odometer_in",
    "vehicle.odometer_out",
    *(f"totals.{name}" for name in (*_TOTALS, "tax_rate")),
]
for _list_path, _path, _, _ in _IDENTIFIER_CHECKS:
    _paths = _LINE_PATHS[_list_path[0]] if _list_path else _RO_PATHS
    if _path not in _paths:
        _paths.append(_path)


class _Batch:
    def __init__(self, ros: Sequence[RepairOrder]) -> None:
        self.ros = ros
        self.size = len(ros)
        self.ok = np.ones(self.size, bool)

    def refuse(self, flags: np.ndarray) -> None:
        self.ok &= ~flags

    def clean(self) -> np.ndarray:
        self.columns = columns = _columns(self.ros, _RO_PATHS)
        self.lists = {name: _Lines(columns[name], paths) for name, paths in _LINE_PATHS.items()}
        self.identifiers()
        self.prefixes(columns["shop.shop_id"])
        opened_year = self.times()
        self.customer_and_vehicle(opened_year)
        posted = np.stack([_exact(CENTS, columns[f"shop.labor_rates.{pay}"]) for pay in _PAY_TYPES], axis=1)
        self.refuse((posted <= 0).any(axis=1))
        self.lines_and_totals(posted)
        return self.ok

    def identifiers(self) -> None:
        for list_path, path, table, nullable in _IDENTIFIER_CHECKS:
            lines = self.lists[list_path[0]] if list_path else None
            values = lines.column(path) if lines else self.columns[path]
            lookup: Callable[[Any], bool] = table.__getitem__
            if nullable:
                matching = _flag((value is None or table[value] for value in values), len(values))
            else:
                matching = _flag(map(lookup, values), len(values))
            self.refuse(lines.rows_with(~matching, self.size) if lines else ~matching)

    def prefixes(self, shop_ids: list[str]) -> None:
        """F2, F14, F15: the RO number, advisor and technicians belong to the RO's shop."""
        ro_numbers = self.columns["ro_number"]
        matrix = _matrix(ro_numbers, _RO_NUMBER)
        if matrix is None:
            raise _Doubt
        self.refuse(~_matching(matrix, _RO_NUMBER))
        for texts in (ro_numbers, self.columns["advisor_id"]):
            self.refuse(~_flag(map(str.__eq__, map(_SHOP_PREFIX, texts), shop_ids), self.size))
        labor = self.lists["labor"]
        shops_of_lines = chain.from_iterable(map(repeat, shop_ids, labor.count_list))
        technicians = labor.column("technician_id")
        own = _flag(map(str.__eq__, map(_SHOP_PREFIX, technicians), shops_of_lines), len(technicians))
        self.refuse(labor.rows_with(~own, self.size))

    def times(self) -> np.ndarray:
        """F5, F10-F13; returns the local year opened_at names."""
        opened = _Instants(self.columns["opened_at"])
        closed = _Instants(self.columns["closed_at"])
        self.refuse(~opened.valid | ~closed.valid)
        time_of_day = opened.local % 86400
        self.refuse((time_of_day < _OPENING_SECONDS) | (time_of_day > _CLOSING_SECONDS))
        self.refuse((closed.epoch < opened.epoch) | (closed.epoch > opened.epoch + _MAX_VISIT_SECONDS))
        zones = self.columns["shop.timezone"]
        self.refuse(~_offsets_are_local(zones, opened) | ~_offsets_are_local(zones, closed))
        return opened.year

    def customer_and_vehicle(self, opened_year: np.ndarray) -> None:
        """R12, F19, F20, R11."""
        columns, size = self.columns, self.size
        fleet = _flag(map("fleet".__eq__, columns["customer.kind"]), size)
        for path in ("purchase_order", "customer.contact_name"):
            self.refuse(_flag(map(is_not, columns[path], repeat(None)), size) != fleet)
        years = columns["vehicle.year"]
        year = _ints(years)
        self.refuse((year < MIN_MODEL_YEAR) | (year > opened_year + 1))
        odometer_in, odometer_out = (
            _ints(columns["vehicle.odometer_in"]),
            _ints(columns["vehicle.odometer_out"]),
        )
        self.refuse(
            (odometer_in < 0)
            | (odometer_out < odometer_in)
            | (odometer_out > odometer_in + MAX_ODOMETER_GAIN)
        )
        vehicles = list(zip(columns["vehicle.vin"], years, strict=True))
        bad = {vehicle for vehicle in set(vehicles) if cached_vin_problem(*vehicle) is not None}
        if bad:
            self.refuse(_flag(map(bad.__contains__, vehicles), size))

    def lines_and_totals(self, posted: np.ndarray) -> None:
        """R1-R10 with F6-F9 on the lines and totals, as exporters.validation.verdict reads them."""
        size = self.size
        jobs, labor, parts, fees = (self.lists[name] for name in ("jobs", "labor", "parts", "fees"))
        self.refuse(jobs.rows_with(_ints(jobs.column("index")) != jobs.position, size))
        job_pay = _ints(list(map(_PAY_TYPES.__getitem__, jobs.column("pay_type"))))

        named_job, job = jobs.referenced(_ints(labor.column("job_index")), labor.row)
        labor_pay = job_pay[job]
        hours, rate, amount = (
            _exact(table, labor.column(name))
            for table, name in ((TENTHS, "hours"), (CENTS, "rate"), (CENTS, "amount"))
        )
        bad_labor = (
            (_ints(labor.column("index")) != labor.position)
            | ~named_job
            | (hours <= 0)
            | (hours > MAX_HOURS_TENTHS)
            | (rate != posted[labor.row, labor_pay])
            | (amount != (np.minimum(hours, MAX_HOURS_TENTHS) * rate + 5) // 10)
        )
        self.refuse(labor.rows_with(bad_labor, size))
        has_labor = np.zeros(len(jobs.items), bool)
        has_labor[job[named_job]] = True
        self.refuse(jobs.rows_with(~has_labor, size))

        named_line, line = labor.referenced(_ints(parts.column("labor_index")), parts.row)
        part_pay = labor_pay[line]
        quantity, unit_price, part_amount = (
            _exact(table, parts.column(name))
            for table, name in ((HUNDREDTHS, "quantity"), (CENTS, "unit_price"), (CENTS, "amount"))
        )
        bad_parts = (
            (_ints(parts.column("index")) != parts.position)
            | ~named_line
            | (quantity <= 0)
            | (unit_price <= 0)
            | (part_amount != (quantity * unit_price + 50) // 100)
        )
        self.refuse(parts.rows_with(bad_parts, size))

        by_pay = [
            labor.sums(amount * (labor_pay == pay)) + parts.sums(part_amount * (part_pay == pay))
            for pay in range(3)
        ]
        labor_sum, parts_sum = labor.sums(amount), parts.sums(part_amount)
        customer_parts = parts.sums(part_amount * (part_pay == 0))
        fees_sum = fees.sums(_exact(CENTS, fees.column("amount")))
        totals = {name: _exact(CENTS, self.columns[f"totals.{name}"]) for name in _TOTALS}
        tax_rate = _exact(TEN_THOUSANDTHS, self.columns["totals.tax_rate"])
        discount, subtotal, tax = totals["discount"], totals["subtotal"], totals["tax"]
        has_customer_pay = jobs.sums(job_pay == 0) > 0
        self.ok &= (
            (totals["labor"] == labor_sum)
            & (totals["parts"] == parts_sum)
            & (totals["fees"] == fees_sum)
            & (tax_rate <= MAX_TAX_RATE)
            & (subtotal == labor_sum + parts_sum + fees_sum - discount)
            & (totals["total"] == subtotal + tax)
            # R6: without customer pay no fees and no discount, else the discount within its lines.
            & np.where(has_customer_pay, discount <= by_pay[0], (fees.counts == 0) & (discount == 0))
            & (tax == ((customer_parts + fees_sum) * tax_rate + 5000) // 10000)
            & (totals["customer_pay"] == by_pay[0] + fees_sum - discount + tax)
            & (totals["warranty_pay"] == by_pay[1])
            & (totals["internal_pay"] == by_pay[2])
        )


class _Instants:
    """Contract datetimes of a batch read from their characters: validity, local seconds, UTC epoch."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        codes = _matrix(texts, _DATETIME)
        if codes is None:
            raise _Doubt
        matched = _matching(codes, _DATETIME)
        digits = codes.astype(np.int64) - 48

        def number(first: int, width: int) -> np.ndarray:
            value = digits[:, first]
            for column in range(first + 1, first + width):
                value = value * 10 + digits[:, column]
            return value

        self.year, month, day = number(0, 4), number(5, 2), number(8, 2)
        hour, minute, second = number(11, 2), number(14, 2), number(17, 2)
        offset_hours, offset_minutes = number(20, 2), number(23, 2)
        month_index = np.where(matched & (month >= 1) & (month <= 12), month, 0)
        leap = (self.year % 4 == 0) & ((self.year % 100 != 0) | (self.year % 400 == 0))
        month_days = _DAYS_IN_MONTH[month_index] + (leap & (month_index == 2))
        self.valid = (
            matched
            & (self.year >= 1)
            & (day >= 1)
            & (day <= month_days)
            & (hour <= 23)
            & (minute <= 59)
            & (second <= 59)
            & (offset_hours <= 23)
            & (offset_minutes <= 59)
        )
        months = (self.year - 1970) * 12 + month_index - 1
        days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + day - 1
        self.local = days * 86400 + hour * 3600 + minute * 60 + second
        sign = np.where(codes[:, 19] == ord("-"), -1, 1)
        self.offset_minutes = sign * (offset_hours * 60 + offset_minutes)
        self.epoch = self.local - self.offset_minutes * 60


def _offsets_are_local(zones: list[str], instants: _Instants) -> np.ndarray:
    """F5 and F11 per RO: the zone exists and the written offset is its offset at the instant, asked
    once per (zone, local clock hour, offset) of the batch."""
    zone_numbers = {name: number for number, name in enumerate(dict.fromkeys(zones))}
    zone = _ints(list(map(zone_numbers.__getitem__, zones)))
    hour = np.where(instants.valid, instants.local // 3600, 0)
    keys = (zone << 46) | ((hour + (1 << 31)) << 14) | (instants.offset_minutes + (1 << 13))
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    local = np.zeros(len(unique), bool)
    names = list(zone_numbers)
    for number, row in enumerate(first.tolist()):
        name = names[zone[row]]
        if instants.valid[row] and zone_named(name) is not None:
            local[number] = hour_offset_is_local(name, instants.texts[row]) is True
    return local[inverse]
