"""Every rule of the Schema V2 contract with its stable id; ``ro_violations`` checks one RO.

The checks run on an RO decoded into the Structs of exporters.validation.structs, whose keys, JSON
types and enums are therefore right. They use exact integer fixed-point arithmetic, reading every
number through the parse tables of exporters.formats, which refuse a text out of its contract format
with ValueError: on an RO that passed the structural checks (value patterns included: see
exporters.models, whose JSON Schema the validator compiles) that never happens, and the fast path
(exporters.validation.fast_path) relies on it to check the numbers' formats. The pydantic models
(through ``record_violations``, on the JSON form) and the streaming validator both run
``ro_violations``: each rule has one implementation. This module checks the RO's header (ids, times,
rates, customer, vehicle); the lines and totals (R1-R10) are in exporters.line_rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from exporters.formats import CENTS, EDGE_DAYS, parse_datetime
from exporters.line_rules import check_lines_and_totals
from exporters.validation.structs import LaborRates, RepairOrder, Shop, to_struct
from exporters.violation import Violation
from world.vin import vin_problem

# Longer lines are reported unread: holding one whole would let a single line take any amount of memory.
MAX_LINE_BYTES = 4 << 20

RULES: tuple[tuple[str, str], ...] = (
    ("S1-json", "each line is one JSON object"),
    ("S2-unknown-key", "no key beyond the contract's, at any level"),
    ("S3-missing-key", "every key of the contract is present"),
    ("S4-type", "every value has the contract's JSON type"),
    ("S5-duplicate-key", "no JSON object of an RO or PII span line has a key twice"),
    (
        "S6-line-length",
        f"an RO or PII span line is at most {MAX_LINE_BYTES >> 20} MiB (longer lines are not read)",
    ),
    ("F1-schema-version", 'schema_version is "2.0"'),
    ("F2-ro-number", "ro_number is AA999-999999 and its prefix is shop.shop_id"),
    ("F3-shop-id", "shop.shop_id is AA999"),
    ("F4-enum", "shop.kind, customer.kind, jobs[].pay_type and fees[].code take allowed values"),
    ("F5-timezone", "shop.timezone is an IANA zone name"),
    ("F6-money", "money is 0.00 form; labor rates and part unit prices are > 0"),
    ("F7-hours", "hours are 0.0 form, > 0 and <= 40.0"),
    ("F8-quantity", "part quantities have at most two decimals and are > 0"),
    ("F9-tax-rate", "totals.tax_rate is 0.0000 form and <= 0.1500"),
    ("F10-datetime", "opened_at and closed_at are RFC 3339 with seconds and a +HH:MM offset"),
    ("F11-utc-offset", "each datetime's offset is the shop zone's offset at that instant"),
    ("F12-opened-time", "opened_at's local time of day is between 06:00 and 20:00"),
    ("F13-closed-at", "opened_at <= closed_at <= opened_at + 30 days"),
    ("F14-advisor-id", "advisor_id is <shop_id>-A99"),
    ("F15-technician-id", "labor[].technician_id is <shop_id>-T99"),
    ("F16-uuid", "customer.customer_uuid is a lowercase canonical UUID"),
    ("F17-phone", "customer.phone is E.164 +1NXXNXXXXXX"),
    ("F18-address", "customer.address.state is two capital letters, postal_code five digits"),
    ("F19-year", "vehicle.year is from 1981 to opened_at's year + 1"),
    ("F20-odometer", "0 <= odometer_in <= odometer_out <= odometer_in + 250"),
    ("F21-op-code", "labor[].op_code is AAAAAA-AAAAAAAA"),
    ("F22-empty", "jobs and labor are non-empty; complaint, cause and correction are non-empty"),
    ("R1-indices", "jobs, labor and parts each number 1..n in list order"),
    (
        "R2-references",
        "labor job_index names a job, every job has labor, part labor_index names a labor line",
    ),
    ("R3-labor-rate", "a labor line's rate is the shop's posted rate for its job's pay type"),
    ("R3-labor-amount", "a labor line's amount is round(hours * rate)"),
    ("R4-part-amount", "a part line's amount is round(quantity * unit_price)"),
    ("R5-line-totals", "totals.labor, totals.parts and totals.fees are the sums of the line amounts"),
    (
        "R6-discount",
        "without customer pay no fees and no discount; else discount <= customer-pay labor + parts",
    ),
    ("R7-subtotal", "subtotal == labor + parts + fees - discount"),
    ("R8-tax", "tax == round((customer-pay parts + fees) * tax_rate)"),
    ("R9-total", "total == subtotal + tax"),
    ("R10-pay-split", "customer, warranty and internal pay are their shares (so they add up to total)"),
    ("R11-vin", "VIN characters, check digit, model-year code and position 7 (49 CFR 565.15)"),
    ("R12-fleet-fields", "purchase_order and contact_name are non-null exactly for fleet customers"),
    ("D1-unique-ro-number", "ro_number is unique in the dataset"),
    ("D2-ro-order", "per shop, RO numbers increase with opened_at (ties allowed)"),
    ("D3-shop-identity", "per shop, name, kind and timezone never change"),
    ("D3-labor-rates", "per shop, labor rates are identical within a local calendar year"),
    ("D4-vehicle-identity", "per VIN, year, make and model never change"),
    ("D4-odometer", "per VIN in opened_at order, odometer_in >= the previous RO's odometer_out"),
    ("D4-overlap", "per VIN in opened_at order, opened_at >= the previous RO's closed_at"),
    ("D5-customer-identity", "per customer_uuid, kind and name never change"),
    ("P1-span-target", "a PII span names an RO and a narrative field that exist"),
    ("P2-span-value", "field[start:end] == entity_value"),
    ("P3-span-type", "entity_type is PERSON, PHONE_NUMBER, EMAIL_ADDRESS, STREET_ADDRESS or VIN"),
    ("P4-unspanned-pii", "an RO's own structural PII never appears in its narratives outside a span"),
    ("P5-span-format", "each span line is a JSON object with the contract's keys and types"),
    ("P6-span-label", "a span's optional variant is a form of its entity type and its subject a known one"),
    ("M1-manifest", "the dataset folder has a readable manifest.json"),
    ("M2-file-missing", "every file the manifest lists exists"),
    ("M3-checksum", "every listed file has the listed sha256"),
    ("M4-record-count", "every listed file has the listed record count"),
    ("M5-unlisted-file", "every repair_orders and pii_spans file is listed in the manifest"),
    (
        "M6-file-path",
        "every listed or found file lies inside the dataset folder (no absolute path, .., or symlink out)",
    ),
)
RULE_IDS = tuple(rule_id for rule_id, _ in RULES)

MIN_MODEL_YEAR = 1981
MAX_ODOMETER_GAIN = 250
OPENING_TIME = "06:00:00"
CLOSING_TIME = "20:00:00"
MAX_VISIT = timedelta(days=30)


# A vehicle comes back many times in a dataset; its VIN's arithmetic need not be redone each time.
cached_vin_problem = lru_cache(maxsize=65_536)(vin_problem)


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1024)
def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone ``name``, or None when the tz database has no such zone."""
    # Membership first: ZoneInfo opens files named by its argument, and a directory name or an
    # over-long string would raise OSError rather than ZoneInfoNotFoundError.
    if name not in _zone_names():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def record_violations(ro: dict[str, Any]) -> list[Violation]:
    """All record rules that the structurally valid RO ``ro`` (JSON form) breaks."""
    return ro_violations(to_struct(ro))


