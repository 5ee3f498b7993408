"""Visit -> a Schema V2 RepairOrder validated by exporters.models, its JSON line and its PII spans.

The RO is assembled in the contract's JSON form from the priced lines and the narrative, then
validated by ``RepairOrder.model_validate``; the line written is that validated dict through
orjson (the same bytes as the model's own serializer, tested, at a fifth of its cost). An RO the
models reject raises: the generator never writes or repairs one.
All chance in a visit's export comes from ``random.Random(visit.draw_seed)``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import orjson

from exporters.config import ExportConfig
from exporters.formats import format_cents, format_hundredths, format_ten_thousandths, format_tenths
from exporters.models import RepairOrder
from exporters.narrative import Narrative, Narrator
from exporters.pricing import PricedVisit, Pricer
from exporters.templates import NarrativeLibrary
from world.catalog import load_catalog
from world.visit import Visit

SCHEMA_VERSION = "2.0"


@dataclass(frozen=True, slots=True)
class BuiltRO:
    repair_order: RepairOrder
    json_line: bytes  # compact JSON, no newline
    json_form: dict[str, Any]  # the validated contract dict (for Parquet)
    priced: PricedVisit
    narrative: Narrative


def span_rows(ro_number: str, narrative: Narrative) -> list[dict[str, Any]]:
    return [
        {
            "ro_number": ro_number,
            "field": span.field,
            "start": span.start,
            "end": span.end,
            "entity_type": span.entity_type,
            "entity_value": span.entity_value,
        }
        for span in narrative.spans
    ]


class RoBuilder:
    def __init__(self, config: ExportConfig, catalog=None, library: NarrativeLibrary | None = None) -> None:
        catalog = catalog or load_catalog()
        self._pricer = Pricer(catalog, config)
        self._narrator = Narrator(catalog, config, library)

    def build(self, visit: Visit) -> BuiltRO:
        rnd = random.Random(visit.draw_seed)
        priced = self._pricer.price(visit, rnd)
        narrative = self._narrator.write(visit, priced, rnd)
        json_form = contract_form(visit, priced, narrative)
        repair_order = RepairOrder.model_validate(json_form)
        return BuiltRO(repair_order, orjson.dumps(json_form), json_form, priced, narrative)


def contract_form(visit: Visit, priced: PricedVisit, narrative: Narrative) -> dict[str, Any]:
    shop, customer, vehicle, rates, totals = (
        visit.shop,
        visit.customer,
        visit.vehicle,
        visit.labor_rates,
        priced.totals,
    )
    address = customer.address
    return {
        "schema_version": SCHEMA_VERSION,
        "ro_number": visit.ro_number,
        "shop": {
            "shop_id": shop.shop_id,
            "name": shop.name,
            "kind": shop.kind,
            "timezone": shop.timezone,
            "labor_rates": {
                "customer": format_cents(rates.customer),
                "warranty": format_cents(rates.warranty),
                "internal": format_cents(rates.internal),
            },
        },
        "advisor_id": visit.advisor_id,
        "opened_at": visit.opened_at.isoformat(timespec="seconds"),
        "closed_at": visit.closed_at.isoformat(timespec="seconds"),
        "customer": {
            "customer_uuid": customer.customer_uuid,
            "kind": customer.kind,
            "name": customer.name,
            "contact_name": customer.contact_name,
            "phone": customer.phone,
            "email": customer.email,
            "address": {
                "line1": address.line1,
                "city": address.city,
                "state": address.state,
                "postal_code": address.postal_code,
            },
        },
        "vehicle": {
            "vin": vehicle.vin,
            "year": vehicle.year,
            "make": vehicle.make,
            "model": vehicle.model,
            "odometer_in": visit.odometer_in,
            "odometer_out": visit.odometer_out,
        },
        "purchase_order": visit.purchase_order,
        "jobs": [
            {
                "index": index,
                "pay_type": job.pay_type,
                "complaint": text.complaint,
                "cause": text.cause,
                "correction": text.correction,
            }
            for index, (job, text) in enumerate(zip(visit.jobs, narrative.jobs, strict=True), start=1)
        ],
        "labor": [
            {
                "index": line.index,
                "job_index": line.job_index,
                "op_code": line.op_code,
                "description": line.description,
                "technician_id": line.technician_id,
                "hours": format_tenths(line.hours),
                "rate": format_cents(line.rate),
                "amount": format_cents(line.amount),
            }
            for line in priced.labor
        ],
        "parts": [
            {
                "index": line.index,
                "labor_index": line.labor_index,
                "part_number": line.part_number,
                "description": line.description,
                "quantity": format_hundredths(line.quantity),
                "unit_price": format_cents(line.unit_price),
                "amount": format_cents(line.amount),
            }
            for line in priced.parts
        ],
        "fees": [
            {"code": fee.code, "description": fee.description, "amount": format_cents(fee.amount)}
            for fee in priced.fees
        ],
        "notes": narrative.notes,
        "totals": {
            "labor": format_cents(totals.labor),
            "parts": format_cents(totals.parts),
            "fees": format_cents(totals.fees),
            "discount": format_cents(totals.discount),
            "subtotal": format_cents(totals.subtotal),
            "tax_rate": format_ten_thousandths(totals.tax_rate),
            "tax": format_cents(totals.tax),
            "total": format_cents(totals.total),
            "customer_pay": format_cents(totals.customer_pay),
            "warranty_pay": format_cents(totals.warranty_pay),
            "internal_pay": format_cents(totals.internal_pay),
        },
    }
