"""Ground truth of the world, beside the ROs (never inside them): one row per RO, and the
shard's customers, vehicles with their ownership history, and shops from the ``WorldLedger``;
with ``per_shop`` identity also who each shop's customer record is, and ownership by person.
A vehicle row carries its build spec and a visit row the RO its advisor cites (``cited_ro``), so
that an audit can check the text against the facts the world wrote it from. Rows are plain JSON
values; dates are ISO strings, money and rates keep the world's integer units
(named in the key) so nothing is rounded on the way out.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from world.visit import CustomerRecord, ShopInfo, ShopRecordTruth, VehicleRecord, Visit


def visit_row(visit: Visit) -> dict[str, Any]:
    truth = visit.truth
    return {
        "ro_number": visit.ro_number,
        "shop_id": visit.shop.shop_id,
        "customer_uuid": visit.customer.customer_uuid,
        "vin": visit.vehicle.vin,
        "visit_kind": truth.visit_kind,
        "episode_id": truth.episode_id,
        "comeback_of": truth.comeback_of,
        "cited_ro": visit.cited_ro,
        "archetype": truth.archetype,
        "owner_seq": truth.owner_seq,
        "vehicle_age_days": truth.vehicle_age_days,
        "jobs": [
            {
                "kind": job.kind,
                "concern": job.concern,
                "symptom": job.symptom,
                "recall_campaign": job.recall_campaign,
                "pay_type": job.pay_type,
            }
            for job in visit.jobs
        ],
        "declined": list(visit.declined),
        "waiter": visit.waiter,
    }


def customer_row(record: CustomerRecord) -> dict[str, Any]:
    return {
        "customer_uuid": record.customer_uuid,
        "kind": record.kind,
        "name": record.name,
        "archetype": record.archetype,
        "snapshots": [
            {
                "name": snapshot.name,
                "contact_name": snapshot.contact_name,
                "phone": snapshot.phone,
                "email": snapshot.email,
                "address": {
                    "line1": snapshot.address.line1,
                    "city": snapshot.address.city,
                    "state": snapshot.address.state,
                    "postal_code": snapshot.address.postal_code,
                },
                "discount_bp": snapshot.discount_bp,
            }
            for snapshot in record.snapshots
        ],
    }


def vehicle_row(record: VehicleRecord) -> dict[str, Any]:
    info = record.info
    return {
        "vin": info.vin,
        "year": info.year,
        "make": info.make,
        "model": info.model,
        "segment": info.segment,
        "spec": asdict(info.spec),
        "in_service": record.in_service.isoformat(),
        "scrapped": record.scrapped.isoformat() if record.scrapped else None,
        "ownerships": [
            {
                "customer_uuid": owner.customer_uuid,
                "start": owner.start.isoformat(),
                "end": owner.end.isoformat() if owner.end else None,
                "end_reason": owner.end_reason,
            }
            for owner in record.ownerships
        ],
    }


def shop_row(shop: ShopInfo) -> dict[str, Any]:
    return {
        "shop_id": shop.shop_id,
        "name": shop.name,
        "kind": shop.kind,
        "timezone": shop.timezone,
        "state": shop.state,
        "region_id": shop.region_id,
        "brands": list(shop.brands),
        "tax_rate_ten_thousandths": shop.tax_rate,
        "parts_markup_bp": shop.parts_markup_bp,
        "supplies_bp": shop.supplies_bp,
        "supplies_cap_cents": shop.supplies_cap,
        "hazmat_fee_cents": shop.hazmat_fee,
        "quality": shop.quality,
    }


def identity_row(record: ShopRecordTruth) -> dict[str, Any]:
    return {
        "customer_uuid": record.customer_uuid,
        "shop_id": record.shop_id,
        "kind": record.kind,
        "person_id": record.person_id,
        "account_id": record.account_id,
        "name": record.name,
        "apartment": record.apartment,
        "variations": list(record.variations),
    }


def ownership_rows(record: VehicleRecord) -> list[dict[str, Any]]:
    """The vehicle's ownership periods; the owner's id is the person's (or fleet account's) id,
    the ``customer_uuid`` truth/customers lists it under."""
    return [
        {
            "vin": record.info.vin,
            "owner_id": owner.customer_uuid,
            "start": owner.start.isoformat(),
            "end": owner.end.isoformat() if owner.end else None,
            "end_reason": owner.end_reason,
        }
        for owner in record.ownerships
    ]
