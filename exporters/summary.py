"""Scenario distribution summaries: counters per shard, merged in shard order for the manifest.

A shard's vehicles and customers live only in that shard (their VINs and ids come from the
shard's own streams), so per-VIN and per-customer histograms merge by adding counts; phones can
repeat across shards, so the shard keeps its phone -> customers counts and the merge adds them
before counting shared numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from exporters.pii import Span
from exporters.pricing import PricedVisit
from world.visit import Visit, WorldLedger


@dataclass
class ShardSummary:
    ro_count: int = 0
    ros_by_shop_kind: Counter[str] = field(default_factory=Counter)
    ros_by_pay_type: Counter[str] = field(default_factory=Counter)  # ROs with at least one job of it
    jobs_by_pay_type: Counter[str] = field(default_factory=Counter)
    ros_by_visit_kind: Counter[str] = field(default_factory=Counter)
    jobs_by_kind: Counter[str] = field(default_factory=Counter)
    ros_by_archetype: Counter[str] = field(default_factory=Counter)
    jobs_per_ro: Counter[int] = field(default_factory=Counter)
    visits_per_vin: Counter[int] = field(default_factory=Counter)
    visits_per_customer: Counter[int] = field(default_factory=Counter)
    pii_spans_by_type: Counter[str] = field(default_factory=Counter)
    cents_by_pay_type: Counter[str] = field(default_factory=Counter)
    discounts: Counter[str] = field(default_factory=Counter)  # "coupon" / "fleet_contract"
    customers_by_phone: Counter[str] = field(default_factory=Counter)  # each customer's latest phone


class SummaryBuilder:
    """Counts one shard's ROs as they are written.

    Per RO it counts one shape (shop kind, visit kind, archetype, each job's pay type and kind) and
    ``finish`` spreads the shapes over the summary's counters: a shard has a few hundred shapes and
    tens of thousands of ROs, so this is a fraction of counting every RO into every counter.
    """

    def __init__(self) -> None:
        self._shapes: Counter[tuple[str, str, str, tuple[tuple[str, str], ...]]] = Counter()
        self._span_types: Counter[str] = Counter()
        self._cents = {"customer": 0, "warranty": 0, "internal": 0}
        self._discounts: Counter[str] = Counter()
        self._per_vin: Counter[str] = Counter()
        self._per_customer: Counter[str] = Counter()

    def add(self, visit: Visit, priced: PricedVisit, spans: tuple[Span, ...]) -> None:
        truth = visit.truth
        jobs = tuple([(job.pay_type, job.kind) for job in visit.jobs])
        self._shapes[visit.shop.kind, truth.visit_kind, truth.archetype, jobs] += 1
        for span in spans:
            self._span_types[span.entity_type] += 1
        totals = priced.totals
        cents = self._cents
        cents["customer"] += totals.customer_pay
        cents["warranty"] += totals.warranty_pay
        cents["internal"] += totals.internal_pay
        if totals.discount:
            self._discounts["coupon" if priced.coupon else "fleet_contract"] += 1
        self._per_vin[visit.vehicle.vin] += 1
        self._per_customer[visit.customer.customer_uuid] += 1

    def finish(self, ledger: WorldLedger) -> ShardSummary:
        summary = ShardSummary(
            pii_spans_by_type=Counter(self._span_types),
            cents_by_pay_type=Counter(self._cents) if self._shapes else Counter(),
            discounts=Counter(self._discounts),
            visits_per_vin=Counter(self._per_vin.values()),
            visits_per_customer=Counter(self._per_customer.values()),
        )
        for (shop_kind, visit_kind, archetype, jobs), count in self._shapes.items():
            summary.ro_count += count
            summary.ros_by_shop_kind[shop_kind] += count
            summary.ros_by_visit_kind[visit_kind] += count
            summary.ros_by_archetype[archetype] += count
            summary.jobs_per_ro[len(jobs)] += count
            for pay_type, kind in jobs:
                summary.jobs_by_pay_type[pay_type] += count
                summary.jobs_by_kind[kind] += count
            for pay_type in dict.fromkeys(pay_type for pay_type, _ in jobs):
                summary.ros_by_pay_type[pay_type] += count
        for record in ledger.customers:
            if record.snapshots:
                summary.customers_by_phone[record.snapshots[-1].phone] += 1
        return summary


def _histogram(counts: Counter[int]) -> list[list[int]]:
    return [[value, counts[value]] for value in sorted(counts)]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 0.0


def merge_summaries(summaries: list[ShardSummary]) -> dict[str, Any]:
    """The manifest's ``summaries``: shards merged in the order given (the shard order)."""
    merged = ShardSummary()
    for summary in summaries:
        merged.ro_count += summary.ro_count
        for name in (
            "ros_by_shop_kind",
            "ros_by_pay_type",
            "jobs_by_pay_type",
            "ros_by_visit_kind",
            "jobs_by_kind",
            "ros_by_archetype",
            "jobs_per_ro",
            "visits_per_vin",
            "visits_per_customer",
            "pii_spans_by_type",
            "cents_by_pay_type",
            "discounts",
            "customers_by_phone",
        ):
            getattr(merged, name).update(getattr(summary, name))
    vins = sum(merged.visits_per_vin.values())
    customers = sum(merged.visits_per_customer.values())
    repeat_vins = sum(count for visits, count in merged.visits_per_vin.items() if visits >= 2)
    repeat_customers = sum(count for visits, count in merged.visits_per_customer.items() if visits >= 2)
    sharing = sum(count for count in merged.customers_by_phone.values() if count >= 2)
    ledger_customers = sum(merged.customers_by_phone.values())
    return {
        "ro_count": merged.ro_count,
        "ros_by_shop_kind": dict(sorted(merged.ros_by_shop_kind.items())),
        "ros_by_pay_type": dict(sorted(merged.ros_by_pay_type.items())),
        "jobs_by_pay_type": dict(sorted(merged.jobs_by_pay_type.items())),
        "ros_by_visit_kind": dict(sorted(merged.ros_by_visit_kind.items())),
        "jobs_by_kind": dict(sorted(merged.jobs_by_kind.items())),
        "ros_by_archetype": dict(sorted(merged.ros_by_archetype.items())),
        "jobs_per_ro": _histogram(merged.jobs_per_ro),
        "visits_per_vin": _histogram(merged.visits_per_vin),
        "visits_per_customer": _histogram(merged.visits_per_customer),
        "distinct_vins": vins,
        "distinct_customers": customers,
        "repeat_vin_share": _share(repeat_vins, vins),
        "repeat_customer_share": _share(repeat_customers, customers),
        "comeback_rate": _share(merged.ros_by_visit_kind["comeback"], merged.ro_count),
        "pii_spans_by_type": dict(sorted(merged.pii_spans_by_type.items())),
        "pay_split_cents": dict(sorted(merged.cents_by_pay_type.items())),
        "discounted_ros": dict(sorted(merged.discounts.items())),
        "phones": {
            "customers": ledger_customers,
            "distinct_numbers": len(merged.customers_by_phone),
            "customers_sharing_a_number": sharing,
            "sharing_share": _share(sharing, ledger_customers),
        },
    }