def ro_violations(ro: RepairOrder) -> list[Violation]:
    """All record rules that the structurally valid RO ``ro`` breaks."""
    out: list[Violation] = []
    shop = ro.shop
    shop_id = shop.shop_id
    if ro.ro_number[:5] != shop_id:
        out.append(
            Violation(
                "F2-ro-number",
                ("ro_number",),
                "ro_number prefix is not shop.shop_id",
                shop_id,
                ro.ro_number[:5],
            )
        )
    if ro.advisor_id[:5] != shop_id:
        out.append(
            Violation(
                "F14-advisor-id",
                ("advisor_id",),
                "advisor_id prefix is not shop.shop_id",
                shop_id,
                ro.advisor_id[:5],
            )
        )
    _check_times(ro, shop, out)
    rates = _check_labor_rates(shop.labor_rates, out)
    _check_customer(ro, out)
    _check_vehicle(ro, out)
    check_lines_and_totals(ro, shop_id, rates, out)
    return out


def _check_times(ro: RepairOrder, shop: Shop, out: list[Violation]) -> None:
    if times_are_valid(ro.opened_at, ro.closed_at, shop.timezone):
        return
    zone_name = shop.timezone
    zone = zone_named(zone_name)
    if zone is None:
        out.append(
            Violation(
                "F5-timezone", ("shop", "timezone"), "unknown IANA time zone", "an IANA zone name", zone_name
            )
        )
    instants = {}
    for key, text in (("opened_at", ro.opened_at), ("closed_at", ro.closed_at)):
        instant = parse_datetime(text)
        if instant is None:
            out.append(
                Violation(
                    "F10-datetime",
                    (key,),
                    f"{key} is not a real date and time",
                    "a valid calendar date and clock time",
                    text,
                )
            )
            continue
        instants[key] = instant
        if zone is None:
            continue
        if not _offset_is_local(zone_name, text):
            out.append(
                Violation(
                    "F11-utc-offset",
                    (key,),
                    f"{key} offset is not {zone_name}'s at that instant",
                    _offset_text(instant.astimezone(zone).utcoffset()),
                    text[19:],
                )
            )
        elif key == "opened_at" and not OPENING_TIME <= text[11:19] <= CLOSING_TIME:
            out.append(
                Violation(
                    "F12-opened-time",
                    (key,),
                    "opened_at local time is outside shop hours",
                    f"{OPENING_TIME[:5]}-{CLOSING_TIME[:5]}",
                    text[11:19],
                )
            )
    if len(instants) == 2:
        opened, closed = instants["opened_at"], instants["closed_at"]
        # As a difference: opened + 30 days overflows in the last days of year 9999.
        if not (opened <= closed and closed - opened <= MAX_VISIT):
            out.append(
                Violation(
                    "F13-closed-at",
                    ("closed_at",),
                    "closed_at is outside the visit window",
                    f"{ro.opened_at} .. opened_at + 30 days",
                    ro.closed_at,
                )
            )


