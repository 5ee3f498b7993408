"""Hypothesis strategies for valid Schema V2 ROs, and the arithmetic that makes a hand-edited RO valid again.

``reconcile(ro)`` recomputes every line amount and total of a JSON-form RO from its hours, rates,
quantities, unit prices, fees, discount and tax rate, exactly as the contract defines them. Tests
use it to build mutations that break one rule and nothing downstream of it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from exporters.formats import fixed, format_cents, format_hundredths, format_tenths, quantity_hundredths
from world.vin import check_digit, model_year_code

ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "Pacific/Honolulu",
)
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def make_vin(prefix: str, year: int, serial: str) -> str:
    """A valid VIN: 6 characters of WMI+VDS, position 7 by the year rule, check digit, year code, 7 more."""
    position_7 = "A" if year >= 2010 else "1"
    draft = f"{prefix[:6]}{position_7}X0{model_year_code(year)}{serial[:7]}"
    return draft[:8] + check_digit(draft[:8] + "0" + draft[9:]) + draft[9:]


def local_timestamp(zone: str, local: datetime) -> str:
    return local.replace(tzinfo=ZoneInfo(zone)).isoformat()


def shifted(timestamp: str, zone: str, delta: timedelta) -> str:
    instant = datetime.fromisoformat(timestamp).astimezone(UTC) + delta
    return instant.astimezone(ZoneInfo(zone)).isoformat()


def reconcile(ro: dict[str, Any], posted_rates: bool = True) -> dict[str, Any]:
    """Recompute line amounts and totals in place (contract rules R3-R10); returns ``ro``.

    Labor lines get the shop's posted rate unless ``posted_rates`` is false. The discount is kept as is.
    """
    job_pay = {job["index"]: job["pay_type"] for job in ro["jobs"]}
    rates = {pay: fixed(value) for pay, value in ro["shop"]["labor_rates"].items()}
    labor_by_pay = dict.fromkeys(rates, 0)
    parts_by_pay = dict.fromkeys(rates, 0)
    labor_pay = {}
    for line in ro["labor"]:
        pay = job_pay[line["job_index"]]
        if posted_rates:
            line["rate"] = format_cents(rates[pay])
        amount = (fixed(line["hours"]) * fixed(line["rate"]) + 5) // 10
        line["amount"] = format_cents(amount)
        labor_by_pay[pay] += amount
        labor_pay[line["index"]] = pay
    for part in ro["parts"]:
        amount = (quantity_hundredths(part["quantity"]) * fixed(part["unit_price"]) + 50) // 100
        part["amount"] = format_cents(amount)
        parts_by_pay[labor_pay[part["labor_index"]]] += amount
    totals = ro["totals"]
    fees = sum(fixed(fee["amount"]) for fee in ro["fees"])
    discount = fixed(totals["discount"])
    labor, parts = sum(labor_by_pay.values()), sum(parts_by_pay.values())
    tax = ((parts_by_pay["customer"] + fees) * fixed(totals["tax_rate"]) + 5000) // 10000
    subtotal = labor + parts + fees - discount
    totals.update(
        labor=format_cents(labor),
        parts=format_cents(parts),
        fees=format_cents(fees),
        discount=format_cents(discount),
        subtotal=format_cents(subtotal),
        tax=format_cents(tax),
        total=format_cents(subtotal + tax),
        customer_pay=format_cents(
            labor_by_pay["customer"]
            + parts_by_pay["customer"]
            + fees
            + tax
            - (discount if "customer" in job_pay.values() else 0)
        ),
        warranty_pay=format_cents(labor_by_pay["warranty"] + parts_by_pay["warranty"]),
        internal_pay=format_cents(labor_by_pay["internal"] + parts_by_pay["internal"]),
    )
    return ro


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)


@st.composite
def repair_orders(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid RO in JSON form: random jobs, lines, pay types, prices and quantities; exact totals."""
    shop_id = draw(st.from_regex(r"[A-Z]{2}[0-9]{3}", fullmatch=True))
    zone = draw(st.sampled_from(ZONES))
    opened_local = draw(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31)))
    opened_local = opened_local.replace(hour=draw(st.integers(6, 19)), microsecond=0)
    opened_at = local_timestamp(zone, opened_local)
    closed_at = shifted(opened_at, zone, timedelta(seconds=draw(st.integers(0, 30 * 86400))))
    is_fleet = draw(st.booleans())
    year = draw(st.integers(1981, opened_local.year + 1))
    vin = make_vin(
        draw(st.text(VIN_CHARS, min_size=6, max_size=6)),
        year,
        draw(st.text(VIN_CHARS, min_size=7, max_size=7)),
    )
    odometer_in = draw(st.integers(0, 400_000))
    job_count = draw(st.integers(1, 4))
    pay_types = draw(
        st.lists(
            st.sampled_from(("customer", "warranty", "internal")), min_size=job_count, max_size=job_count
        )
    )
    jobs = [
        {
            "index": i,
            "pay_type": pay,
            "complaint": draw(_text),
            "cause": draw(_text),
            "correction": draw(_text),
        }
        for i, pay in enumerate(pay_types, 1)
    ]
    job_of_labor = list(range(1, job_count + 1)) + draw(st.lists(st.integers(1, job_count), max_size=3))
    labor = [
        {
            "index": i,
            "job_index": job_index,
            "op_code": draw(st.from_regex(r"[A-Z0-9]{2,6}-[A-Z0-9]{2,8}", fullmatch=True)),
            "description": draw(_text),
            "technician_id": f"{shop_id}-T{draw(st.integers(0, 99)):02d}",
            "hours": format_tenths(draw(st.integers(1, 400))),
            "rate": "0.00",
            "amount": "0.00",
        }
        for i, job_index in enumerate(job_of_labor, 1)
    ]
    part_count = draw(st.integers(0, 5))
    parts = [
        {
            "index": i,
            "labor_index": draw(st.integers(1, len(labor))),
            "part_number": draw(_text),
            "description": draw(_text),
            "quantity": format_hundredths(draw(st.integers(1, 10_000))),
            "unit_price": format_cents(draw(st.integers(1, 500_000))),
            "amount": "0.00",
        }
        for i in range(1, part_count + 1)
    ]
    has_customer_pay = "customer" in pay_types
    fees = (
        [
            {"code": code, "description": draw(_text), "amount": format_cents(draw(st.integers(0, 10_000)))}
            for code in draw(st.lists(st.sampled_from(("shop_supplies", "hazmat_disposal")), max_size=2))
        ]
        if has_customer_pay
        else []
    )
    ro = {
        "schema_version": "2.0",
        "ro_number": f"{shop_id}-{draw(st.integers(0, 999_999)):06d}",
        "shop": {
            "shop_id": shop_id,
            "name": draw(_text),
            "kind": draw(st.sampled_from(("dealer", "independent", "fleet_depot", "quick_lube"))),
            "timezone": zone,
            "labor_rates": {
                pay: format_cents(draw(st.integers(1, 40_000)))
                for pay in ("customer", "warranty", "internal")
            },
        },
        "advisor_id": f"{shop_id}-A{draw(st.integers(0, 99)):02d}",
        "opened_at": opened_at,
        "closed_at": closed_at,
        "customer": {
            "customer_uuid": str(draw(st.uuids(version=4))),
            "kind": "fleet" if is_fleet else "individual",
            "name": draw(_text),
            "contact_name": draw(_text) if is_fleet else None,
            "phone": draw(st.from_regex(r"\+1[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True)),
            "email": draw(_text),
            "address": {
                "line1": draw(_text),
                "city": draw(_text),
                "state": draw(st.from_regex(r"[A-Z]{2}", fullmatch=True)),
                "postal_code": draw(st.from_regex(r"[0-9]{5}", fullmatch=True)),
            },
        },
        "vehicle": {
            "vin": vin,
            "year": year,
            "make": draw(_text),
            "model": draw(_text),
            "odometer_in": odometer_in,
            "odometer_out": odometer_in + draw(st.integers(0, 250)),
        },
        "purchase_order": draw(_text) if is_fleet else None,
        "jobs": jobs,
        "labor": labor,
        "parts": parts,
        "fees": fees,
        "notes": draw(st.text(max_size=60)),
        "totals": {
            "labor": "0.00",
            "parts": "0.00",
            "fees": "0.00",
            "discount": "0.00",
            "subtotal": "0.00",
            "tax_rate": f"0.{draw(st.integers(0, 1500)):04d}",
            "tax": "0.00",
            "total": "0.00",
            "customer_pay": "0.00",
            "warranty_pay": "0.00",
            "internal_pay": "0.00",
        },
    }
    reconcile(ro)
    if has_customer_pay:
        customer_lines = sum(
            fixed(line["amount"]) for line in labor if pay_types[line["job_index"] - 1] == "customer"
        )
        customer_lines += sum(
            fixed(part["amount"])
            for part in parts
            if pay_types[labor[part["labor_index"] - 1]["job_index"] - 1] == "customer"
        )
        ro["totals"]["discount"] = format_cents(draw(st.integers(0, customer_lines)))
        reconcile(ro)
    return ro
