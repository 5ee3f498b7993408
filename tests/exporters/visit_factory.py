"""Hand-made but realistic Visits for exporter tests: real catalog ids, identities and VINs,
every pay type, visit kind, fleet and individual customers, drawn from one integer seed."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from world.catalog import load_catalog
from world.identity import IdentityPool
from world.specs import SpecBook
from world.vin_factory import VinFactory
from world.visit import (
    SHOP_KINDS,
    CustomerSnapshot,
    Job,
    LaborOp,
    LaborRates,
    PartUse,
    ShopInfo,
    VehicleInfo,
    Visit,
    VisitTruth,
)


def vehicle_info(make: str, model: str, year: int, key: int) -> VehicleInfo:
    """A vehicle as the world builds one: a trim of its model year chosen by its key, and its VIN."""
    catalog = load_catalog()
    entry = next(m for m in catalog.models if (m.make, m.model) == (make, model))
    specs = SpecBook(catalog.specs)
    fitment, trim = specs.choose(entry, year, False, key)
    vin = VinFactory(key % 1000).vin(make, model, year, trim.name, trim.engine.code)
    return VehicleInfo(vin, year, make, model, entry.segment, specs.spec(fitment))


ZONES = {
    "OH": "America/New_York",
    "TX": "America/Chicago",
    "AZ": "America/Phoenix",
    "CA": "America/Los_Angeles",
}
AREA_CODES = {"OH": (614, 740), "TX": (512, 737), "AZ": (480, 602), "CA": (415, 510)}
VEHICLES = (
    ("Ford", "F-150"),
    ("Toyota", "Camry"),
    ("Honda", "Civic"),
    ("Chevrolet", "Silverado 1500"),
    ("Ram", "ProMaster 2500"),
    ("Nissan", "Altima"),
)


def make_shop(rnd: random.Random, index: int = 0) -> ShopInfo:
    state = rnd.choice(sorted(ZONES))
    return ShopInfo(
        shop_id=f"{state}{101 + index:03d}",
        name=f"Test Shop {index}",
        kind=rnd.choice(SHOP_KINDS),
        timezone=ZONES[state],
        state=state,
        region_id=f"region-{state.lower()}",
        brands=("Ford",),
        tax_rate=rnd.choice((0, 575, 625, 725, 825, 1500)),
        parts_markup_bp=rnd.choice((0, 2500, 4000, 6000)),
        supplies_bp=rnd.choice((0, 500, 800, 1000)),
        supplies_cap=rnd.choice((0, 2500, 3500, 5000)),
        hazmat_fee=rnd.choice((0, 350, 495)),
        quality=0.95,
    )


def _operations(rnd: random.Random, concern: str, shop: ShopInfo, pay_type: str) -> tuple[LaborOp, ...]:
    catalog = load_catalog()
    candidates = [op for op in catalog.operations.values() if op.concern == concern]
    chosen = rnd.sample(candidates, k=min(len(candidates), rnd.choice((1, 1, 2))))
    ops = []
    for operation in chosen:
        hours = operation.hours_warranty if pay_type == "warranty" else operation.hours_customer
        ops.append(
            LaborOp(
                operation_id=operation.operation_id,
                op_code=operation.op_code,
                description=operation.description,
                hours=max(1, hours),
                technician_id=f"{shop.shop_id}-T{rnd.randint(1, 12):02d}",
                parts=tuple(PartUse(rnd.choice(use.choices), use.quantity) for use in operation.parts),
                hazmat=operation.hazmat,
            )
        )
    return tuple(ops)


def make_visit(seed: int, **overrides) -> Visit:
    """A valid visit drawn from ``seed``; keyword overrides replace Visit fields afterwards."""
    rnd = random.Random(seed)
    catalog = load_catalog()
    shop = make_shop(rnd, seed % 50)
    identities = IdentityPool(np.random.default_rng(seed), shop.state, AREA_CODES[shop.state])
    fleet = rnd.random() < 0.3
    name = identities.company_name() if fleet else identities.person_name()
    contact = identities.person_name() if fleet else None
    customer = CustomerSnapshot(
        customer_uuid=identities.customer_uuid(),
        kind="fleet" if fleet else "individual",
        name=name,
        contact_name=contact,
        phone=identities.phone(),
        email=identities.email(contact or name),
        address=identities.address(),
        discount_bp=rnd.choice((0, 500, 1000)) if fleet else 0,
    )
    make, model = rnd.choice(VEHICLES)
    year = rnd.randint(2014, 2024)
    vehicle = vehicle_info(make, model, year, seed)
    failures = sorted(catalog.components)
    services = sorted(catalog.services)
    jobs = []
    comeback_of = None
    for _ in range(rnd.choice((1, 1, 2, 3, 4))):
        kind = rnd.choice(
            ("maintenance", "failure", "failure", "recall", "comeback", "inspection", "reconditioning")
        )
        pay_type = rnd.choice(("customer", "customer", "warranty", "internal"))
        campaign = None
        if kind == "maintenance":
            concern = rnd.choice(services)
        elif kind == "inspection":
            concern = rnd.choice(("multipoint_inspection", "state_inspection"))
        elif kind == "reconditioning":
            concern, pay_type = "used_vehicle_recon", "internal"
        elif kind == "recall":
            concern = campaign = rnd.choice(sorted(catalog.recalls))
            pay_type = "warranty"
        else:
            concern = rnd.choice(failures)
            if kind == "comeback":
                comeback_of = f"{shop.shop_id}-{rnd.randint(100000, 899999):06d}"
        jobs.append(
            Job(
                pay_type=pay_type,
                kind=kind,
                concern=concern,
                symptom=None,
                operations=_operations(rnd, concern, shop, pay_type),
                recall_campaign=campaign,
            )
        )
    opened = datetime(
        2024,
        rnd.randint(1, 12),
        rnd.randint(1, 28),
        rnd.randint(6, 19),
        rnd.randint(0, 59),
        tzinfo=ZoneInfo(shop.timezone),
    )
    closed = (opened.astimezone(UTC) + timedelta(minutes=rnd.randint(0, 72 * 60))).astimezone(
        ZoneInfo(shop.timezone)
    )
    odometer = rnd.randint(0, 250_000)
    customer_rate = rnd.randint(9000, 22000)
    visit = Visit(
        ro_number=f"{shop.shop_id}-{rnd.randint(100000, 999999):06d}",
        shop=shop,
        labor_rates=LaborRates(customer_rate, customer_rate - rnd.randint(0, 3000), customer_rate - 4000),
        advisor_id=f"{shop.shop_id}-A{rnd.randint(1, 9):02d}",
        opened_at=opened,
        closed_at=closed,
        customer=customer,
        vehicle=vehicle,
        odometer_in=odometer,
        odometer_out=odometer + rnd.randint(0, 30),
        purchase_order=f"PO-{rnd.randint(10000, 99999)}" if fleet else None,
        jobs=tuple(jobs),
        declined=tuple(rnd.sample(services, k=rnd.choice((0, 0, 1, 2)))),
        waiter=rnd.random() < 0.4,
        truth=VisitTruth(
            visit_kind=jobs[0].kind,
            episode_id=f"ep-{seed}",
            comeback_of=comeback_of,
            archetype=rnd.choice(("private_owner", "delivery_fleet")),
            owner_seq=1,
            vehicle_age_days=rnd.randint(0, 8000),
        ),
        draw_seed=rnd.getrandbits(64),
        cited_ro=comeback_of,
    )
    return replace(visit, **overrides) if overrides else visit
