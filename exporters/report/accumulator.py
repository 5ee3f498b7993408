"""The one streaming accumulator behind every report metric and every calibration objective.

It consumes what a dataset holds — RO dicts in the contract's JSON form, truth visit rows, PII
span rows, truth vehicle and customer rows — whether they come from the files of a dataset
(``exporters.report.reader``) or straight from the world and the RO builder in memory
(``sim.calibrate``). It keeps integer sums and counters, never per-RO records, so memory grows
with shops and vehicles, not with ROs; the only per-vehicle state is one integer per visit of each
VIN (its day, odometer, customer kind and whether it changed the oil), needed for what happens
between a vehicle's visits: days, miles, oil-change intervals. ``finish`` freezes everything into
``MetricData``, which the metric registry (``exporters.report.registry``) and the plots read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from world.visit import CUSTOMER_KINDS

ODOMETER_BIN_MILES = 10_000
HIGH_MILEAGE = 200_000  # the odometer from which an RO counts as high-mileage
OIL_CHANGE = "oil_change"  # the concern of an oil change job
MIXED_KINDS = "mixed"  # two visits of a VIN by customers of different kinds
# A visit packed in one integer, sorting by day then odometer: day << 64 | odometer << 3 | kind << 1 | oil
_ODOMETER_SHIFT, _DAY_SHIFT = 3, 64
_MAX_ODOMETER = 1 << (_DAY_SHIFT - _ODOMETER_SHIFT)
DAYS_PER_YEAR = 365.25
PAY_FIELDS = {"customer": "customer_pay", "warranty": "warranty_pay", "internal": "internal_pay"}


def fixed_point(text: str) -> int:
    """A contract money or hours string ("406.43", "1.4") as integer cents or tenths."""
    return int(text.replace(".", ""))


@dataclass
class GroupSums:
    """Sums over the ROs of one (shop kind, customer kind) group."""

    ros: int = 0
    jobs: int = 0
    labor_tenths: int = 0
    total_cents: int = 0
    odometer_miles: int = 0
    high_mileage: int = 0  # ROs with odometer_in at or above HIGH_MILEAGE
    age_days: int = 0
    comebacks: int = 0
    pay_ros: Counter[str] = field(default_factory=Counter)  # ROs whose pay portion of the type is > 0
    pay_cents: Counter[str] = field(default_factory=Counter)  # that pay portion, summed
    pay_job_ros: Counter[str] = field(default_factory=Counter)  # ROs with a job of the pay type
    pay_labor_tenths: Counter[str] = field(default_factory=Counter)  # labor hours on jobs of the type
    visit_kinds: Counter[str] = field(default_factory=Counter)
    concern_ros: Counter[str] = field(default_factory=Counter)  # ROs with a job for the concern
    archetypes: Counter[str] = field(default_factory=Counter)

    def add(self, other: GroupSums) -> None:
        """Adds another group's sums to these: every field, counts and counters alike."""
        for name in _GROUP_FIELDS:
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(getattr(other, name))
            else:
                setattr(self, name, mine + getattr(other, name))


_GROUP_FIELDS = tuple(group_field.name for group_field in fields(GroupSums))


@dataclass(frozen=True)
class MetricData:
    """Everything the metrics and plots need, frozen when the stream ends."""

    start: date
    end: date
    groups: Mapping[tuple[str, str], GroupSums]  # (shop kind, customer kind) -> sums
    shops: Mapping[str, tuple[str, int, int]]  # shop_id -> (kind, ROs, comebacks)
    labor_tenths_hist: Mapping[str, Counter[int]]  # shop kind -> labor tenths per RO -> ROs
    jobs_hist: Counter[int]
    age_years_hist: Mapping[str, Counter[int]]  # customer kind -> whole years at visit -> ROs
    odometer_hist: Counter[int]  # bin start (miles) -> ROs
    visit_gap_days: Counter[int]  # days between consecutive visits of a VIN -> count
    # customer kind of both visits (or MIXED_KINDS) -> (miles, days) summed over consecutive visits of a VIN
    miles_between_visits: Mapping[str, tuple[int, int]]
    # the same over consecutive oil changes of a VIN -> (miles, intervals)
    oil_change_miles: Mapping[str, tuple[int, int]]
    visits_per_vin: Counter[int]
    spans_by_type: Counter[str]
    vehicle_years: float  # in service during [start, end), all vehicles of the world
    age_in_operation: Mapping[str, tuple[float, int]]  # owner kind -> (sum of years, vehicles) at mid-window

    @property
    def ro_count(self) -> int:
        return sum(group.ros for group in self.groups.values())

    def select(self, shop_kind: str | None = None, customer_kind: str | None = None) -> GroupSums:
        """The sums over the groups matching the filters (None = any)."""
        merged = GroupSums()
        for (shop, customer), group in sorted(self.groups.items()):
            if shop_kind in (None, shop) and customer_kind in (None, customer):
                merged.add(group)
        return merged