def times_are_valid(opened_text: str, closed_text: str, zone_name: str) -> bool:
    """Whether ``_check_times`` has nothing to report, answered without its bookkeeping (every RO asks)."""
    opened = parse_datetime(opened_text)
    closed = parse_datetime(closed_text)
    if opened is None or closed is None:
        return False
    return (
        OPENING_TIME <= opened_text[11:19] <= CLOSING_TIME
        and (
            # On the same day at the same offset the texts order as the instants do and 30 days cannot
            # pass: a string comparison instead of aware-datetime arithmetic, which costs several times more.
            (opened_text[:10] == closed_text[:10] and opened_text[19:] == closed_text[19:])
            and opened_text <= closed_text
            or opened <= closed
            and closed - opened <= MAX_VISIT
        )
        and zone_named(zone_name) is not None
        and _offset_is_local(zone_name, opened_text)
        and _offset_is_local(zone_name, closed_text)
    )


def _offset_is_local(zone_name: str, text: str) -> bool:
    """Whether the offset written in ``text`` is the zone's offset at that instant.

    A zone changes its offset on a few days a year, so the answer is cached per (zone, local day,
    offset) when the whole day agrees: one check per day of the dataset, however many ROs, shards and
    years share it, and a cache that grows with the calendar, not with the ROs. A day with a transition
    is answered per hour (``_offset_is_local_in_hour``).
    """
    key = (zone_name, text[:10], text[19:])
    answer = _OFFSET_CHECKS.get(key)
    if answer is None:
        answer = _day_answer(zone_name, text)
        _remember(key, answer)
    return _offset_is_local_in_hour(zone_name, text) if answer is _MIXED_DAY else answer


def _day_answer(zone_name: str, text: str) -> bool | object:
    """The answer for every instant of the local day of ``text`` at its offset, or ``_MIXED_DAY``.

    It is the answer of each hour of the day when the first second of every hour and the day's last
    second agree: a change inside an hour would show at one of them, as in ``_offset_is_local_in_hour``.
    """
    if text[:10] in EDGE_DAYS:
        return _MIXED_DAY  # hours of this day may lie outside datetime's range in UTC: ask per instant
    zone = zone_named(zone_name)
    midnight = datetime.fromisoformat(f"{text[:10]}T00:00:00{text[19:]}")
    written = midnight.utcoffset()
    instants = [midnight + timedelta(hours=hour) for hour in range(24)]
    instants.append(midnight + timedelta(hours=23, minutes=59, seconds=59))
    answers = {instant.astimezone(zone).utcoffset() == written for instant in instants}
    return answers.pop() if len(answers) == 1 else _MIXED_DAY


