"""Visit -> a Schema V2 repair order checked against the contract, its JSON line and its PII spans.

The RO is assembled in the contract's JSON form from the priced lines and the narrative, then
checked once by ``exporters.contract.validated_ro_json`` (the models' structure and record rules,
compiled; the same verdict as ``RepairOrder.model_validate``, tested); the line written is that
dict through orjson, the same bytes as the models' own serializer. An RO the contract rejects
raises ValidationError: the generator never writes or repairs one.
All chance in a visit's export comes from ``random.Random(visit.draw_seed)``.
"""

from __future__ import annotations

import random
import threading
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from exporters.config import ExportConfig
from exporters.contract import validated_ro_json
from exporters.formats import format_cents, format_ten_thousandths
from exporters.narrative import Narrative, Narrator
from exporters.pricing import PricedVisit, Pricer, Totals
from exporters.templates import NarrativeLibrary
from world.catalog import load_catalog
from world.visit import LaborRates, ShopInfo, Visit

SCHEMA_VERSION = "2.0"


class BuiltRO(NamedTuple):
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
            "variant": span.variant,
            "subject": span.subject,
        }
        for span in narrative.spans
    ]


class RoBuilder:
    def __init__(self, config: ExportConfig, catalog=None, library: NarrativeLibrary | None = None) -> None:
        catalog = catalog or load_catalog()
        self._pricer = Pricer(catalog, config)
        self._narrator = Narrator(catalog, config, library)
        self._shop_blocks: dict[tuple[int, int], tuple[ShopInfo, LaborRates, dict[str, Any]]] = {}

    def build(self, visit: Visit) -> BuiltRO:
        rnd = random.Random(visit.draw_seed)
        priced = self._pricer.price(visit, rnd)
        narrative = self._narrator.write(visit, rnd)
        json_form = contract_form(visit, priced, narrative, self._shop_block(visit))
        return BuiltRO(validated_ro_json(json_form), json_form, priced, narrative)

    def forget_shops(self) -> None:
        """Drop what belongs to the shops met so far: their JSON blocks and part lines, and their
        advisors' and technicians' writers. A process's next shard has shops of its own, so these
        would only hold memory (tens of MB per shard in writers' templates); what serves every shard
        (part list prices, narrative plans, phrase choices) stays. Each is drawn again, the same, if
        its shop comes back."""
        self._shop_blocks.clear()
        self._pricer.forget_shops()
        self._narrator.forget_writers()

    def _shop_block(self, visit: Visit) -> dict[str, Any]:
        """The shop's JSON block, one per shop and rate year: shops and their posted rates are immutable
        objects the world reuses, so they are recognised by identity (kept alive here, so ids stay theirs)."""
        shop, rates = visit.shop, visit.labor_rates
        key = (id(shop), id(rates))
        cached = self._shop_blocks.get(key)
        if cached is None:
            if len(self._shop_blocks) >= _SHOP_BLOCKS_KEPT:
                self._shop_blocks.clear()
            cached = self._shop_blocks[key] = (shop, rates, shop_block(shop, rates))
        return cached[2]


_kept = threading.local()


def kept_builder(config: ExportConfig) -> RoBuilder:
    """This thread's builder for ``config`` for a new shard: made once, so a process's later shards
    start with the part prices, narrative plans and phrase choices its earlier shards resolved, with
    the earlier shards' shops forgotten (``RoBuilder.forget_shops``).

    Sharing cannot change a byte: every cache of the builder (Pricer, PartPrices, Narrator, its
    ChoiceSets, Situations and Writers, Mentioner) holds a pure function of its key, and all chance
    comes from each visit's own ``random.Random(visit.draw_seed)`` (tested: shards that share a
    builder in any order write the bytes of shards with fresh ones). One builder is kept, for the
    latest config (a process runs the shards of one run); per thread, because the caches are not
    safe to fill from two threads at once.
    """
    kept = getattr(_kept, "entry", None)
    if kept is None or kept[0] != config:
        kept = _kept.entry = (config, RoBuilder(config))
    kept[1].forget_shops()
    return kept[1]


# Shops x rate years of one shard are a few hundred at most; the bound only guards memory against a
# caller that makes fresh ShopInfo or LaborRates objects per visit.
_SHOP_BLOCKS_KEPT = 4096


def shop_block(shop: ShopInfo, rates: LaborRates) -> dict[str, Any]:
    return {
        "shop_id": shop.shop_id,
        "name": shop.name,
        "kind": shop.kind,
        "timezone": shop.timezone,
        "labor_rates": {
            "customer": format_cents(rates.customer),
            "warranty": format_cents(rates.warranty),
            "internal": format_cents(rates.internal),
        },
    }


def rfc3339(moment: datetime) -> str:
    """``moment.isoformat(timespec="seconds")``, formatted by orjson in C several times faster. The
    text is the same whenever the UTC offset is in whole minutes (tested), as every zone's has been
    since 1972; a seconds offset (old local mean time) would lose its seconds here."""
    return orjson.dumps(moment, option=orjson.OPT_OMIT_MICROSECONDS)[1:-1].decode()


def totals_block(totals: Totals) -> dict[str, str]:
    return {
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
    }


def contract_form(
    visit: Visit, priced: PricedVisit, narrative: Narrative, shop: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The RO in the contract's JSON form, keys in the models' field order. ``shop`` is the visit's
    ``shop_block`` when the caller has it cached; the dict may share it with other ROs (read-only).
    The jobs and line lists are the narrative's and the priced visit's own, already in that form."""
    customer, vehicle = visit.customer, visit.vehicle
    address = customer.address
    return {
        "schema_version": SCHEMA_VERSION,
        "ro_number": visit.ro_number,
        "shop": shop if shop is not None else shop_block(visit.shop, visit.labor_rates),
        "advisor_id": visit.advisor_id,
        "opened_at": rfc3339(visit.opened_at),
        "closed_at": rfc3339(visit.closed_at),
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
        "jobs": narrative.jobs,
        "labor": priced.labor,
        "parts": priced.parts,
        "fees": priced.fees,
        "notes": narrative.notes,
        "totals": totals_block(priced.totals),
    }
