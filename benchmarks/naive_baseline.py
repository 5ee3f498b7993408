"""The naive baseline: repair orders the way a user would write them by hand with Faker.

    python benchmarks/naive_baseline.py --count 20000 --out baseline.jsonl [--seed 42]

A flat loop that calls Faker for every value of every record (names, addresses, phones, emails,
company names, VINs, one Faker sentence per free-text field) and writes each RO with json.dumps.
It produces the Schema V2 shape (the same keys and nesting as a roworld RO) but has no world
behind it (no shops, owners or vehicle histories) and validates nothing: it is the yardstick for
roworld's throughput, not a generator of valid data.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from faker import Faker

SHOP_KINDS = ("dealer", "independent", "fleet_depot", "quick_lube")
PAY_TYPES = ("customer", "customer", "customer", "warranty", "internal")
MAKES = {"Ford": ("F-150", "Escape", "Transit"), "Toyota": ("Camry", "RAV4"), "Honda": ("Civic", "CR-V")}
TAX_RATE_TEN_THOUSANDTHS = 750
WINDOW_START = datetime(2021, 1, 1, 7, 0)
WINDOW_DAYS = 4 * 365


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def times_rate(units: int, unit_scale: int, rate_cents: int) -> int:
    """round(units / unit_scale * rate) to the cent, half up, in integers."""
    return (2 * units * rate_cents + unit_scale) // (2 * unit_scale)


def make_shop(fake: Faker, rnd: random.Random, number: int) -> dict:
    state = fake.state_abbr()
    return {
        "shop_id": f"{state}{number:03d}",
        "name": f"{fake.last_name()} {rnd.choice(('Auto Care', 'Motors', 'Service Center'))}",
        "kind": rnd.choice(SHOP_KINDS),
        "timezone": "America/New_York",
        "labor_rates": {"customer": "145.00", "warranty": "120.00", "internal": "95.00"},
    }


def make_repair_order(fake: Faker, rnd: random.Random, shop: dict, sequence: int) -> dict:
    shop_id = shop["shop_id"]
    is_fleet = rnd.random() < 0.3
    opened = WINDOW_START + timedelta(days=rnd.randrange(WINDOW_DAYS), minutes=rnd.randrange(600))
    closed = opened + timedelta(hours=rnd.randrange(1, 30))
    make = rnd.choice(tuple(MAKES))
    odometer = rnd.randrange(1000, 200000)

    jobs, labor, parts = [], [], []
    pay_cents = {"customer": 0, "warranty": 0, "internal": 0}
    labor_cents = parts_cents = taxable_cents = 0
    for job_index in range(1, rnd.randint(1, 4) + 1):
        pay_type = rnd.choice(PAY_TYPES)
        jobs.append(
            {
                "index": job_index,
                "pay_type": pay_type,
                "complaint": fake.sentence(),
                "cause": fake.sentence(),
                "correction": fake.sentence(),
            }
        )
        rate_cents = int(shop["labor_rates"][pay_type].replace(".", ""))
        tenths = rnd.randint(2, 40)
        amount = times_rate(tenths, 10, rate_cents)
        labor.append(
            {
                "index": len(labor) + 1,
                "job_index": job_index,
                "op_code": fake.bothify("???-####").upper(),
                "description": fake.sentence(nb_words=4),
                "technician_id": f"{shop_id}-T{rnd.randint(1, 12):02d}",
                "hours": f"{tenths // 10}.{tenths % 10}",
                "rate": shop["labor_rates"][pay_type],
                "amount": money(amount),
            }
        )
        labor_cents += amount
        pay_cents[pay_type] += amount
        for _ in range(rnd.randint(0, 3)):
            quantity = rnd.randint(1, 6)
            unit_cents = rnd.randint(199, 49999)
            part_amount = quantity * unit_cents
            parts.append(
                {
                    "index": len(parts) + 1,
                    "labor_index": len(labor),
                    "part_number": fake.bothify("??-####").upper(),
                    "description": fake.sentence(nb_words=3),
                    "quantity": str(quantity),
                    "unit_price": money(unit_cents),
                    "amount": money(part_amount),
                }
            )
            parts_cents += part_amount
            pay_cents[pay_type] += part_amount
            if pay_type == "customer":
                taxable_cents += part_amount

    fees = [{"code": "shop_supplies", "description": "Shop supplies", "amount": "12.50"}]
    fee_cents = 1250
    tax_cents = times_rate(taxable_cents + fee_cents, 10000, TAX_RATE_TEN_THOUSANDTHS)
    subtotal = labor_cents + parts_cents + fee_cents
    return {
        "schema_version": "2.0",
        "ro_number": f"{shop_id}-{sequence:06d}",
        "shop": shop,
        "advisor_id": f"{shop_id}-A{rnd.randint(1, 5):02d}",
        "opened_at": opened.isoformat(timespec="seconds") + "-05:00",
        "closed_at": closed.isoformat(timespec="seconds") + "-05:00",
        "customer": {
            "customer_uuid": fake.uuid4(),
            "kind": "fleet" if is_fleet else "individual",
            "name": fake.company() if is_fleet else fake.name(),
            "contact_name": fake.name() if is_fleet else None,
            "phone": "+1" + fake.numerify("%##%######"),
            "email": fake.email(),
            "address": {
                "line1": fake.street_address(),
                "city": fake.city(),
                "state": fake.state_abbr(),
                "postal_code": fake.zipcode(),
            },
        },
        "vehicle": {
            "vin": fake.vin(),
            "year": rnd.randint(2005, 2025),
            "make": make,
            "model": rnd.choice(MAKES[make]),
            "odometer_in": odometer,
            "odometer_out": odometer + rnd.randint(0, 20),
        },
        "purchase_order": fake.bothify("PO-######") if is_fleet else None,
        "jobs": jobs,
        "labor": labor,
        "parts": parts,
        "fees": fees,
        "notes": fake.sentence(),
        "totals": {
            "labor": money(labor_cents),
            "parts": money(parts_cents),
            "fees": money(fee_cents),
            "discount": "0.00",
            "subtotal": money(subtotal),
            "tax_rate": f"0.{TAX_RATE_TEN_THOUSANDTHS:04d}",
            "tax": money(tax_cents),
            "total": money(subtotal + tax_cents),
            "customer_pay": money(pay_cents["customer"] + fee_cents + tax_cents),
            "warranty_pay": money(pay_cents["warranty"]),
            "internal_pay": money(pay_cents["internal"]),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True, help="repair orders to write")
    parser.add_argument("--out", type=Path, required=True, help="JSON Lines file to write")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    fake = Faker("en_US")
    fake.seed_instance(args.seed)
    rnd = random.Random(args.seed)
    shops = [make_shop(fake, rnd, number) for number in range(101, 121)]
    with args.out.open("w", encoding="utf-8") as out:
        for sequence in range(1, args.count + 1):
            record = make_repair_order(fake, rnd, rnd.choice(shops), sequence)
            out.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