def _offset_is_local_in_hour(zone_name: str, text: str) -> bool:
    """``_offset_is_local`` on a day with a transition.

    The answer holds for a whole local clock hour unless a transition falls inside it, so it is cached per
    (zone, local hour, offset) when the hour's first and last second agree: exact, and one zone
    conversion per hour instead of two per RO.
    """
    if text[:10] in EDGE_DAYS:
        # The instant is in range (``parse_datetime`` came first); its hour's ends may not be.
        instant = datetime.fromisoformat(text)
        return instant.astimezone(zone_named(zone_name)).utcoffset() == instant.utcoffset()
    key = (zone_name, text[:13], text[19:])
    cached = _OFFSET_CHECKS.get(key)
    if cached is not None:
        return cached
    zone = zone_named(zone_name)
    first = datetime.fromisoformat(f"{text[:13]}:00:00{text[19:]}")
    last = datetime.fromisoformat(f"{text[:13]}:59:59{text[19:]}")
    written = first.utcoffset()
    first_ok = first.astimezone(zone).utcoffset() == written
    last_ok = last.astimezone(zone).utcoffset() == written
    if first_ok != last_ok:
        return datetime.fromisoformat(text).astimezone(zone).utcoffset() == written
    _remember(key, first_ok)
    return first_ok


def _remember(key: tuple[str, str, str], answer: bool | object) -> None:
    if len(_OFFSET_CHECKS) >= _OFFSET_CACHE_SIZE:
        _OFFSET_CHECKS.clear()
    _OFFSET_CHECKS[key] = answer


# (zone, local day or hour, offset) -> the answer, or for a day with a transition ``_MIXED_DAY``
_OFFSET_CHECKS: dict[tuple[str, str, str], bool | object] = {}
_MIXED_DAY = object()
# Days of one zone and offset: a run of ten years holds some 3,700 of them.
_OFFSET_CACHE_SIZE = 8192


def _offset_text(offset: timedelta | None) -> str:
    minutes = int(offset.total_seconds()) // 60 if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _check_labor_rates(labor_rates: LaborRates, out: list[Violation]) -> dict[str, int]:
    rates = {
        "customer": CENTS[labor_rates.customer],
        "warranty": CENTS[labor_rates.warranty],
        "internal": CENTS[labor_rates.internal],
    }
    if not (rates["customer"] and rates["warranty"] and rates["internal"]):
        for pay_type, cents in rates.items():
            if cents == 0:
                out.append(
                    Violation(
                        "F6-money",
                        ("shop", "labor_rates", pay_type),
                        "labor rate must be > 0",
                        "> 0.00",
                        getattr(labor_rates, pay_type),
                    )
                )
    return rates


def _check_customer(ro: RepairOrder, out: list[Violation]) -> None:
    customer = ro.customer
    is_fleet = customer.kind == "fleet"
    if (ro.purchase_order is not None) != is_fleet:
        out.append(
            Violation(
                "R12-fleet-fields",
                ("purchase_order",),
                "purchase_order must be set exactly for fleets",
                "a string" if is_fleet else "null",
                ro.purchase_order,
            )
        )
    if (customer.contact_name is not None) != is_fleet:
        out.append(
            Violation(
                "R12-fleet-fields",
                ("customer", "contact_name"),
                "contact_name must be set exactly for fleets",
                "a string" if is_fleet else "null",
                customer.contact_name,
            )
        )


def _check_vehicle(ro: RepairOrder, out: list[Violation]) -> None:
    vehicle = ro.vehicle
    year = vehicle.year
    latest_year = int(ro.opened_at[:4]) + 1
    year_ok = MIN_MODEL_YEAR <= year <= latest_year
    if not year_ok:
        out.append(
            Violation(
                "F19-year",
                ("vehicle", "year"),
                "model year out of range",
                f"{MIN_MODEL_YEAR}..{latest_year}",
                year,
            )
        )
    # An impossible year says nothing about the VIN's year code: check only what does not depend on it.
    problem = cached_vin_problem(vehicle.vin, year if year_ok else 0)
    if problem is not None:
        out.append(Violation("R11-vin", ("vehicle", "vin"), problem))
    odometer_in, odometer_out = vehicle.odometer_in, vehicle.odometer_out
    if not 0 <= odometer_in <= odometer_out <= odometer_in + MAX_ODOMETER_GAIN:
        out.append(
            Violation(
                "F20-odometer",
                ("vehicle", "odometer_out"),
                "odometer readings out of bounds",
                f"0 <= in <= out <= in + {MAX_ODOMETER_GAIN}",
                f"in={odometer_in} out={odometer_out}",
            )
        )