class MetricsAccumulator:
    """Feed ROs with their truth rows, span rows, vehicles and customers; then ``finish``."""

    def __init__(self, start: date, end: date) -> None:
        self.start, self.end = start, end
        self._groups: defaultdict[tuple[str, str], GroupSums] = defaultdict(GroupSums)
        self._shops: dict[str, list[Any]] = {}
        self._labor_hist: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self._jobs_hist: Counter[int] = Counter()
        self._age_hist: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self._odometer_hist: Counter[int] = Counter()
        self._vin_visits: defaultdict[str, list[int]] = defaultdict(list)  # packed, see _DAY_SHIFT
        self._spans: Counter[str] = Counter()
        self._vehicle_days = 0
        self._mid = date.fromordinal((start.toordinal() + end.toordinal()) // 2)
        self._in_operation: list[tuple[int, str | None]] = []  # (age days at mid-window, owner uuid)
        self._customer_kinds: dict[str, str] = {}

    def add_ro(self, ro: Mapping[str, Any], truth: Mapping[str, Any]) -> None:
        if truth["ro_number"] != ro["ro_number"]:
            raise ValueError(f"truth row {truth['ro_number']} does not belong to RO {ro['ro_number']}")
        shop, customer_kind = ro["shop"], ro["customer"]["kind"]
        group = self._groups[(shop["kind"], customer_kind)]
        group.ros += 1
        jobs = ro["jobs"]
        group.jobs += len(jobs)
        job_pay = {job["index"]: job["pay_type"] for job in jobs}
        labor = 0
        for line in ro["labor"]:
            tenths = fixed_point(line["hours"])
            labor += tenths
            group.pay_labor_tenths[job_pay[line["job_index"]]] += tenths
        group.labor_tenths += labor
        for pay_type in sorted(set(job_pay.values())):
            group.pay_job_ros[pay_type] += 1
        totals = ro["totals"]
        group.total_cents += fixed_point(totals["total"])
        for pay_type, key in PAY_FIELDS.items():
            cents = fixed_point(totals[key])
            if cents:
                group.pay_ros[pay_type] += 1
                group.pay_cents[pay_type] += cents
        odometer = ro["vehicle"]["odometer_in"]
        if not 0 <= odometer < _MAX_ODOMETER:
            raise ValueError(f"odometer_in {odometer} is out of range")
        group.odometer_miles += odometer
        group.high_mileage += odometer >= HIGH_MILEAGE
        group.age_days += truth["vehicle_age_days"]
        visit_kind = truth["visit_kind"]
        group.visit_kinds[visit_kind] += 1
        comeback = visit_kind == "comeback"
        group.comebacks += comeback
        concerns = {job["concern"] for job in truth["jobs"]}
        for concern in sorted(concerns):
            group.concern_ros[concern] += 1
        group.archetypes[truth["archetype"]] += 1

        entry = self._shops.setdefault(shop["shop_id"], [shop["kind"], 0, 0])
        entry[1] += 1
        entry[2] += comeback
        self._labor_hist[shop["kind"]][labor] += 1
        self._jobs_hist[len(jobs)] += 1
        self._age_hist[customer_kind][int(truth["vehicle_age_days"] // DAYS_PER_YEAR)] += 1
        self._odometer_hist[odometer // ODOMETER_BIN_MILES * ODOMETER_BIN_MILES] += 1
        day = date.fromisoformat(ro["opened_at"][:10]).toordinal()
        kind = CUSTOMER_KINDS.index(customer_kind)
        packed = (day << _DAY_SHIFT) | (odometer << _ODOMETER_SHIFT) | (kind << 1)
        self._vin_visits[ro["vehicle"]["vin"]].append(packed | (OIL_CHANGE in concerns))

    def add_span(self, span: Mapping[str, Any]) -> None:
        self._spans[span["entity_type"]] += 1

    def add_vehicle(self, row: Mapping[str, Any]) -> None:
        """A truth vehicle row: its service-years in the window and its age at mid-window."""
        in_service = date.fromisoformat(row["in_service"])
        scrapped = date.fromisoformat(row["scrapped"]) if row["scrapped"] else None
        first = max(in_service, self.start)
        last = min(scrapped or self.end, self.end)
        self._vehicle_days += max(0, (last - first).days)
        if in_service <= self._mid and (scrapped is None or scrapped > self._mid):
            self._in_operation.append(
                ((self._mid - in_service).days, _owner_at(row["ownerships"], self._mid))
            )

    def add_customer(self, row: Mapping[str, Any]) -> None:
        self._customer_kinds[row["customer_uuid"]] = row["kind"]

    def merge(self, other: MetricsAccumulator) -> None:
        """Adds what ``other`` was fed, as if its rows had come after this one's: the shards of a run
        measured where they ran, merged in shard order, give the data of reading the whole dataset."""
        if (other.start, other.end) != (self.start, self.end):
            raise ValueError(f"cannot merge {other.start}..{other.end} into {self.start}..{self.end}")
        for key, group in other._groups.items():
            self._groups[key].add(group)
        for shop_id, (kind, ros, comebacks) in other._shops.items():
            entry = self._shops.setdefault(shop_id, [kind, 0, 0])
            entry[1] += ros
            entry[2] += comebacks
        for mine, theirs in ((self._labor_hist, other._labor_hist), (self._age_hist, other._age_hist)):
            for key, counts in theirs.items():
                mine[key].update(counts)
        self._jobs_hist.update(other._jobs_hist)
        self._odometer_hist.update(other._odometer_hist)
        for vin, visits in other._vin_visits.items():
            self._vin_visits[vin].extend(visits)
        self._spans.update(other._spans)
        self._vehicle_days += other._vehicle_days
        self._in_operation.extend(other._in_operation)
        self._customer_kinds.update(other._customer_kinds)

    def finish(self) -> MetricData:
        gaps: Counter[int] = Counter()
        per_vin: Counter[int] = Counter()
        between: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
        oil: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
        for packed in self._vin_visits.values():
            packed.sort()
            per_vin[len(packed)] += 1
            visits = [_unpack(value) for value in packed]
            for earlier, later in zip(visits, visits[1:], strict=False):
                gaps[later[0] - earlier[0]] += 1
                _add_interval(between, earlier, later, later[0] - earlier[0])
            oil_changes = [visit for visit in visits if visit[3]]
            for earlier, later in zip(oil_changes, oil_changes[1:], strict=False):
                _add_interval(oil, earlier, later, 1)
        ages: dict[str, list[float]] = {}
        for age_days, owner in self._in_operation:
            kind = self._customer_kinds.get(owner, "unowned") if owner else "unowned"
            totals = ages.setdefault(kind, [0.0, 0])
            totals[0] += age_days / DAYS_PER_YEAR
            totals[1] += 1
        return MetricData(
            start=self.start,
            end=self.end,
            groups=dict(self._groups),
            shops={
                shop_id: (kind, ros, comebacks) for shop_id, (kind, ros, comebacks) in self._shops.items()
            },
            labor_tenths_hist=dict(self._labor_hist),
            jobs_hist=self._jobs_hist,
            age_years_hist=dict(self._age_hist),
            odometer_hist=self._odometer_hist,
            visit_gap_days=gaps,
            miles_between_visits={kind: (miles, days) for kind, (miles, days) in sorted(between.items())},
            oil_change_miles={kind: (miles, count) for kind, (miles, count) in sorted(oil.items())},
            visits_per_vin=per_vin,
            spans_by_type=self._spans,
            vehicle_years=self._vehicle_days / DAYS_PER_YEAR,
            age_in_operation={kind: (total, count) for kind, (total, count) in ages.items()},
        )


def _unpack(packed: int) -> tuple[int, int, str, bool]:
    """(day ordinal, odometer, customer kind, oil change) of a packed visit."""
    odometer = (packed & ((1 << _DAY_SHIFT) - 1)) >> _ODOMETER_SHIFT
    return packed >> _DAY_SHIFT, odometer, CUSTOMER_KINDS[(packed >> 1) & 3], bool(packed & 1)


def _add_interval(sums, earlier, later, amount: int) -> None:
    """Adds the miles between two visits, and ``amount``, under the kind of their customers."""
    kind = earlier[2] if earlier[2] == later[2] else MIXED_KINDS
    sums[kind][0] += later[1] - earlier[1]
    sums[kind][1] += amount


def _owner_at(ownerships: list[Mapping[str, Any]], day: date) -> str | None:
    for owner in ownerships:
        if date.fromisoformat(owner["start"]) <= day and (
            owner["end"] is None or date.fromisoformat(owner["end"]) > day
        ):
            return owner["customer_uuid"]
    return None
