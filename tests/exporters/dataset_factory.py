"""A small dataset written through ShardWriter from factory visits, with a ledger to match."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from exporters.config import ExportConfig
from exporters.shard_writer import ShardResult, ShardWriter
from tests.exporters.visit_factory import make_visit
from world.visit import CustomerRecord, Ownership, VehicleRecord, WorldLedger


def ledger_for(shard_index: int, visits) -> WorldLedger:
    shops = {visit.shop.shop_id: visit.shop for visit in visits}
    customers = {
        visit.customer.customer_uuid: CustomerRecord(
            visit.customer.customer_uuid,
            visit.customer.kind,
            visit.customer.name,
            visit.truth.archetype,
            (visit.customer,),
        )
        for visit in visits
    }
    vehicles = {
        visit.vehicle.vin: VehicleRecord(
            visit.vehicle,
            date(visit.vehicle.year, 1, 1),
            None,
            (Ownership(visit.customer.customer_uuid, date(visit.vehicle.year, 1, 1), None, None),),
        )
        for visit in visits
    }
    return WorldLedger(
        shard_index, tuple(shops.values()), tuple(customers.values()), tuple(vehicles.values())
    )


def shard_visits(shard_index: int, count: int):
    return [make_visit(shard_index * 100_000 + n) for n in range(count)]


def write_shard(
    dataset_dir: Path,
    shard_index: int,
    count: int,
    export: ExportConfig,
    formats: tuple[str, ...] = ("jsonl",),
) -> ShardResult:
    visits = shard_visits(shard_index, count)
    writer = ShardWriter(dataset_dir, shard_index, export, formats)
    for visit in visits:
        writer.add(visit)
    return writer.finish(ledger_for(shard_index, visits))
